/**
 * What a client holds while it runs (timers, DOM listeners, requests in
 * flight), kept in one place so that stopping gives every piece back.
 */
/** @import { RealtimeEnv } from './client.js' */
export class Scope {
    /** @param {RealtimeEnv} env */
    constructor(env: RealtimeEnv);
    /**
     * @param {() => void} fn
     * @param {number} ms
     */
    setTimer(fn: () => void, ms: number): unknown;
    /** @param {unknown} handle */
    clearTimer(handle: unknown): void;
    /**
     * Listen on target, if there is one (no window or document outside browsers).
     * @template {Event} E what the target sends for this type (a PageTransitionEvent
     *   for 'pageshow')
     * @param {EventTarget | null | undefined} target
     * @param {string} type
     * @param {(event: E) => void} fn
     */
    listen<E extends Event>(target: EventTarget | null | undefined, type: string, fn: (event: E) => void): void;
    /**
     * A controller for one request; release() aborts it. Call the returned function when
     * it is done.
     */
    request(): {
        ctl: AbortController;
        done: () => boolean;
    };
    /** Abort every request, clear every timer, remove every listener. */
    release(): void;
    get timers(): number;
    get listeners(): number;
    get requests(): number;
    #private;
}
import type { RealtimeEnv } from './client.js';
