/**
 * Telling the reader about changes they cannot see: a toast with a link to
 * the item when it is outside the visible area (new comments, or new
 * discussions, arriving while such a toast shows merge into it: "3 new
 * comments from bob and carol"), a desktop notification when
 * the tab is hidden, and a sound. Desktop notifications and sound are each
 * off until the user turns them on; the choice is stored on the server
 * (/api/me/notification-preferences) so it follows the user to every browser.
 */

import { api } from '../api.js';
import { h } from '../dom.js';

const PREFERENCES_PATH = '/api/me/notification-preferences';
const TOAST_MS = 8000;
const MAX_TOASTS = 4;

// What the user chose, as last loaded from or saved to the server.
const chosen = { desktop: false, sound: false };

let audio = null;

function beep() {
  try {
    // Older Safari names it webkitAudioContext.
    const Ctx = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
    if (!Ctx) return;
    audio = audio || new Ctx();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.15, audio.currentTime + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.3);
  } catch {
    // Sound is a nicety.
  }
}

function isOutOfView(el) {
  if (!el) return false;
  const rect = el.getBoundingClientRect();
  return rect.bottom < 0 || rect.top > window.innerHeight;
}

function desktopPermission() {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

/** The preferences row: a switch each for sound and desktop notifications, saved per user. */
export function preferences() {
  const soundBox = h('input', { type: 'checkbox', id: 'pref-sound', disabled: true });
  const desktopBox = h('input', { type: 'checkbox', id: 'pref-desktop', disabled: true });
  const hint = h('span', { class: 'hint', id: 'pref-hint', 'aria-live': 'polite' });
  const showHint = () => {
    const permission = desktopPermission();
    hint.textContent = !chosen.desktop
      ? ''
      : permission === 'denied'
        ? 'Desktop notifications are blocked in your browser settings.'
        : permission === 'unsupported'
          ? 'This browser cannot show desktop notifications.'
          : permission === 'granted'
            ? 'Desktop notifications on while this tab is hidden.'
            : '';
  };
  const show = () => {
    soundBox.checked = chosen.sound;
    desktopBox.checked = chosen.desktop;
    showHint();
  };
  const save = async (change) => {
    soundBox.disabled = desktopBox.disabled = true;
    try {
      Object.assign(chosen, await api(PREFERENCES_PATH, { method: 'PUT', body: change }));
    } catch {
      hint.textContent = 'Could not save the setting; try again.';
    } finally {
      soundBox.disabled = desktopBox.disabled = false;
      show();
    }
  };
  soundBox.addEventListener('change', () => save({ sound: soundBox.checked }));
  desktopBox.addEventListener('change', async () => {
    if (desktopBox.checked && desktopPermission() === 'default') {
      await Notification.requestPermission().catch(() => {});
    }
    await save({ desktop: desktopBox.checked });
  });
  api(PREFERENCES_PATH)
    .then((loaded) => Object.assign(chosen, loaded))
    .catch(() => {}) // the defaults (both off) stand
    .finally(() => {
      soundBox.disabled = desktopBox.disabled = false;
      show();
    });
  return h(
    'div',
    { class: 'prefs', role: 'group', 'aria-label': 'Notifications' },
    h('span', { class: 'check' }, soundBox, h('label', { for: soundBox.id }, 'Sound for new activity')),
    h('span', { class: 'check' }, desktopBox, h('label', { for: desktopBox.id }, 'Desktop notifications while this tab is hidden')),
    hint,
  );
}

const names = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/**
 * "3 new comments from bob and carol".
 * @param {{kind: string, count: number, authors: Set<string>}} merged
 */
function mergedText({ kind, count, authors }) {
  return `${count} new ${kind}${count === 1 ? '' : 's'} from ${names.format([...authors])}`;
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
  const fields = [...document.querySelectorAll('form textarea, form input, form select, form button')]
    .map((el) => el.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.bottom > 0 && r.top < window.innerHeight);
  let best = { spot: 'bottom', covered: Infinity };
  for (const spot of ['bottom', 'top']) {
    region.dataset.spot = spot;
    const box = region.getBoundingClientRect();
    const covered = fields.filter((r) => overlaps(box, r)).length;
    if (covered === 0) return;
    if (covered < best.covered) best = { spot, covered };
  }
  region.dataset.spot = best.spot;
}

export function createNotifier(region, { reveal }) {
  let placing = 0;
  const place = () => {
    if (placing) return;
    placing = requestAnimationFrame(() => {
      placing = 0;
      placeClearOfForms(region);
    });
  };
  window.addEventListener('scroll', place, { passive: true });
  window.addEventListener('resize', place);
  document.addEventListener('focusin', place);
  const timers = new Set();
  const announcer = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  document.body.append(announcer);
  /** The toast new items of one kind merge into while it shows. */
  let merging = null;

  function dismiss(toast) {
    toast.remove();
    if (merging?.el === toast) merging = null;
  }

  function toast(text, targetId) {
    while (region.children.length >= MAX_TOASTS) dismiss(region.firstElementChild);
    const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss' }, '×');
    const link = h('a', { href: `#${targetId}`, class: 'toast-link' }, 'Show');
    const el = h('div', { class: 'toast' }, h('span', { class: 'toast-text' }, text), link, close);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      dismiss(el);
      reveal(targetId);
    });
    close.addEventListener('click', () => dismiss(el));
    region.append(el);
    placeClearOfForms(region);
    let timer;
    const startTimer = () => {
      clearTimeout(timer);
      timers.delete(timer);
      timer = setTimeout(() => {
        timers.delete(timer);
        dismiss(el);
      }, TOAST_MS);
      timers.add(timer);
    };
    // A toast made while the tab was hidden waits for the reader to come back.
    if (document.visibilityState === 'hidden') {
      const onVisible = () => {
        if (document.visibilityState === 'visible') {
          document.removeEventListener('visibilitychange', onVisible);
          startTimer();
        }
      };
      document.addEventListener('visibilitychange', onVisible);
    } else {
      startTimer();
    }
    // A merge shows the toast longer; one waiting for the tab to be shown keeps waiting.
    return { el, restartTimer: () => timer !== undefined && startTimer() };
  }

  /**
   * A new item: merged into the showing toast of its kind, or a toast of its own
   * that says what it is ("bob commented in “Methods”") until another merges in.
   * @param {{kind: string, author: string}} added
   * @param {string} text
   * @param {string} targetId
   */
  function mergeOrToast(added, text, targetId) {
    if (merging && merging.kind === added.kind && merging.el.isConnected) {
      merging.count += 1;
      merging.authors.add(added.author);
      merging.el.querySelector('.toast-text').textContent = mergedText(merging);
      merging.restartTimer();
      return;
    }
    merging = { kind: added.kind, count: 1, authors: new Set([added.author]), ...toast(text, targetId) };
  }

  function desktop(title, body, targetId) {
    if (!chosen.desktop || desktopPermission() !== 'granted') return;
    try {
      const note = new Notification(title, { body, tag: `marginalia-${targetId}` });
      note.onclick = () => {
        window.focus();
        reveal(targetId);
        note.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker.
    }
  }

  return {
    /** A change by someone else: tell the reader in the way that fits. */
    /**
     * @param {{text: string, targetId: string | null, element: HTMLElement | null,
     *   added?: {kind: string, author: string} | null}} change added: a new discussion
     *   or comment, which merges with others of its kind
     */
    changed({ text, targetId, element, added = null }) {
      const hidden = document.visibilityState === 'hidden';
      // A tab that already shows the item needs no toast, sound or notification.
      if (!hidden && element && !isOutOfView(element)) {
        announcer.textContent = text;
        return;
      }
      if (hidden) desktop('Marginalia', text, targetId);
      // A toast's region is polite itself: the announcer speaks only when no toast does.
      if (element && targetId && added) mergeOrToast(added, text, targetId);
      else if (element && targetId) toast(text, targetId);
      else announcer.textContent = text;
      if (chosen.sound) beep();
    },
    destroy() {
      window.removeEventListener('scroll', place);
      window.removeEventListener('resize', place);
      document.removeEventListener('focusin', place);
      cancelAnimationFrame(placing);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
