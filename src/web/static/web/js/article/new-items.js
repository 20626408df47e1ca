/**
 * Items marked new, watched until the reader has seen them, and the "N new"
 * pill: it counts the unseen ones outside the viewport and jumps to the first
 * of them in page order.
 *
 * An item counts as seen once it has been on screen (half of it, or half the
 * window for a tall one) for a second while the tab is visible, or when the
 * pill jumps to it. A glance while scrolling past does not count.
 */

import { html } from '../../vendor/lit-html/lit-html.js';
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
 * The pill, and its count said politely (read out when it changes, without moving focus).
 * @param {number} count new items not seen yet, outside the viewport
 * @param {() => void} onJump
 */
export function newItemsPill(count, onJump) {
  const items = count === 1 ? 'item' : 'items';
  return html`<div class="new-pill-dock"><button type="button" class="new-pill"
    ?hidden=${count === 0} aria-label="${count} new ${items} below or above: show the first"
    @click=${onJump}>${`${count} new`}</button><span class="sr-only"
    aria-live="polite">${count ? `${count} new ${items}` : ''}</span></div>`;
}

export class NewItemsWatcher {
  /** @type {Map<HTMLElement, Watched>} */
  #unseen = new Map();
  /** @type {Map<Element, HTMLElement>} */
  #itemOfPart = new Map();
  #observer = new IntersectionObserver((entries) => this.#observed(entries), {
    threshold: [0, 0.25, 0.5, 0.75, 1],
  });
  #onVisibilityChange = () => {
    for (const [item, watched] of this.#unseen) {
      if (document.visibilityState === 'hidden') this.#stopClock(watched);
      else if (watched.onScreen) this.#startClock(item, watched);
    }
  };
  /** @type {{reveal: (domId: string) => void, onSeen: (item: HTMLElement) => void,
   *   onCount: (count: number) => void}} */
  #options;

  /**
   * @param {object} options
   * @param {(domId: string) => void} options.reveal scrolls to an item and focuses it
   * @param {(item: HTMLElement) => void} options.onSeen the reader has seen an item
   * @param {(count: number) => void} options.onCount how many unseen items are off screen
   */
  constructor(options) {
    this.#options = options;
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
  }

  /**
   * Watch the items marked new now; those no longer among them are no longer watched.
   * @param {Iterable<HTMLElement>} items
   */
  track(items) {
    const current = new Set(items);
    for (const item of this.#unseen.keys()) if (!current.has(item)) this.#forget(item);
    for (const item of current) {
      if (this.#unseen.has(item)) continue;
      const part = ownPart(item);
      this.#unseen.set(item, { part, onScreen: null, timer: undefined });
      this.#itemOfPart.set(part, item);
      this.#observer.observe(part);
    }
    this.#count();
  }

  /** Show the first unseen item off screen, which counts as seeing it. */
  jumpToFirst() {
    const [first] = this.#offScreen();
    if (!first) return;
    this.#options.reveal(first.id);
    this.#seen(first);
  }

  destroy() {
    this.#observer.disconnect();
    for (const watched of this.#unseen.values()) this.#stopClock(watched);
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
  }

  /** @param {IntersectionObserverEntry[]} entries */
  #observed(entries) {
    for (const entry of entries) {
      const item = this.#itemOfPart.get(entry.target);
      const watched = item && this.#unseen.get(item);
      if (!item || !watched) continue;
      watched.onScreen = isOnScreen(entry);
      if (watched.onScreen) this.#startClock(item, watched);
      else this.#stopClock(watched);
    }
    this.#count();
  }

  /**
   * @param {HTMLElement} item
   * @param {Watched} watched
   */
  #startClock(item, watched) {
    if (watched.timer !== undefined || document.visibilityState === 'hidden') return;
    watched.timer = setTimeout(() => this.#seen(item), SEEN_AFTER_MS);
  }

  /** @param {Watched} watched */
  #stopClock(watched) {
    clearTimeout(watched.timer);
    watched.timer = undefined;
  }

  /** @param {HTMLElement} item */
  #forget(item) {
    const watched = this.#unseen.get(item);
    if (!watched) return;
    this.#stopClock(watched);
    this.#observer.unobserve(watched.part);
    this.#itemOfPart.delete(watched.part);
    this.#unseen.delete(item);
  }

  /** @param {HTMLElement} item */
  #seen(item) {
    this.#forget(item);
    this.#options.onSeen(item);
    this.#count();
  }

  /** The unseen items outside the viewport, in page order. */
  #offScreen() {
    return [...this.#unseen]
      .filter(([, watched]) => watched.onScreen === false)
      .map(([item]) => item)
      .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  }

  #count() {
    let count = 0;
    for (const watched of this.#unseen.values()) if (watched.onScreen === false) count += 1;
    this.#options.onCount(count);
  }
}
