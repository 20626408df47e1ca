/**
 * What every section of the settings page is made of: a titled card, and forms that
 * send their fields to the API, show its errors on the fields they name (forms.js)
 * and say in a status line what was done.
 */

import { busy, h } from '../dom.js';
import { checkRequired, clearErrors, formAlert, showApiError } from '../forms.js';

/** @import { Child } from '../dom.js' */

/**
 * @param {string} id the section's id; its heading's is `${id}-title`
 * @param {string} title
 * @param {...Child} content
 */
export function settingsSection(id, title, ...content) {
  return h('section', { id, class: 'card', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...content);
}

/**
 * A form that sends itself with `send` once its required fields are filled.
 * @param {object} options
 * @param {Child[]} options.fields labelled controls (forms.js field()), named as the API
 *   names them, so that its errors show on them
 * @param {string} options.submitLabel
 * @param {() => Promise<string>} options.send does the change; resolves with what to
 *   tell the person ("Saved.")
 */
export function settingsForm({ fields, submitLabel, send }) {
  const error = formAlert();
  const status = h('p', { class: 'status-text', role: 'status' });
  const form = h('form', { class: 'stack', novalidate: true }, ...fields, error,
    h('div', { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'button primary' }, submitLabel)),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, error);
    status.textContent = '';
    if (!checkRequired(form)) return;
    try {
      status.textContent = await busy(form, send);
    } catch (failure) {
      showApiError(form, error, failure);
    }
  });
  return form;
}
