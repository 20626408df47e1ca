/**
 * @typedef {RealtimeClientOptions
 *   & Required<Pick<RealtimeClientOptions, keyof typeof DEFAULTS>>} ResolvedOptions
 */
/**
 * @param {RealtimeClientOptions} options
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options: RealtimeClientOptions): ResolvedOptions;
/**
 * Whether the polls ask for signals of any kind (they then carry signal_cursor).
 * @param {ResolvedOptions} opts
 */
export function asksForSignals(opts: ResolvedOptions): boolean;
/**
 * Whether a signal of this type is one the options ask for: personal ones with
 * `notifications`, any other with `signals` (docs/protocol.md, "Decisions").
 * @param {ResolvedOptions} opts
 * @param {string} type
 */
export function asksForSignal(opts: ResolvedOptions, type: string): boolean;
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
    notifications: false;
}>;
export type ResolvedOptions = RealtimeClientOptions & Required<Pick<RealtimeClientOptions, keyof typeof DEFAULTS>>;
import type { RealtimeClientOptions } from './client.js';
