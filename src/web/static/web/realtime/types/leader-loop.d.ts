export class LeaderPoller {
    /** @param {PollerParts} parts */
    constructor(parts: PollerParts);
    /** Whether a poll is open. */
    get polling(): boolean;
    /** This tab now polls for the browser. */
    lead(): void;
    stop(): void;
    /**
     * Retry at once if waiting; with stale, also restart an open poll that may be dead.
     * @param {boolean} stale
     */
    poke(stale: boolean): void;
    /** The browser is back online: start over without waiting for the backoff. */
    backOnline(): void;
    wentOffline(): void;
    #private;
}
export type PollerParts = {
    options: import("./options.js").ResolvedOptions;
    env: RealtimeEnv;
    scope: Scope;
    protocol: PollProtocol;
    cursor: EventCursor;
    status: StatusTracker;
    readiness: Readiness;
    lifecycle: BrowserLifecycle;
    tabs: TabLeadership;
    /**
     * this tab knows where its
     * stream starts
     */
    cursorKnown: (reason: string, gap: boolean) => void;
    deliver: (events: RealtimeEvent[]) => void;
    deliverSignals: (signals: unknown) => void;
    /**
     * reports a failure; an 'unauthorized' one
     * ends the loop
     */
    failed: (error: CodedError) => void;
};
import type { RealtimeEnv } from './client.js';
import type { Scope } from './scope.js';
import type { PollProtocol } from './protocol.js';
import type { EventCursor } from './cursor.js';
import type { StatusTracker } from './status.js';
import type { Readiness } from './readiness.js';
import type { BrowserLifecycle } from './lifecycle.js';
import type { TabLeadership } from './leadership.js';
import type { RealtimeEvent } from './apply-event.js';
import type { CodedError } from './protocol.js';
