/**
 * Slots: the place in an item (a post, a member's row) where a small form or a
 * question opens in place, and which closes giving the focus back to what opened it.
 */

import { h, showError } from './dom.js';

/** @param {HTMLElement} slot */
export function closeSlot(slot) {
  slot.replaceChildren();
}

/**
 * A function that empties the slot and gives the focus back to what is focused now
 * (what opened it).
 * @param {HTMLElement} slot
 */
export function closerOf(slot) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  return () => {
    closeSlot(slot);
    if (opener && opener.isConnected) opener.focus();
  };
}

/**
 * Ask before an action that cannot be undone. Cancel (focused first, so that Enter
 * does no harm) or Escape closes the question; a failure shows in it.
 * @param {HTMLElement} slot
 * @param {string} question
 * @param {() => Promise<unknown>} confirmAction
 * @param {{confirmText?: string, groupLabel?: string}} [wording] the confirming button's
 *   text and the question's name for screen readers
 */
export function openConfirm(
  slot, question, confirmAction, { confirmText = 'Delete', groupLabel = 'Confirm delete' } = {},
) {
  const close = closerOf(slot);
  const yes = h('button', { type: 'button', class: 'button danger small' }, confirmText);
  const no = h('button', { type: 'button', class: 'button small' }, 'Cancel');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const box = h(
    'div',
    { class: 'confirm', role: 'group', 'aria-label': groupLabel },
    h('p', {}, question),
    error,
    h('div', { class: 'form-buttons' }, yes, no),
  );
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  no.addEventListener('click', close);
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    no.disabled = true;
    try {
      await confirmAction();
      closeSlot(slot);
    } catch (e) {
      showError(error, e.message);
      yes.disabled = false;
      no.disabled = false;
    }
  });
  slot.replaceChildren(box);
  no.focus();
}
