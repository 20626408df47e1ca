import { ApiError, api, errorDetails, saveSession } from '../api.js';
import { busy, showError } from '../dom.js';
import { setUpPage } from '../layout.js';

/** @import { Session } from '../api.js' */

setUpPage();

/** Where to go once signed in: the page that sent here, if it is one of this site. */
function nextUrl() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  // Only pages of this site, never another origin.
  try {
    const url = new URL(next, location.origin);
    const path = `${url.pathname}${url.search}${url.hash}`;
    // The path is read again as location.assign will read it: normalised, /.//host/x
    // becomes //host/x (and /\host/x the same), which names another host.
    const stays = url.origin === location.origin
      && new URL(path, location.origin).origin === location.origin;
    return stays ? path : '/';
  } catch {
    return '/';
  }
}

/** @param {unknown} error what the request threw */
function describe(error) {
  if (error instanceof ApiError) {
    const details = errorDetails(error).map((detail) => detail.message).filter(Boolean);
    return details.length ? `${error.message}: ${details.join(' ')}` : error.message;
  }
  return 'The server could not be reached. Try again.';
}

/** @typedef {HTMLFormElement & {elements: Record<string, HTMLInputElement>}} CredentialsForm */

/**
 * @param {string} formId
 * @param {string} path
 * @param {(form: CredentialsForm) => object} bodyOf
 */
function wire(formId, path, bodyOf) {
  const form = /** @type {CredentialsForm} */ (document.getElementById(formId));
  const error = /** @type {HTMLElement} */ (form.querySelector('.form-error'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    const firstEmpty = [...form.querySelectorAll('input[required]')]
      .map((i) => /** @type {HTMLInputElement} */ (i))
      .find((i) => !i.value.trim());
    if (firstEmpty) {
      const label = /** @type {HTMLLabelElement} */ (
        form.querySelector(`label[for="${firstEmpty.id}"]`)
      ).textContent;
      showError(error, `${label} is required.`);
      firstEmpty.focus();
      return;
    }
    try {
      /** @type {Session} */
      const tokens = await busy(form, () => api(path, { method: 'POST', body: bodyOf(form) }));
      saveSession(tokens);
      location.assign(nextUrl());
    } catch (e) {
      showError(error, describe(e));
      /** @type {HTMLInputElement} */ (form.querySelector('input')).focus();
    }
  });
}

wire('signin-form', '/api/auth/login', (f) => ({
  login: f.elements.login.value.trim(),
  password: f.elements.password.value,
}));
wire('signup-form', '/api/auth/signup', (f) => ({
  username: f.elements.username.value.trim(),
  email: f.elements.email.value.trim(),
  password: f.elements.password.value,
}));
/** @type {HTMLInputElement} */ (document.getElementById('signin-login')).focus();
