/**
 * The small forms of discussions and comments (edit, reply, confirm delete):
 * built from parts, opened in an item's form slot, and closed returning focus
 * to what opened them.
 */

import { html } from '../../vendor/lit-html/lit-html.js';
import { busy, h, showError } from '../dom.js';
import { closerOf } from '../slots.js';
import { explainFailure, isConnectionFailure } from './composer.js';
import { offerToSendWhenOnline } from './send-when-online.js';

// The article's items open their questions and close their forms in slots too.
export { closeSlot, openConfirm } from '../slots.js';

/**
 * @typedef {object} FormParts
 * @property {string} [label]
 * @property {import('../dom.js').Child[]} fields
 * @property {string} submitText
 * @property {() => string | null} validate the problem to show, or null
 * @property {() => Promise<unknown>} submit
 * @property {HTMLElement} [focus] the control to focus on open and after a problem
 * @property {(() => void) | null} [onCancel]
 * @property {() => void} [onDone]
 * @property {import('./composer.js').Composer} [composer] the writing box's counter, preview
 *   and draft
 * @property {(() => void)[]} [otherDrafts] forget the drafts of the form's other fields (an
 *   edited topic)
 * @property {HTMLElement} [error] the error line, when the composer shares it
 */

/**
 * @param {HTMLInputElement | HTMLTextAreaElement} control
 * @param {string} label
 */
export function field(control, label) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

/**
 * One of an item's actions, for itemActions.
 * @param {string} text
 * @param {string} ariaLabel
 * @param {(button: HTMLButtonElement, slot: HTMLElement) => void} onClick given the button
 *   and the item's form slot
 */
export function actionButton(text, ariaLabel, onClick) {
  const clicked = (/** @type {Event} */ event) => {
    const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
    const item = /** @type {HTMLElement} */ (button.closest('.comment-body, .discussion-card'));
    onClick(button, /** @type {HTMLElement} */ (item.querySelector(':scope > .form-slot')));
  };
  return html`<button type="button" class="button link small" aria-label=${ariaLabel}
    @click=${clicked}>${text}</button>`;
}

/**
 * An item's row of action buttons (hidden when it has none), beside its form slot.
 * @param {unknown[]} buttons
 */
export function itemActions(buttons) {
  return html`<div class="item-actions" ?hidden=${buttons.length === 0}>${buttons}</div>`;
}

/** @param {FormParts} parts */
export function buildForm(parts) {
  const error = parts.error ?? errorLine();
  const submit = h('button', { type: 'submit', class: 'button primary small' }, parts.submitText);
  const cancel = parts.onCancel
    ? h('button', { type: 'button', class: 'button small' }, 'Cancel')
    : null;
  const form = h(
    'form',
    { class: 'inline-form stack', novalidate: true },
    parts.fields,
    parts.composer?.el,
    error,
    h('div', { class: 'form-buttons' }, submit, cancel),
  );
  // Cancelling gives the text up: reopening the form starts again from the original.
  const cancelForm = () => {
    forgetDrafts(parts);
    parts.onCancel?.();
  };
  cancel?.addEventListener('click', cancelForm);
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && parts.onCancel) {
      event.preventDefault();
      cancelForm();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    const problem = parts.validate() ?? parts.composer?.problem();
    if (problem) {
      showError(error, problem);
      parts.focus?.focus();
      return;
    }
    try {
      await busy(form, parts.submit);
      forgetDrafts(parts);
      parts.onDone?.();
    } catch (e) {
      showError(error, explainFailure(e));
      if (isConnectionFailure(e)) offerToSendWhenOnline(form, error);
      parts.focus?.focus();
    }
  });
  return form;
}

/** @param {FormParts} parts */
function forgetDrafts(parts) {
  parts.composer?.forget();
  for (const forget of parts.otherDrafts ?? []) forget();
}

/** A form's error line, empty and hidden until there is a problem. */
export function errorLine() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

/**
 * @param {HTMLElement} slot
 * @param {FormParts} parts
 */
export function openForm(slot, parts) {
  const close = closerOf(slot);
  const form = buildForm({ ...parts, onCancel: close, onDone: close });
  slot.replaceChildren(form);
  parts.focus?.focus();
}

/**
 * @param {HTMLElement} slot
 * @param {string} message
 */
export function showSlotError(slot, message) {
  const line = h('p', { class: 'form-error', role: 'alert' });
  slot.replaceChildren(line);
  showError(line, message);
}
