/** The client's options: checked, with defaults filled in. */

/** @import { RealtimeClientOptions } from './client.js' */

export const DEFAULTS = Object.freeze({
  apiBase: '',
  heartbeatMs: 60_000,
  pollTimeoutMs: 65_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 30_000,
  readyTimeoutMs: 3_000,
  probeTimeoutMs: 10_000,
  staleAfterHiddenMs: 10_000,
  multiTab: true,
  signals: false,
  notifications: false,
});

// Addressed to the user rather than to a community: asked for with `notifications`.
// The server sends every other signal to any poll with a signal cursor.
const PERSONAL_SIGNAL_TYPES = new Set(['notification', 'notifications_read', 'logins_ended']);

/**
 * @typedef {RealtimeClientOptions
 *   & Required<Pick<RealtimeClientOptions, keyof typeof DEFAULTS>>} ResolvedOptions
 */

/**
 * @param {RealtimeClientOptions} options
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options) {
  if (!options || typeof options.pollUrl !== 'string' || !options.pollUrl) {
    throw new TypeError('RealtimeClient: options.pollUrl is required');
  }
  if (!options.authFetch && !options.getAccessToken) {
    throw new TypeError('RealtimeClient: options.authFetch or options.getAccessToken is required');
  }
  return { ...DEFAULTS, ...options, pollUrl: options.pollUrl.replace(/\/+$/, '') };
}

/**
 * Whether the polls ask for signals of any kind (they then carry signal_cursor).
 * @param {ResolvedOptions} opts
 */
export function asksForSignals(opts) {
  return opts.signals || opts.notifications;
}

/**
 * Whether a signal of this type is one the options ask for: personal ones with
 * `notifications`, any other with `signals` (docs/protocol.md, "Decisions").
 * @param {ResolvedOptions} opts
 * @param {string} type
 */
export function asksForSignal(opts, type) {
  return PERSONAL_SIGNAL_TYPES.has(type) ? opts.notifications : opts.signals;
}
