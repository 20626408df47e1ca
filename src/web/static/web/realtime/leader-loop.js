/**
 * The polling tab's loop: register when there is no queue, probe the poll
 * server after a failure, long-poll, hand the answers on; retry failures
 * with backoff, forever; heartbeat the queue.
 */

import { backoffDelay } from './backoff.js';
import { isEventId } from './cursor.js';
import { asksForSignals } from './options.js';
import { codedError } from './protocol.js';

/** @import { RealtimeClientOptions, RealtimeEnv } from './client.js' */
/** @import { RealtimeEvent } from './apply-event.js' */
/** @import { Scope } from './scope.js' */
/** @import { PollProtocol, CodedError } from './protocol.js' */
/** @import { EventCursor } from './cursor.js' */
/** @import { StatusTracker } from './status.js' */
/** @import { Readiness } from './readiness.js' */
/** @import { BrowserLifecycle } from './lifecycle.js' */
/** @import { TabLeadership } from './leadership.js' */

/**
 * @typedef {object} PollerParts
 * @property {import('./options.js').ResolvedOptions} options
 * @property {RealtimeEnv} env
 * @property {Scope} scope
 * @property {PollProtocol} protocol
 * @property {EventCursor} cursor
 * @property {StatusTracker} status
 * @property {Readiness} readiness
 * @property {BrowserLifecycle} lifecycle
 * @property {TabLeadership} tabs
 * @property {(reason: string, gap: boolean) => void} cursorKnown this tab knows where its
 *   stream starts
 * @property {(events: RealtimeEvent[]) => void} deliver
 * @property {(signals: unknown) => void} deliverSignals
 * @property {(error: CodedError) => void} failed reports a failure; an 'unauthorized' one
 *   ends the loop
 */

// A poll open this long before failing means the link was fine until then.
const HEALTHY_POLL_MS = 10_000;

export class LeaderPoller {
  #parts;
  // Bumped on every stop: stale async work checks it and quits.
  #gen = 0;
  /** @type {(() => void) | null} */
  #wakeSleep = null;
  #sleeping = false;
  #attempt = 0;
  #needProbe = true;
  // Why the next registration restarts the stream (null: the first one).
  /** @type {string | null} */
  #resyncReason = null;

  /** @param {PollerParts} parts */
  constructor(parts) {
    this.#parts = parts;
  }

  /** Whether a poll is open. */
  get polling() {
    return this.#parts.protocol.polling;
  }

  /** This tab now polls for the browser. */
  lead() {
    this.#needProbe = true;
    this.#scheduleHeartbeat();
    this.#run(this.#gen);
  }

  stop() {
    this.#gen += 1;
    this.#parts.protocol.abortPoll('stop');
    this.#wake();
    this.#sleeping = false;
  }

