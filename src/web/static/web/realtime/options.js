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
});

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
