/**
 * The settings page's password. A new password ends every login, this one too: the
 * answer carries the tokens of a new login for this browser, kept as signing in keeps
 * them, so the person stays signed in here and nowhere else.
 */

import { api, saveSession } from '../api.js';
import { h } from '../dom.js';
import { field } from '../forms.js';
import { settingsForm, settingsSection } from './section.js';

/** @import { Session } from '../api.js' */

/** @param {{onChanged: () => void}} options onChanged: the other logins have ended */
export function passwordSection({ onChanged }) {
  const current = h('input', {
    name: 'current_password', type: 'password', required: true,
    autocomplete: 'current-password',
  });
  const chosen = h('input', {
    name: 'new_password', type: 'password', required: true, autocomplete: 'new-password',
  });
  const form = settingsForm({
    fields: [
      field('password-current', 'Current password', current),
      field('password-new', 'New password', chosen, 'At least 8 characters, not too common.'),
    ],
    submitLabel: 'Change password',
    send: async () => {
      /** @type {Session} */
      const tokens = await api('/api/auth/password', {
        method: 'POST', body: { current_password: current.value, new_password: chosen.value },
      });
      saveSession(tokens);
      current.value = chosen.value = '';
      onChanged();
      return 'Password changed. Every other browser is signed out.';
    },
  });
  return settingsSection('password', 'Password', form);
}
