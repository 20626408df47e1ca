/**
 * Telling the reader about changes they cannot see: a toast with a link to
 * the item when it is outside the visible area, a desktop notification when
 * the tab is hidden (if the user allowed it), and an optional sound (off by
 * default).
 */

import { h } from '../dom.js';

const SOUND_KEY = 'marginalia.sound';
const TOAST_MS = 8000;
const MAX_TOASTS = 4;

export function soundEnabled() {
  return localStorage.getItem(SOUND_KEY) === '1';
}

let audio = null;

function beep() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
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

export function isOutOfView(el) {
  if (!el) return false;
  const rect = el.getBoundingClientRect();
  return rect.bottom < 0 || rect.top > window.innerHeight;
}

/** The preferences row (sound, desktop notifications). */
export function preferences() {
  const soundBox = h('input', { type: 'checkbox', id: 'pref-sound' });
  soundBox.checked = soundEnabled();
  soundBox.addEventListener('change', () => {
    localStorage.setItem(SOUND_KEY, soundBox.checked ? '1' : '0');
  });
  const row = h(
    'div',
    { class: 'prefs' },
    h('span', { class: 'check' }, soundBox, h('label', { for: 'pref-sound' }, 'Sound for new activity')),
  );
  if ('Notification' in window) {
    const text = h('span', { class: 'hint' });
    const ask = h('button', { type: 'button', class: 'button link small' }, 'Enable desktop notifications');
    const refresh = () => {
      const permission = Notification.permission;
      ask.hidden = permission !== 'default';
      text.textContent =
        permission === 'granted'
          ? 'Desktop notifications on while this tab is hidden.'
          : permission === 'denied'
            ? 'Desktop notifications are blocked in your browser settings.'
            : '';
    };
    ask.addEventListener('click', async () => {
      try {
        await Notification.requestPermission();
      } finally {
        refresh();
      }
    });
    refresh();
    row.append(ask, text);
  }
  return row;
}

export function createNotifier(region, { reveal }) {
  const timers = new Set();
  const announcer = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  document.body.append(announcer);

  function dismiss(toast) {
    toast.remove();
  }

  function toast(text, targetId) {
    while (region.children.length >= MAX_TOASTS) region.firstElementChild.remove();
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
    const startTimer = () => {
      const timer = setTimeout(() => {
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
  }

  function desktop(title, body, targetId) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
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
    changed({ text, targetId, element }) {
      announcer.textContent = text;
      if (document.visibilityState === 'hidden') desktop('Marginalia', text, targetId);
      if (element && (document.visibilityState === 'hidden' || isOutOfView(element))) toast(text, targetId);
      if (soundEnabled()) beep();
    },
    destroy() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
