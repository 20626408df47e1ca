/**
 * The client's status: a frozen object replaced on every change, so that
 * listeners can keep the one they were given.
 */
/** @import { RealtimeStatus } from './client.js' */
export class StatusTracker {
    /**
     * @param {() => number} now
     * @param {(status: RealtimeStatus) => void} onChange called after each real change
     */
    constructor(now: () => number, onChange: (status: RealtimeStatus) => void);
    get current(): Readonly<import("./client.js").RealtimeStatusFields>;
    /** @param {Partial<RealtimeStatus>} patch */
    set(patch: Partial<RealtimeStatus>): void;
    #private;
}
import type { RealtimeStatus } from './client.js';
