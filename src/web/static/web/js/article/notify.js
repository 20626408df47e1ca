/**
 * Telling the reader about changes they cannot see: a toast with a link to
 * the item when it is outside the visible area (new comments, or new
 * discussions, arriving while such a toast shows merge into it: "3 new
 * comments from bob and carol"), a desktop notification when
 * the tab is hidden, and a sound, as the person chose on the settings page
 * (notification-preferences.js).
 */

import { h } from '../dom.js';
import { beep, showDesktopNotification } from '../notification-alerts.js';
import { chosenPreferences } from '../notification-preferences.js';
import { html, render } from '../../vendor/lit-html/lit-html.js';
import { repeat } from '../../vendor/lit-html/directives/repeat.js';
import { authorName } from './author-name.js';
import { sentenceText } from './describe.js';

/** @typedef {import('../../realtime/apply-event').Author} Author */
/** @typedef {import('./describe.js').Sentence} Sentence */
/** @typedef {import('./store.js').ArticleStore} ArticleStore */
/** @typedef {import('./store.js').PageState} PageState */
/** @typedef {import('./store.js').Toast} Toast */

const TOAST_MS = 8000;

/** @param {HTMLElement} el */
function isOutOfView(el) {
  const rect = el.getBoundingClientRect();
  return rect.bottom < 0 || rect.top > window.innerHeight;
}

const names = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/**
 * Names in a list ("bob, carol and dave"), each as the post shows it.
 * @param {readonly Author[]} authors
 */
function namesTemplate(authors) {
  const parts = names.formatToParts(authors.map((author) => author.username));
  let next = 0;
  return parts.map((part) => (part.type === 'element' ? authorName(authors[next++]) : part.value));
}

/**
 * What a toast says: what happened, or once new items merged into it,
 * "3 new comments from bob and carol"; names lead to profiles as on the posts.
 * @param {Toast} toast
 */
function toastMessage({ sentence, kind, count, authors }) {
  if (count > 1) return html`${count} new ${kind}s from ${namesTemplate(authors)}`;
  const { actor, action } = sentence;
  return actor ? html`${authorName(actor)} ${action}` : action;
}

/** @param {DOMRect} a @param {DOMRect} b */
function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * Put the toasts where they cover no form field on screen: the bottom corner,
 * else the top one, else wherever they cover fewest.
 * @param {HTMLElement} region
 */
function placeClearOfForms(region) {
  if (region.childElementCount === 0) return;
  const controls = document.querySelectorAll('form textarea, form input, form select, form button');
  const fields = [...controls]
    .map((el) => el.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.bottom > 0 && r.top < window.innerHeight);
  let best = { spot: 'bottom', covered: Infinity };
  for (const spot of /** @type {const} */ (['bottom', 'top'])) {
    region.dataset.spot = spot;
    const box = region.getBoundingClientRect();
    const covered = fields.filter((r) => overlaps(box, r)).length;
    if (covered === 0) return;
    if (covered < best.covered) best = { spot, covered };
  }
  region.dataset.spot = best.spot;
}


/**
 * @param {readonly Toast[]} toasts
 * @param {{reveal: (domId: string) => void, dismiss: (id: number) => void}} on
 */
function toastsTemplate(toasts, { reveal, dismiss }) {
  return repeat(toasts, (toast) => toast.id, (toast) => {
    // A merged toast leads to the first of its items the reader has not seen yet.
    const targetId = toast.unseen[0] ?? toast.targetId;
    const show = (/** @type {Event} */ event) => {
      event.preventDefault();
      dismiss(toast.id);
      reveal(targetId);
    };
    return html`<div class="toast"><span class="toast-text">${toastMessage(toast)}</span><a
      href="#${targetId}" class="toast-link" @click=${show}>Show</a><button type="button"
      class="toast-close" aria-label="Dismiss" @click=${() => dismiss(toast.id)}>×</button></div>`;
  });
}

/**
 * A change by someone else, as the page tells the reader about it.
 * @typedef {object} Change
 * @property {Sentence} sentence what happened
 * @property {string | null} targetId the element id of the item it is about
 * @property {HTMLElement | null} element that item's element, when it shows
 * @property {string | null} [addedKind] the kind of a new discussion or comment, which
 *   merges with others of its kind
 */

