/**
 * A write that failed for want of a connection keeps its text in the form; once the
 * browser is back online the form says so and offers to send it now. Sending (by
 * the offer or the form's own button) takes the offer and the error away.
 */

import { h, showError } from '../dom.js';

/**
 * @param {HTMLFormElement} form the form whose write failed
 * @param {HTMLElement} error its error line
 */
export function offerToSendWhenOnline(form, error) {
  if (form.dataset.awaitingConnection) return;
  form.dataset.awaitingConnection = 'true';
  window.addEventListener('online', () => {
    delete form.dataset.awaitingConnection;
    if (!form.isConnected) return;
    const sendNow = h('button', { type: 'button', class: 'button primary small' }, 'Send now');
    sendNow.addEventListener('click', () => form.requestSubmit());
    form.addEventListener('submit', () => sendNow.remove(), { once: true });
    form.querySelector('.form-buttons')?.prepend(sendNow);
    showError(error, 'Connected again. Your text has not been sent yet.');
  }, { once: true });
}
