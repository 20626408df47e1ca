/**
 * @typedef {RealtimeClientOptions
 *   & Required<Pick<RealtimeClientOptions, keyof typeof DEFAULTS>>} ResolvedOptions
 */
/**
 * @param {RealtimeClientOptions} options
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options: RealtimeClientOptions): ResolvedOptions;
/** The client's options: checked, with defaults filled in. */
/** @import { RealtimeClientOptions } from './client.js' */
export const DEFAULTS: Readonly<{
    apiBase: "";
    heartbeatMs: 60000;
    pollTimeoutMs: 65000;
    backoffBaseMs: 1000;
    backoffCapMs: 30000;
    readyTimeoutMs: 3000;
    probeTimeoutMs: 10000;
    staleAfterHiddenMs: 10000;
    multiTab: true;
    signals: false;
}>;
export type ResolvedOptions = RealtimeClientOptions & Required<Pick<RealtimeClientOptions, keyof typeof DEFAULTS>>;
import type { RealtimeClientOptions } from './client.js';
