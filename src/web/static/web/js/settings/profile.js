/** The settings page's profile: the name shown beside the username. */

import { api, saveSessionUser } from '../api.js';
import { h } from '../dom.js';
import { field } from '../forms.js';
import { showSessionUser } from '../layout.js';
import { settingsForm, settingsSection } from './section.js';

/** @import { Me } from '../api-types.js' */

/** @param {Me} me */
export function profileSection(me) {
  const displayName = h('input', {
    name: 'display_name', value: me.display_name, maxlength: 80, autocomplete: 'name',
  });
  const form = settingsForm({
    fields: [field('display-name', 'Display name', displayName,
      `Shown beside your username, ${me.username}. Leave it empty to show the username alone.`)],
    submitLabel: 'Save name',
    send: async () => {
      /** @type {Me} */
      const saved = await api('/api/auth/me', {
        method: 'PATCH', body: { display_name: displayName.value },
      });
      displayName.value = saved.display_name;
      saveSessionUser(saved);
      showSessionUser();
      return saved.display_name ? `Your display name is now ${saved.display_name}.`
        : 'Your username alone is shown now.';
    },
  });
  return settingsSection('profile', 'Profile', form);
}