  /**
   * Retry at once if waiting; with stale, also restart an open poll that may be dead.
   * @param {boolean} stale
   */
  poke(stale) {
    if (this.#sleeping) this.#wake();
    else if (stale) this.#parts.protocol.abortPoll('restart');
  }

  /** The browser is back online: start over without waiting for the backoff. */
  backOnline() {
    this.#attempt = 0;
    this.#needProbe = true;
    this.poke(true);
  }

  wentOffline() {
    this.#parts.protocol.abortPoll('restart');
  }

  /** @param {number} gen */
  async #run(gen) {
    const { env, protocol, cursor, status, readiness, lifecycle, tabs } = this.#parts;
    const alive = () => this.#gen === gen && tabs.polls;
    let gone = 0; // consecutive "queue gone" answers without a good poll between
    /** @type {number | null} */
    let pollStartedAt = null;
    while (alive()) {
      pollStartedAt = null;
      if (!lifecycle.online) {
        status.set({ state: 'offline', nextRetryAt: null });
        await this.#sleep(null);
        this.#needProbe = true;
        continue;
      }
      try {
        if (!cursor.queueId) {
          await this.#register();
          if (!alive()) return;
        }
        if (this.#needProbe) {
          await protocol.probe();
          if (!alive()) return;
          this.#needProbe = false;
          this.#markConnected(false); // reachable; the backoff resets only once a poll succeeds
        }
        pollStartedAt = env.now();
        const body = await protocol.poll({
          queueId: /** @type {string} */ (cursor.queueId),
          cursor: cursor.cursor,
          signalCursor: cursor.signalCursor,
        });
        if (!alive()) return;
        gone = 0;
        this.#markConnected(true);
        this.#handleAnswer(body);
      } catch (caught) {
        if (!alive()) return;
        const error = /** @type {CodedError} */ (caught);
        if (error.code === 'restart') continue;
        if (error.code === 'unauthorized') {
          this.#refused(error);
          return;
        }
        if (error.code === 'queue-gone') {
          cursor.queueId = null;
          this.#resyncReason = 'queue-expired';
          gone += 1;
          if (gone === 1) continue; // register again at once, the first time
        }
        this.#needProbe = true;
        if (pollStartedAt !== null && env.now() - pollStartedAt >= HEALTHY_POLL_MS) {
          this.#attempt = 0;
        }
        const delay =
          error.retryAfterMs ??
          backoffDelay(this.#attempt, {
            baseMs: this.#parts.options.backoffBaseMs,
            capMs: this.#parts.options.backoffCapMs,
            random: env.random,
          });
        this.#attempt += 1;
        status.set({
          state: 'reconnecting',
          nextRetryAt: env.now() + delay,
          attempt: this.#attempt,
          lastError: error.message || String(error),
        });
        this.#parts.failed(error);
        if (!readiness.done) readiness.settle(); // don't hold the page back
        await this.#sleep(delay);
        if (!alive()) return;
        status.set({ nextRetryAt: null });
      }
    }
  }

  /** @param {boolean} resetBackoff */
  #markConnected(resetBackoff) {
    if (resetBackoff) this.#attempt = 0;
    this.#parts.status.set({ state: 'connected', nextRetryAt: null, attempt: 0, lastError: null });
    if (this.#parts.readiness.resumed) this.#parts.cursorKnown('resumed', false);
  }

  async #register() {
    const { queueId, lastEventId } = await this.#parts.protocol.register();
    this.#parts.cursor.queueId = queueId;
    this.#parts.cursor.restartAt(lastEventId);
    this.#needProbe = true;
    const reason = this.#resyncReason ?? 'registered';
    this.#resyncReason = null;
    this.#newCursor(reason);
  }

  /**
   * The stream restarts at the cursor: tell this tab's page and the other tabs.
   * @param {string} reason
   */
  #newCursor(reason) {
    const { cursor } = this.#parts;
    this.#parts.tabs.post({
      kind: 'resync', reason, queueId: cursor.queueId, cursor: cursor.cursor,
    });
    this.#parts.cursorKnown(reason, true);
  }

  /** @param {unknown} answer the poll answer's JSON */
  #handleAnswer(answer) {
    const { cursor, tabs } = this.#parts;
    if (!answer || typeof answer !== 'object') {
      throw codedError('http', 'poll returned no JSON object');
    }
    const body = /** @type {{[field: string]: unknown}} */ (answer);
    if (body.catchup_required) {
      if (isEventId(body.last_event_id)) {
        cursor.restartAt(body.last_event_id);
        this.#newCursor('catchup');
      } else {
        cursor.queueId = null; // no cursor given: a fresh registration provides one
        this.#resyncReason = 'catchup';
      }
      return;
    }
    // A client that did not ask for signals ignores any it is sent (docs/protocol.md).
    // Followers get them all and keep the kinds their own options ask for.
    const { signals, signal_cursor: signalCursor } = body;
    if (asksForSignals(this.#parts.options) && Array.isArray(signals)
        && typeof signalCursor === 'string') {
      cursor.signalCursor = signalCursor;
      tabs.post({ kind: 'signals', signals, signalCursor });
      this.#parts.deliverSignals(signals);
    }
    const fresh = cursor.fresh(Array.isArray(body.events) ? body.events : []);
    cursor.advance(body.last_event_id);
    tabs.post({ kind: 'events', events: fresh, queueId: cursor.queueId, cursor: cursor.cursor });
    this.#parts.deliver(fresh);
  }

  #scheduleHeartbeat() {
    this.#parts.scope.setTimer(() => {
      this.#heartbeat();
      if (this.#parts.tabs.polls) this.#scheduleHeartbeat();
    }, this.#parts.options.heartbeatMs);
  }

  async #heartbeat() {
    const { cursor, protocol, tabs } = this.#parts;
    const queueId = cursor.queueId;
    const gen = this.#gen;
    if (!queueId || !tabs.polls) return;
    try {
      const gone = await protocol.heartbeat(queueId);
      if (gone && gen === this.#gen && queueId === cursor.queueId) {
        cursor.queueId = null;
        this.#resyncReason = 'queue-expired';
        if (protocol.polling) protocol.abortPoll('reregister');
        else this.#wake();
      }
    } catch (caught) {
      const error = /** @type {CodedError} */ (caught);
      if (error.code === 'unauthorized' && gen === this.#gen) this.#refused(error);
      // Other failures: the poll counts as a heartbeat too; its own failures drive reconnection.
    }
  }

  /**
   * Refused credentials stay refused: report it and stop instead of retrying
   * (docs/protocol.md); failed() disconnects the client.
   * @param {CodedError} error
   */
  #refused(error) {
    this.#parts.status.set({ lastError: error.message });
    if (!this.#parts.readiness.done) this.#parts.readiness.settle(); // don't hold the page back
    this.#parts.failed(error);
  }

  /**
   * Wait ms (null: until woken).
   * @param {number | null} ms
   * @returns {Promise<void>}
   */
  #sleep(ms) {
    const { scope } = this.#parts;
    return new Promise((resolve) => {
      /** @type {unknown} */
      let timer = null;
      const done = () => {
        if (timer !== null) scope.clearTimer(timer);
        timer = null;
        if (this.#wakeSleep === done) this.#wakeSleep = null;
        this.#sleeping = false;
        resolve();
      };
      this.#wakeSleep = done;
      this.#sleeping = true;
      if (ms !== null) timer = scope.setTimer(done, ms);
    });
  }

  #wake() {
    if (this.#wakeSleep) this.#wakeSleep();
  }
}
