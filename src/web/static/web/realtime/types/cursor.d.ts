/**
 * Where this browser's event stream stands: the queue, the cursor to poll
 * from, the highest event delivered and the signal cursor. The leader moves
 * it; followers adopt the leader's, to continue from it on takeover.
 */
/** @import { RealtimeEvent } from './apply-event.js' */
/**
 * An event id or a cursor: a safe integer.
 * @param {unknown} value
 * @returns {value is number}
 */
export function isEventId(value: unknown): value is number;
export class EventCursor {
    /** @type {string | null} */
    queueId: string | null;
    cursor: number;
    signalCursor: string;
    /**
     * The stream restarts at lastEventId; nothing at or below it is delivered.
     * @param {number} lastEventId
     */
    restartAt(lastEventId: number): void;
    /** The leader restarted the stream at the cursor it sent. */
    restartAtCursor(): void;
    /**
     * Follow the leader's queue and cursor.
     * @param {{[field: string]: unknown}} message
     */
    adopt(message: {
        [field: string]: unknown;
    }): void;
    /**
     * Events not delivered yet, in event_id order; advances the high-water mark.
     * @param {unknown[]} events
     * @returns {RealtimeEvent[]}
     */
    fresh(events: unknown[]): RealtimeEvent[];
    /**
     * After a poll answer: continue from its last_event_id, never behind what was delivered.
     * @param {unknown} lastEventId
     */
    advance(lastEventId: unknown): void;
    #private;
}
import type { RealtimeEvent } from './apply-event.js';
