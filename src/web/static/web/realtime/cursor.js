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
export function isEventId(value) {
  return Number.isSafeInteger(value);
}

/**
 * An event that carries its id: the poll server's, and those the leader tab passes on.
 * @param {unknown} value
 * @returns {value is RealtimeEvent & {event_id: number}}
 */
function isNumberedEvent(value) {
  return typeof value === 'object' && value !== null && 'event_id' in value
    && isEventId(value.event_id);
}

export class EventCursor {
  /** @type {string | null} */
  queueId = null;
  cursor = 0;
  // Highest event_id delivered: anything at or below it is a duplicate.
  #highWater = 0;
  // Newest signal seen, of any kind ('0': none yet). Signals have their
  // own cursor so they never move the event cursor.
  signalCursor = '0';

  /**
   * The stream restarts at lastEventId; nothing at or below it is delivered.
   * @param {number} lastEventId
   */
  restartAt(lastEventId) {
    this.cursor = lastEventId;
    this.#highWater = lastEventId;
  }

  /** The leader restarted the stream at the cursor it sent. */
  restartAtCursor() {
    this.#highWater = this.cursor;
  }

  /**
   * Follow the leader's queue and cursor.
   * @param {{[field: string]: unknown}} message
   */
  adopt(message) {
    if (typeof message.queueId === 'string') this.queueId = message.queueId;
    if (isEventId(message.cursor)) this.cursor = message.cursor;
    if (typeof message.signalCursor === 'string') this.signalCursor = message.signalCursor;
  }

  /**
   * Events not delivered yet, in event_id order; advances the high-water mark.
   * @param {unknown[]} events
   * @returns {RealtimeEvent[]}
   */
  fresh(events) {
    const sorted = events.filter(isNumberedEvent).sort((a, b) => a.event_id - b.event_id);
    const fresh = [];
    for (const event of sorted) {
      if (event.event_id > this.#highWater) {
        fresh.push(event);
        this.#highWater = event.event_id;
      }
    }
    return fresh;
  }

  /**
   * After a poll answer: continue from its last_event_id, never behind what was delivered.
   * @param {unknown} lastEventId
   */
  advance(lastEventId) {
    if (isEventId(lastEventId)) this.cursor = lastEventId;
    this.cursor = Math.max(this.cursor, this.#highWater);
    this.#highWater = Math.max(this.#highWater, this.cursor);
  }
}
