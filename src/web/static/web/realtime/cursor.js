/**
 * Where this browser's event stream stands: the queue, the cursor to poll
 * from, the highest event delivered and the signal cursor. The leader moves
 * it; followers adopt the leader's, to continue from it on takeover.
 */

/** @import { RealtimeEvent } from './apply-event.js' */

export class EventCursor {
  /** @type {string | null} */
  queueId = null;
  cursor = 0;
  // Highest event_id delivered: anything at or below it is a duplicate.
  #highWater = 0;
  // Newest presence or typing signal seen ('0': none yet). Signals have their
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
    if (Number.isSafeInteger(message.cursor)) this.cursor = /** @type {number} */ (message.cursor);
    if (typeof message.signalCursor === 'string') this.signalCursor = message.signalCursor;
  }

  /**
   * Events not delivered yet, in event_id order; advances the high-water mark.
   * @param {unknown[]} events
   * @returns {RealtimeEvent[]}
   */
  fresh(events) {
    const sorted = /** @type {RealtimeEvent[]} */ (
      events.filter((e) => e && typeof e === 'object' && Number.isSafeInteger(/** @type {any} */ (e).event_id))
    ).sort((a, b) => /** @type {number} */ (a.event_id) - /** @type {number} */ (b.event_id));
    const fresh = [];
    for (const event of sorted) {
      const id = /** @type {number} */ (event.event_id);
      if (id > this.#highWater) {
        fresh.push(event);
        this.#highWater = id;
      }
    }
    return fresh;
  }

  /**
   * After a poll answer: continue from its last_event_id, never behind what was delivered.
   * @param {unknown} lastEventId
   */
  advance(lastEventId) {
    if (Number.isSafeInteger(lastEventId)) this.cursor = /** @type {number} */ (lastEventId);
    this.cursor = Math.max(this.cursor, this.#highWater);
    this.#highWater = Math.max(this.#highWater, this.cursor);
  }
}
