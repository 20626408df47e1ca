/** @import { RealtimeClientOptions, RealtimeEnv } from './client.js' */
/** @import { Scope } from './scope.js' */
/** @typedef {Error & {code?: string, retryAfterMs?: number}} CodedError */
/**
 * Why the open poll was aborted: 'restart' (poll again at once), 'reregister'
 * (the heartbeat found the queue gone), 'timeout', 'stop'.
 * @typedef {'restart' | 'reregister' | 'timeout' | 'stop'} AbortReason
 */
/**
 * @param {string} code
 * @param {string} [message]
 * @returns {CodedError}
 */
export function codedError(code: string, message?: string): CodedError;
export class PollProtocol {
    /**
     * @param {import('./options.js').ResolvedOptions} opts
     * @param {RealtimeEnv} env
     * @param {Scope} scope
     */
    constructor(opts: import("./options.js").ResolvedOptions, env: RealtimeEnv, scope: Scope);
    /** Whether a poll is open. */
    get polling(): boolean;
    /** POST /api/realtime/register: a new queue and the event id it starts after. */
    register(): Promise<{
        queueId: string;
        lastEventId: number;
    }>;
    /** Is the poll server there? A hanging poll cannot tell; /health answers at once. */
    probe(): Promise<void>;
    /**
     * One long poll, without Authorization: the queue id is the capability.
     * @param {{queueId: string, cursor: number, signalCursor: string}} at
     * @returns {Promise<unknown>} the answer's JSON
     */
    poll({ queueId, cursor, signalCursor }: {
        queueId: string;
        cursor: number;
        signalCursor: string;
    }): Promise<unknown>;
    /** @param {AbortReason} reason */
    abortPoll(reason: AbortReason): void;
    /**
     * POST /api/realtime/heartbeat. Throws 'unauthorized' on a 401, as register does.
     * @param {string} queueId
     * @returns {Promise<boolean>} true when the server no longer knows the queue
     */
    heartbeat(queueId: string): Promise<boolean>;
    #private;
}
export type CodedError = Error & {
    code?: string;
    retryAfterMs?: number;
};
/**
 * Why the open poll was aborted: 'restart' (poll again at once), 'reregister'
 * (the heartbeat found the queue gone), 'timeout', 'stop'.
 */
export type AbortReason = "restart" | "reregister" | "timeout" | "stop";
import type { RealtimeEnv } from './client.js';
import type { Scope } from './scope.js';
