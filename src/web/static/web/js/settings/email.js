/**
 * The settings page's e-mail address. Changing it takes the current password: the
 * address is where a new password could be sent, so a browser left signed in must
 * not be enough to move the account elsewhere.
 */

import { api, saveSessionUser } from '../api.js';
import { h } from '../dom.js';
import { field } from '../forms.js';
import { settingsForm, settingsSection } from './section.js';

/** @import { Me } from '../api-types.js' */

/** @param {Me} me */
export function emailSection(me) {
  const current = h('strong', {}, me.email);
  const email = h('input', { name: 'email', type: 'email', required: true, autocomplete: 'email' });
  const password = h('input', {
    name: 'current_password', type: 'password', required: true,
    autocomplete: 'current-password',
  });
  const form = settingsForm({
    fields: [
      field('new-email', 'New e-mail address', email),
      field('email-current-password', 'Current password', password),
    ],
    submitLabel: 'Change e-mail address',
    send: async () => {
      /** @type {Me} */
      const saved = await api('/api/auth/me', {
        method: 'PATCH', body: { email: email.value.trim(), current_password: password.value },
      });
      current.textContent = saved.email;
      email.value = password.value = '';
      saveSessionUser(saved);
      return `Your e-mail address is now ${saved.email}.`;
    },
  });
  return settingsSection('email', 'E-mail address',
    h('p', {}, 'Signed in with ', current, '.'), form);
}
