/**
 * ready(): resolves once this tab knows where its event stream starts, or
 * after a timeout. Decides when a later start of the stream means the page
 * may hold stale data (a "resync").
 */
/** @import { Scope } from './scope.js' */
export class Readiness {
    /** @param {Scope} scope */
    constructor(scope: Scope);
    /** @type {Promise<void>} */
    promise: Promise<void>;
    get done(): boolean;
    /** True after a return from the back/forward cache, until the stream is known again. */
    get resumed(): boolean;
    markResumed(): void;
    /**
     * Resolve at the latest after ms (once, while not resolved).
     * @param {number} ms
     */
    arm(ms: number): void;
    /** The scope's timers were cleared: the next start arms again. */
    disarm(): void;
    /** Resolve ready(); returns true when it was already resolved. */
    settle(): boolean;
    /**
     * This tab knows where its event stream starts. Resolves ready() the first
     * time; afterwards the page may hold data from before a gap.
     * @param {string} reason why the stream (re)started
     * @param {boolean} gap whether events may be missing before it
     * @returns {string | null} the reason of the resync to emit, or null for none
     */
    cursorKnown(reason: string, gap: boolean): string | null;
    #private;
}
import type { Scope } from './scope.js';
