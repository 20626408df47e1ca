/**
 * The settings page's logins: every browser and client where the account is signed in,
 * with a button to sign any other one out, and one to sign out everywhere. An ended
 * login's tokens are refused at once, so its pages say the session ended at their next
 * request.
 */

import { api, apiAll, signOutEverywhere } from '../api.js';
import { badge, busy, h, replaceChildren, showError, timeEl } from '../dom.js';
import { settingsSection } from './section.js';

/** @import { Login } from '../api-types.js' */

/**
 * @param {Login} login
 * @param {(login: Login) => Promise<void>} end
 */
function loginRow(login, end) {
  const described = h('span', { class: 'sr-only' }, ` ${login.browser}, signed in `,
    timeEl(login.created_at));
  const signOut = login.current ? badge('This browser')
    : h('button', { type: 'button', class: 'button small', on: { click: () => end(login) } },
      'Sign out', described);
  return h('li', { class: 'login-row', dataset: { loginId: login.id } },
    h('div', { class: 'login-what' },
      h('span', { class: 'login-browser', title: login.user_agent || null }, login.browser),
      h('span', { class: 'meta' }, 'Signed in ', timeEl(login.created_at),
        ' · last active ', timeEl(login.last_used_at))),
    signOut);
}

/**
 * The logins section; `reload()` lists them again (after a new password, say).
 * @returns {{element: HTMLElement, reload: () => Promise<void>}}
 */
export function loginsSection() {
  const list = h('ul', { class: 'plain-list', id: 'logins-list', 'aria-busy': 'true' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const status = h('p', { class: 'status-text', role: 'status' });

  /** @param {Login} login */
  const end = async (login) => {
    showError(error, '');
    try {
      await busy(list, () => api(`/api/auth/logins/${encodeURIComponent(login.id)}`,
        { method: 'DELETE' }));
      status.textContent = `Signed out of ${login.browser}.`;
    } catch (failure) {
      showError(error, failure.message);
    }
    await reload();
    heading.focus(); // the button pressed is gone
  };

  const reload = async () => {
    list.setAttribute('aria-busy', 'true');
    try {
      /** @type {Login[]} */
      const logins = await apiAll('/api/auth/logins');
      replaceChildren(list, logins.map((login) => loginRow(login, end)));
    } catch (failure) {
      showError(error, failure.message);
    }
    list.removeAttribute('aria-busy');
  };

  const everywhere = h('button', { type: 'button', class: 'button danger' },
    'Sign out everywhere');
  const buttons = h('div', { class: 'form-buttons' }, everywhere);
  everywhere.addEventListener('click', async () => {
    showError(error, '');
    try {
      await busy(buttons, signOutEverywhere);
      location.assign('/signin/');
    } catch (failure) {
      showError(error, failure.message);
    }
  });

  const element = settingsSection('logins', 'Logins',
    h('p', { class: 'hint' }, 'Where your account is signed in. Sign out of any you do not '
      + 'recognise, or everywhere at once, this browser too.'),
    list, error, status, buttons);
  const heading = /** @type {HTMLElement} */ (element.querySelector('h2'));
  heading.tabIndex = -1;
  reload();
  return { element, reload };
}
