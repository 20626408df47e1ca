/**
 * A forgotten password (/reset/): ask for a link by e-mail, or, opened from that
 * link (/reset/#<uid>.<token>), set a new password and be signed in. The link's
 * token is in the fragment, which never reaches a server; it is taken out of the
 * address bar and the history at once, and kept in this page only.
 */

import { ApiError, api, saveSession } from '../api.js';
import { busy, byId, h, replaceChildren } from '../dom.js';
import { checkRequired, clearErrors, field, formAlert, showApiError } from '../forms.js';
import { setUpPage } from '../layout.js';

/** @import { Session } from '../api.js' */
/** @typedef {{uid: string, token: string}} ResetLink */

const { config } = setUpPage();
const root = byId('password-reset');
const lifetime = `A link works once, within ${config.linkMinutes} minutes.`;

/** @returns {ResetLink | null} the link this page was opened from, if any */
function takeLink() {
  const [uid, token] = location.hash.slice(1).split('.');
  if (location.hash) history.replaceState(null, '', location.pathname);
  return uid && token ? { uid, token } : null;
}

/**
 * The page's one panel, titled, with what it holds; focus goes to its first field,
 * or to its title when it has none, so that a screen reader reads the news.
 * @param {string} title
 * @param {...Node} children
 */
function show(title, ...children) {
  document.title = `${title} · Marginalia`;
  root.removeAttribute('aria-busy');
  replaceChildren(root, h('section', { class: 'card stack', 'aria-labelledby': 'reset-title' },
    h('h1', { id: 'reset-title', tabindex: -1 }, title), ...children));
  (root.querySelector('input') ?? byId('reset-title')).focus();
}

/**
 * A form whose one field is sent by `submit`; errors shown on the field or above
 * the button.
 * @param {HTMLElement} fieldBlock a field() with its control
 * @param {string} action the button's words
 * @param {() => Promise<void>} submit
 * @param {(error: unknown) => boolean} [handled] true when the failure was shown elsewhere
 */
function form(fieldBlock, action, submit, handled = () => false) {
  const error = formAlert();
  const element = h('form', { class: 'stack', novalidate: true }, fieldBlock, error,
    h('button', { type: 'submit', class: 'button primary' }, action));
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(element, error);
    if (!checkRequired(element)) return;
    try {
      await busy(element, submit);
    } catch (e) {
      if (!handled(e)) showApiError(element, error, e);
    }
  });
  return element;
}

function askForLink() {
  const email = h('input', {
    name: 'email', type: 'email', autocomplete: 'email', required: true,
  });
  show(
    'Forgotten password',
    h('p', {}, 'Give the e-mail address of your account: '
      + 'a link to set a new password will be sent to it.'),
    form(field('reset-email', 'Email', email), 'Send the link', async () => {
      const body = { email: email.value.trim() };
      await api('/api/auth/password-reset', { method: 'POST', body });
      // The same words whether or not an account has the address: the API says no more.
      show('Check your mail',
        h('p', { role: 'status' },
          `If an account has that address, a link is on its way. ${lifetime}`),
        h('p', {}, h('a', { href: '/signin/' }, 'Back to sign in')));
    }),
  );
}

/** @param {ResetLink} link */
function setNewPassword(link) {
  const password = h('input', {
    name: 'new_password', type: 'password', autocomplete: 'new-password', required: true,
  });
  /** @param {unknown} error */
  const linkRefused = (error) => {
    if (!(error instanceof ApiError && error.status === 400)) return false;
    show('This link no longer works',
      h('p', { role: 'alert' }, `${error.message}. ${lifetime}`),
      h('p', {}, h('a', { href: '/reset/' }, 'Ask for a new link')));
    return true;
  };
  show(
    'Set a new password',
    form(field('reset-password', 'New password', password,
      'At least 8 characters, not too common.'), 'Set password and sign in', async () => {
      /** @type {Session} */
      const tokens = await api('/api/auth/password-reset/confirm', {
        method: 'POST', body: { ...link, new_password: password.value },
      });
      saveSession(tokens);
      location.assign('/');
    }, linkRefused),
  );
}

const opened = takeLink();
if (opened) setNewPassword(opened);
else askForLink();
// A link pasted into this tab changes the fragment only: no new page is loaded.
window.addEventListener('hashchange', () => {
  const pasted = takeLink();
  if (pasted) setNewPassword(pasted);
});
