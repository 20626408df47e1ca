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
     * @param {{kind: string, [field: string]: unknown}} message
     */
    post(message: {
        kind: string;
        [field: string]: unknown;
    }): void;
    get channelOpen(): boolean;
    get lockHeld(): boolean;
    get lockRequested(): boolean;
    #private;
}
export type TabMessage = {
    v: number;
    from: string;
    kind: string;
    [field: string]: any;
};
import type { RealtimeRole } from './client.js';
import type { RealtimeEnv } from './client.js';
