/**
 * The connection indicator: connected, connecting, reconnecting (with a
 * countdown to the next try and a "Retry now" button), offline, live
 * updates off, or stopped because the session ended. Screen readers hear the
 * state changes, not every tick.
 */

import { h } from '../dom.js';

/** @typedef {import('../../realtime/client').RealtimeStatus} RealtimeStatus */
/** @typedef {import('../../realtime/client').RealtimeState | 'off' | 'ended'} ShownState */

/** @type {Record<ShownState, string>} */
const LABELS = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
  off: 'Live updates off',
  ended: 'Live updates stopped',
};

/** @type {Partial<Record<ShownState, string>>} */
const DESCRIPTIONS = {
  connected: 'New and changed discussions appear as they happen.',
  offline: 'You are offline. Updates resume when the connection is back.',
  off: 'Public communities do not have live updates. Reload to see new posts.',
  ended: 'Your session ended, so this page no longer receives updates. Sign in again to resume.',
};

/**
 * @param {HTMLElement} el
 * @param {{onRetry?: () => void}} [options]
 */
export function createIndicator(el, { onRetry } = {}) {
  const dot = h('span', { class: 'live-dot', 'aria-hidden': 'true' });
  const label = h('span', { class: 'live-label' });
  const countdown = h('span', { class: 'live-countdown', 'aria-hidden': 'true' });
  const retry = h(
    'button', { type: 'button', class: 'button link small live-retry', hidden: true }, 'Retry now',
  );
  if (onRetry) retry.addEventListener('click', () => onRetry());
  el.replaceChildren(dot, label, countdown, retry);
  el.setAttribute('role', 'status');
  /** @type {ReturnType<typeof setInterval> | null} */
  let timer = null;
  /** @type {number | null} */
  let retryAt = null;

  const tick = () => {
    if (retryAt === null) {
      countdown.textContent = '';
      return;
    }
    const seconds = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    countdown.textContent = seconds > 0 ? `in ${seconds} s` : 'now…';
  };

  const stopTimer = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };

  /**
   * @param {ShownState} state
   * @param {{nextRetryAt?: number | null, role?: string | null}} [status]
   */
  function show(state, { nextRetryAt = null, role = null } = {}) {
    el.dataset.state = state;
    if (role) el.dataset.role = role;
    else delete el.dataset.role;
    if (label.textContent !== LABELS[state]) label.textContent = LABELS[state];
    el.title = DESCRIPTIONS[state] ?? '';
    retryAt = state === 'reconnecting' ? nextRetryAt : null;
    retry.hidden = !(state === 'reconnecting' && onRetry);
    tick();
    if (retryAt !== null && timer === null) timer = setInterval(tick, 1000);
    if (retryAt === null) stopTimer();
  }

  /**
   * A state the realtime client does not report, with a note saying why.
   * @param {'off' | 'ended'} state
   * @param {string} note
   */
  function settle(state, note) {
    show(state);
    el.append(h('span', { class: 'live-note' }, ` · ${note}`));
  }

  return {
    /** @param {RealtimeStatus} status */
    update(status) {
      // The client's last word as it stops ('idle') must not hide why it stopped.
      if (el.dataset.state !== 'ended') show(status.state, status);
    },
    off() {
      settle('off', 'public community');
    },
    ended() {
      settle('ended', 'your session ended');
    },
    destroy: stopTimer,
  };
}
