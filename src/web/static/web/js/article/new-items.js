/**
 * Items marked new, watched until the reader has seen them, and the "N new"
 * pill: it counts the unseen ones outside the viewport and jumps to the first
 * of them in page order.
 *
 * An item counts as seen once it has been on screen (half of it, or half the
 * window for a tall one) for a second while the tab is visible, or when the
 * pill jumps to it. A glance while scrolling past does not count.
 */

import { h } from '../dom.js';
import { ownPart } from './elements.js';

const SEEN_AFTER_MS = 1000;

/**
 * @typedef {object} Watched
 * @property {HTMLElement} part what must be on screen (ownPart)
 * @property {boolean | null} onScreen null until the observer has reported
 * @property {ReturnType<typeof setTimeout> | undefined} timer runs while on screen
 */

/**
 * @param {IntersectionObserverEntry} entry
 */
function isOnScreen(entry) {
  if (!entry.isIntersecting) return false;
  const windowHeight = entry.rootBounds?.height ?? window.innerHeight;
  return entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= windowHeight / 2;
}

/**
 * @param {object} options
 * @param {(domId: string) => void} options.reveal scrolls to an item and focuses it
 * @param {(item: HTMLElement) => void} options.onSeen the reader has seen an item: take its mark away
 */
export function createNewItems({ reveal, onSeen }) {
  /** @type {Map<HTMLElement, Watched>} */
  const unseen = new Map();
  /** @type {Map<Element, HTMLElement>} */
  const itemOfPart = new Map();
  const button = h('button', { type: 'button', class: 'new-pill', hidden: true });
  // Polite: the count is read out when it changes, without moving focus.
  const announcer = h('span', { class: 'sr-only', 'aria-live': 'polite' });
  const el = h('div', { class: 'new-pill-dock' }, button, announcer);

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const item = itemOfPart.get(entry.target);
        const watched = item && unseen.get(item);
        if (!item || !watched) continue;
        watched.onScreen = isOnScreen(entry);
        if (watched.onScreen) startClock(item, watched);
        else stopClock(watched);
      }
      show();
    },
    { threshold: [0, 0.25, 0.5, 0.75, 1] },
  );

  /**
   * @param {HTMLElement} item
   * @param {Watched} watched
   */
  function startClock(item, watched) {
    if (watched.timer !== undefined || document.visibilityState === 'hidden') return;
    watched.timer = setTimeout(() => seen(item), SEEN_AFTER_MS);
  }

  /** @param {Watched} watched */
  function stopClock(watched) {
    clearTimeout(watched.timer);
    watched.timer = undefined;
  }

  /** @param {HTMLElement} item */
  function forget(item) {
    const watched = unseen.get(item);
    if (!watched) return;
    stopClock(watched);
    observer.unobserve(watched.part);
    itemOfPart.delete(watched.part);
    unseen.delete(item);
  }

  /** @param {HTMLElement} item */
  function seen(item) {
    forget(item);
    onSeen(item);
    show();
  }

  function onVisibilityChange() {
    for (const [item, watched] of unseen) {
      if (document.visibilityState === 'hidden') stopClock(watched);
      else if (watched.onScreen) startClock(item, watched);
    }
  }
  document.addEventListener('visibilitychange', onVisibilityChange);

  /** The unseen items outside the viewport, in page order. */
  function offScreen() {
    return [...unseen]
      .filter(([, watched]) => watched.onScreen === false)
      .map(([item]) => item)
      .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  }

  function show() {
    const n = offScreen().length;
    const text = `${n} new`;
    button.hidden = n === 0;
    if (button.textContent !== text) {
      button.textContent = text;
      button.setAttribute('aria-label', `${n} new ${n === 1 ? 'item' : 'items'} below or above: show the first`);
      announcer.textContent = n ? `${n} new ${n === 1 ? 'item' : 'items'}` : '';
    }
  }

  button.addEventListener('click', () => {
    const [first] = offScreen();
    if (!first) return;
    reveal(first.id);
    seen(first);
  });

  return {
    el,
    /**
     * Watch the items marked new now; those no longer among them are no longer watched.
     * @param {HTMLElement[]} items
     */
    track(items) {
      const current = new Set(items);
      for (const item of unseen.keys()) if (!current.has(item)) forget(item);
      for (const item of items) {
        if (unseen.has(item)) continue;
        const part = ownPart(item);
        unseen.set(item, { part, onScreen: null, timer: undefined });
        itemOfPart.set(part, item);
        observer.observe(part);
      }
      show();
    },
    destroy() {
      observer.disconnect();
      for (const watched of unseen.values()) stopClock(watched);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    },
  };
}
