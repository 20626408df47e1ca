/**
 * A button that shows a panel (a form) under it and hides it again. Opening it from
 * the button moves the focus to the panel's first field, where the person goes next.
 */

import { h } from '../dom.js';

/**
 * @typedef {object} Disclosure
 * @property {HTMLButtonElement} button
 * @property {HTMLElement} panel
 * @property {() => void} show shows the panel without moving the focus
 */

/**
 * @param {{id: string, label: string, content: HTMLElement, panelClass?: string}} options
 *   `id` names the panel, `label` the button
 * @returns {Disclosure}
 */
export function disclosure({ id, label, content, panelClass = '' }) {
  const panel = h(
    'div', { id, class: `disclosure-panel ${panelClass}`.trim(), hidden: true }, content,
  );
  const button = /** @type {HTMLButtonElement} */ (h(
    'button',
    { type: 'button', class: 'button primary', 'aria-expanded': 'false', 'aria-controls': id },
    label,
  ));
  /** @param {boolean} open */
  const setOpen = (open) => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => {
    const opening = panel.hidden;
    setOpen(opening);
    if (opening) {
      /** @type {HTMLElement | null} */ (panel.querySelector('input, textarea, select'))?.focus();
    }
  });
  return { button, panel, show: () => setOpen(true) };
}
