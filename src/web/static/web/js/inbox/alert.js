/**
 * A notification of a kind the person chose to hear of loudly (settings page): a
 * desktop notification while the tab is hidden, a sound, or both; notifications about
 * one place replace each other.
 */

import { beep, showDesktopNotification } from '../notification-alerts.js';
import { channelsFor } from '../notification-preferences.js';

/** @typedef {import('../../realtime/client').RealtimeSignal} RealtimeSignal */
/** @typedef {import('../../realtime/client').RealtimeClient} RealtimeClient */

/**
 * @param {RealtimeSignal} signal any realtime signal; only `notification` ones call
 * @param {RealtimeClient} client the page's, whose role says which tab calls
 */
export function callAboutNotification(signal, client) {
  if (signal.type !== 'notification') return;
  // Every open tab of the person receives the signal: only the one that polls for all
  // of them (the leader, or a tab alone without Web Locks) calls, so five open tabs
  // still make one sound and one desktop notification.
  if (client.role !== 'leader' && client.role !== 'solo') return;
  const { kind, text, url } = signal.data;
  const channels = channelsFor(kind);
  if (channels.desktop && document.visibilityState === 'hidden') {
    showDesktopNotification(text, url, () => location.assign(url));
  }
  if (channels.sound) beep();
}