/** Tells the reader about changes others make: toasts, announcements, notifications, sound. */
export class Notifier {
  /** @type {ArticleStore} */
  #store;
  /** @type {HTMLElement} */
  #region;
  // A toast's region is polite itself: this speaks only when no toast does.
  #announcer = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  /** @type {(domId: string) => void} */
  #reveal;
  /** @type {Map<number, ReturnType<typeof setTimeout> | null>} null: waiting for the tab to show */
  #timers = new Map();
  /** @type {readonly Toast[] | null} */
  #shown = null;
  /** the newest toast placed clear of the forms */
  #placed = 0;
  #placing = 0;
  #place = () => {
    if (this.#placing) return;
    this.#placing = requestAnimationFrame(() => {
      this.#placing = 0;
      placeClearOfForms(this.#region);
    });
  };

  /**
   * @param {ArticleStore} store
   * @param {HTMLElement} region where the toasts show
   * @param {{reveal: (domId: string) => void}} options reveal: scroll to an item and focus it
   */
  constructor(store, region, { reveal }) {
    this.#store = store;
    this.#region = region;
    this.#reveal = reveal;
    document.body.append(this.#announcer);
    window.addEventListener('scroll', this.#place, { passive: true });
    window.addEventListener('resize', this.#place);
    document.addEventListener('focusin', this.#place);
  }

  /**
   * Show the toasts and the announcement of the page's state.
   * @param {PageState} state
   */
  render(state) {
    render(state.announcement, this.#announcer);
    if (state.toasts === this.#shown) return;
    this.#shown = state.toasts;
    const dismiss = (/** @type {number} */ id) => this.#store.toastDismissed(id);
    render(toastsTemplate(state.toasts, { reveal: this.#reveal, dismiss }), this.#region);
    // A new toast may cover a form field; one merged into or gone covers none it did not.
    const newest = state.toasts.at(-1)?.id ?? 0;
    if (newest > this.#placed) {
      this.#placed = newest;
      placeClearOfForms(this.#region);
    }
  }

  /**
   * A change by someone else: tell the reader in the way that fits.
   * @param {Change} change
   */
  changed({ sentence, targetId, element, addedKind = null }) {
    const text = sentenceText(sentence);
    const hidden = document.visibilityState === 'hidden';
    // A tab that already shows the item needs no toast, sound or notification.
    if (!hidden && element && !isOutOfView(element)) {
      this.#store.announced(text);
      return;
    }
    if (hidden) this.#desktop(text, targetId);
    if (element && targetId && addedKind) this.#mergeOrToast(addedKind, sentence, targetId);
    else if (element && targetId) this.#time(this.#store.toastShown({ sentence, targetId }));
    else this.#store.announced(text);
    if (chosenPreferences().sound) beep();
  }

  destroy() {
    window.removeEventListener('scroll', this.#place);
    window.removeEventListener('resize', this.#place);
    document.removeEventListener('focusin', this.#place);
    cancelAnimationFrame(this.#placing);
    for (const timer of this.#timers.values()) clearTimeout(timer ?? undefined);
    this.#timers.clear();
  }

  /**
   * A new item: merged into the showing toast of its kind, or a toast of its own
   * that says what it is ("bob commented in “Methods”") until another merges in.
   * @param {string} kind
   * @param {Sentence} sentence names the new item's author
   * @param {string} targetId
   */
  #mergeOrToast(kind, sentence, targetId) {
    const { toasts, mergingToast } = this.#store.state;
    const merging = toasts.find((toast) => toast.id === mergingToast);
    if (merging && merging.kind === kind && sentence.actor) {
      this.#store.toastMerged(merging.id, sentence.actor, targetId);
      // A merge shows the toast longer; one waiting for the tab to be shown keeps waiting.
      if (this.#timers.get(merging.id)) this.#startTimer(merging.id);
      return;
    }
    this.#time(this.#store.toastShown({ sentence, targetId, kind }));
  }

  /**
   * Dismiss a toast after a while; one made while the tab is hidden waits for the
   * reader to come back.
   * @param {number} id
   */
  #time(id) {
    if (document.visibilityState !== 'hidden') {
      this.#startTimer(id);
      return;
    }
    this.#timers.set(id, null);
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      document.removeEventListener('visibilitychange', onVisible);
      if (this.#timers.has(id)) this.#startTimer(id);
    };
    document.addEventListener('visibilitychange', onVisible);
  }

  /** @param {number} id */
  #startTimer(id) {
    clearTimeout(this.#timers.get(id) ?? undefined);
    this.#timers.set(id, setTimeout(() => {
      this.#timers.delete(id);
      this.#store.toastDismissed(id);
    }, TOAST_MS));
  }

  /**
   * @param {string} body
   * @param {string | null} targetId
   */
  #desktop(body, targetId) {
    if (!chosenPreferences().desktop) return;
    showDesktopNotification(body, String(targetId), () => {
      if (targetId) this.#reveal(targetId);
    });
  }
}
