/**
 * One polling tab per browser and user. The tab holding a Web Lock leads:
 * it polls and shares events and status with its sibling tabs over a
 * BroadcastChannel; the others follow, and the next in line for the lock
 * takes over as soon as the leader goes. Without those APIs the tab is
 * 'solo' and polls alone.
 */

/** @import { RealtimeEnv, RealtimeRole, RealtimeStatus } from './client.js' */
/** @import { RealtimeEvent } from './apply-event.js' */

/**
 * What a tab tells its siblings: a newcomer's hello; a poke for the polling tab; the
 * polling tab's state, status, events, signals and stream restarts; an event from a
 * tab's own write.
 * @typedef {{kind: 'hello'}
 *   | {kind: 'poke', stale: boolean}
 *   | {kind: 'state', queueId: string | null, cursor: number, signalCursor: string,
 *       status: RealtimeStatus}
 *   | {kind: 'status', status: RealtimeStatus}
 *   | {kind: 'events', events: RealtimeEvent[], queueId: string | null, cursor: number}
 *   | {kind: 'signals', signals: unknown[], signalCursor: string}
 *   | {kind: 'resync', reason: string, queueId: string | null, cursor: number}
 *   | {kind: 'local', event: RealtimeEvent}} TabNews
 */

/**
 * A message on the channel: the news, with the protocol version and the sending tab.
 * Only tabs of the same version read each other's, so they share these types.
 * @typedef {TabNews & {v: number, from: string}} TabMessage
 */

// Version of the messages between tabs: tabs of another version ignore each other.
const PROTOCOL = 1;

export class TabLeadership {
  #env;
  #report;
  #tabId;
  /** @type {RealtimeRole | null} */
  #role = null;
  /** @type {BroadcastChannel | null} */
  #channel = null;
  /** @type {AbortController | null} */
  #lockAbort = null;
  /** @type {(() => void) | null} */
  #releaseLock = null;
  // Identifies the current start(): a lock granted after stop() is released at once.
  /** @type {object | null} */
  #term = null;

  /**
   * @param {RealtimeEnv} env
   * @param {(error: unknown) => void} report
   */
  constructor(env, report) {
    this.#env = env;
    this.#report = report;
    this.#tabId = env.makeId();
  }

  /** @returns {RealtimeRole | null} */
  get role() {
    return this.#role;
  }

  /** Whether this tab polls (leader or solo). */
  get polls() {
    return this.#role === 'leader' || this.#role === 'solo';
  }

  /**
   * Take a role: 'solo' at once, or 'follower' at once and 'leader' when the lock comes.
   * @param {{shared: boolean, userKey?: string | number}} how
   * @param {{role: (role: RealtimeRole) => void, message: (message: TabMessage) => void}} on
   */
  start({ shared, userKey }, on) {
    const term = {};
    this.#term = term;
    const { navigator: nav } = this.#env;
    const locks = nav?.locks;
    const Channel = this.#env.BroadcastChannel;
    if (!shared || typeof Channel !== 'function' || !locks || typeof locks.request !== 'function') {
      this.#take('solo', on.role);
      return;
    }
    const name = `marginalia-realtime:${userKey ?? 'anonymous'}`;
    const channel = new Channel(name);
    this.#channel = channel;
    channel.onmessage = (e) => {
      const message = e.data;
      if (!message || message.v !== PROTOCOL || message.from === this.#tabId) return;
      on.message(message);
    };
    this.#take('follower', on.role);
    this.post({ kind: 'hello' });
    const lockAbort = new this.#env.AbortController();
    this.#lockAbort = lockAbort;
    locks
      .request(name, { signal: lockAbort.signal }, () => {
        if (this.#term !== term) return undefined; // stopped meanwhile: release at once
        return new Promise((release) => {
          this.#releaseLock = () => release(undefined);
          this.#lockAbort = null;
          this.#take('leader', on.role);
        });
      })
      .catch(() => {}); // AbortError when stopped while waiting
  }

  /**
   * @param {RealtimeRole} role
   * @param {(role: RealtimeRole) => void} announce
   */
  #take(role, announce) {
    this.#role = role;
    announce(role);
  }

  /** Give up the role, the lock (or the place in line) and the channel. */
  stop() {
    this.#term = null;
    this.#role = null;
    if (this.#releaseLock) this.#releaseLock();
    this.#releaseLock = null;
    if (this.#lockAbort) this.#lockAbort.abort();
    this.#lockAbort = null;
    if (this.#channel) {
      this.#channel.onmessage = null;
      this.#channel.close();
    }
    this.#channel = null;
  }

  /**
   * Send to the sibling tabs (nothing without a channel).
   * @param {TabNews} message
   */
  post(message) {
    if (!this.#channel) return;
    try {
      this.#channel.postMessage({ v: PROTOCOL, from: this.#tabId, ...message });
    } catch (error) {
      this.#report(error);
    }
  }

  get channelOpen() {
    return this.#channel !== null;
  }

  get lockHeld() {
    return this.#releaseLock !== null;
  }

  get lockRequested() {
    return this.#lockAbort !== null;
  }
}
