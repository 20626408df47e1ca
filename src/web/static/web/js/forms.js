/**
 * Accessible forms: every control has a label and its own error line, tied to it
 * by aria-describedby; an error names its field, marks the control invalid and
 * clears as soon as the control is changed.
 */

import { ApiError, errorDetails } from './api.js';
import { h, showError } from './dom.js';

/** @typedef {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} Control */

/**
 * A labelled control with an error line below it (and an optional hint).
 * @param {string} id
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string | null} [hint]
 */
export function field(id, label, control, hint = null) {
  control.id = id;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  control.dataset.label = label;
  control.addEventListener('input', () => setFieldError(control, ''));
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    h('p', { id: errorId, class: 'field-error', hidden: true }),
  );
}

/**
 * @param {HTMLElement} control
 * @param {string} message empty: clear the error
 */
export function setFieldError(control, message) {
  const line = document.getElementById(`${control.id}-error`);
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
  showError(line, message);
}

/**
 * @param {HTMLFormElement} form
 * @param {HTMLElement} formError
 */
export function clearErrors(form, formError) {
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    setFieldError(/** @type {HTMLElement} */ (control), '');
  }
  showError(formError, '');
}

/**
 * "Name is required." on each empty required control; focuses the first. False if any.
 * @param {HTMLFormElement} form
 */
export function checkRequired(form) {
  const required = /** @type {NodeListOf<Control>} */ (form.querySelectorAll('[required]'));
  const empty = [...required].filter((c) => !c.value.trim());
  for (const control of empty) setFieldError(control, `${control.dataset.label} is required.`);
  empty[0]?.focus();
  return empty.length === 0;
}

/**
 * Show an API error on the fields it names (422 `errors[].loc` ends with the field
 * name), the rest in the form's alert; focuses the first field in error.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} formError
 * @param {unknown} error what the request threw
 */
export function showApiError(form, formError, error) {
  /** @type {string[]} */
  const unplaced = [];
  /** @type {HTMLElement | null} */
  let first = null;
  for (const { field: name, message } of errorDetails(error)) {
    const control = name ? form.elements.namedItem(name) : null;
    if (control instanceof HTMLElement && control.dataset.label) {
      setFieldError(control, `${control.dataset.label}: ${message}`);
      first ??= control;
    } else {
      unplaced.push(message);
    }
  }
  if (first) {
    first.focus();
    if (unplaced.length) showError(formError, unplaced.join(' '));
    return;
  }
  const reason = error instanceof ApiError
    ? error.message
    : 'The server could not be reached. Try again.';
  showError(formError, unplaced.length ? `${reason}: ${unplaced.join(' ')}` : reason);
}

/** A form-level alert line for errors that belong to no single field. */
export function formAlert() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}
