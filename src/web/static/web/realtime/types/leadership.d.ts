export class TabLeadership {
    /**
     * @param {RealtimeEnv} env
     * @param {(error: unknown) => void} report
     */
    constructor(env: RealtimeEnv, report: (error: unknown) => void);
    /** @returns {RealtimeRole | null} */
    get role(): RealtimeRole | null;
    /** Whether this tab polls (leader or solo). */
    get polls(): boolean;
    /**
     * Take a role: 'solo' at once, or 'follower' at once and 'leader' when the lock comes.
     * @param {{shared: boolean, userKey?: string | number}} how
     * @param {{role: (role: RealtimeRole) => void, message: (message: TabMessage) => void}} on
     */
    start({ shared, userKey }: {
        shared: boolean;
        userKey?: string | number;
    }, on: {
        role: (role: RealtimeRole) => void;
        message: (message: TabMessage) => void;
    }): void;
    /** Give up the role, the lock (or the place in line) and the channel. */
    stop(): void;
    /**
     * Send to the sibling tabs (nothing without a channel).
     * @param {TabNews} message
     */
    post(message: TabNews): void;
    get channelOpen(): boolean;
    get lockHeld(): boolean;
    get lockRequested(): boolean;
    #private;
}
/**
 * What a tab tells its siblings: a newcomer's hello; a poke for the polling tab; the
 * polling tab's state, status, events, signals and stream restarts; an event from a
 * tab's own write.
 */
export type TabNews = {
    kind: "hello";
} | {
    kind: "poke";
    stale: boolean;
} | {
    kind: "state";
    queueId: string | null;
    cursor: number;
    signalCursor: string;
    status: RealtimeStatus;
} | {
    kind: "status";
    status: RealtimeStatus;
} | {
    kind: "events";
    events: RealtimeEvent[];
    queueId: string | null;
    cursor: number;
} | {
    kind: "signals";
    signals: unknown[];
    signalCursor: string;
} | {
    kind: "resync";
    reason: string;
    queueId: string | null;
    cursor: number;
} | {
    kind: "local";
    event: RealtimeEvent;
};
/**
 * A message on the channel: the news, with the protocol version and the sending tab.
 * Only tabs of the same version read each other's, so they share these types.
 */
export type TabMessage = TabNews & {
    v: number;
    from: string;
};
import type { RealtimeRole } from './client.js';
import type { RealtimeEnv } from './client.js';
import type { RealtimeStatus } from './client.js';
import type { RealtimeEvent } from './apply-event.js';
