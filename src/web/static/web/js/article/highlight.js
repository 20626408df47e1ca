/** Flashing a changed item, and revealing one: scrolled to, focused and flashed. */

import { itemDomId } from './elements.js';

const HIGHLIGHT_MS = 2600;

/** @typedef {'discussion' | 'comment'} ItemKind */

export function createHighlighter() {
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const timers = new Set();

  /**
   * Flash an item's own part (its classes are in no template: the flash stays
   * while the item renders again).
   * @param {ItemKind} kind
   * @param {number} id
   */
  function highlight(kind, id) {
    const el = document.getElementById(itemDomId(kind, id));
    const part = kind === 'comment' ? ':scope > .comment-body' : '.discussion-card';
    const target = /** @type {HTMLElement | null | undefined} */ (el?.querySelector(part));
    if (!target) return;
    target.classList.remove('flash');
    void target.offsetWidth; // restart the animation
    target.classList.add('flash');
    const timer = setTimeout(() => {
      timers.delete(timer);
      target.classList.remove('flash');
    }, HIGHLIGHT_MS);
    timers.add(timer);
  }

  /**
   * Scroll to an item, focus it and flash it.
   * @param {string} domId
   */
  function reveal(domId) {
    const el = document.getElementById(domId);
    if (!el) return;
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'center' });
    el.focus({ preventScroll: true });
    const [kind, id] = domId.split('-');
    if (kind === 'discussion' || kind === 'comment') highlight(kind, Number(id));
  }

  function destroy() {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  }

  return { highlight, reveal, destroy };
}
