/**
 * The "N new" pill: counts items others added that landed outside the
 * viewport, jumps to the first of them in page order, and shrinks as the
 * reader scrolls them into view.
 */

import { h } from '../dom.js';

/**
 * @param {{reveal: (domId: string) => void}} options reveal scrolls to an item and focuses it
 */
export function createNewItemsPill({ reveal }) {
  /** @type {Set<HTMLElement>} */
  const unseen = new Set();
  const button = h('button', { type: 'button', class: 'new-pill', hidden: true });
  // Polite: the count is read out when it changes, without moving focus.
  const announcer = h('span', { class: 'sr-only', 'aria-live': 'polite' });
  const el = h('div', { class: 'new-pill-dock' }, button, announcer);

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const target = /** @type {HTMLElement} */ (entry.target);
        observer.unobserve(target);
        unseen.delete(target);
      }
      show();
    },
    { threshold: 0.5 },
  );

  function show() {
    for (const target of unseen) {
      if (!target.isConnected) {
        observer.unobserve(target);
        unseen.delete(target);
      }
    }
    const n = unseen.size;
    const text = `${n} new`;
    button.hidden = n === 0;
    if (button.textContent !== text) {
      button.textContent = text;
      button.setAttribute('aria-label', `${n} new ${n === 1 ? 'item' : 'items'} below or above: show the first`);
      announcer.textContent = n ? `${n} new ${n === 1 ? 'item' : 'items'}` : '';
    }
  }

  /** The first unseen item in page order. */
  function first() {
    return [...unseen].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
  }

  button.addEventListener('click', () => {
    const target = first();
    if (target) reveal(target.id);
  });

  return {
    el,
    /** @param {HTMLElement} item an item someone else added, outside the viewport */
    add(item) {
      unseen.add(item);
      observer.observe(item);
      show();
    },
    destroy() {
      observer.disconnect();
    },
  };
}
