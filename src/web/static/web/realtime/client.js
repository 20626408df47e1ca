/**
 * Marginalia realtime client: framework-free, for browsers.
 *
 *   import { createRealtimeClient } from '/static/web/realtime/client.js';
 *
 *   const client = createRealtimeClient({
 *     pollUrl: 'http://localhost:8888',          // the poll server, as the page was told
 *     authFetch: (url, init) => fetchWithJwt(url, init),  // or getAccessToken: () => token
 *     userKey: user.id,                           // one poller per browser and user
 *   });
 *   const off = client.subscribe((event, { source }) => { ... });
 *   client.on('resync', ({ reason }) => refetchEverything());
 *   client.on('status', (status) => showIndicator(status));
 *   client.connect();
 *   await client.ready();      // a cursor exists: fetch the page's data now
 *   fetch(url, { method: 'POST', headers: { ...client.writeHeaders(), ... } });
 *   client.disconnect();
 *
 * What it does:
 * - registers a queue (POST /api/realtime/register) and long-polls
 *   {pollUrl}/realtime/poll?queue_id=&last_event_id= without an Authorization
 *   header (the queue id is the capability), aborting a poll after 65 s;
 * - heartbeats the queue every 60 s (POST /api/realtime/heartbeat);
 * - delivers each event once and in event_id order;
 * - on 404 (queue expired or unknown) registers again and emits "resync";
 *   on catchup_required resumes from the returned last_event_id and emits
 *   "resync": the page must then refetch what it shows;
 * - retries failures with exponential backoff and full jitter (1 s doubling,
 *   30 s cap), forever; the status says when the next try is;
 * - pauses while the browser is offline and polls at once when it is back
 *   online or when a tab becomes visible again;
 * - elects one leader tab per browser and user with the Web Locks API: only
 *   the leader polls; it shares events and status with the other tabs over a
 *   BroadcastChannel, and another tab takes over (same queue, same cursor) as
 *   soon as the leader tab goes away. Without those APIs every tab polls alone;
 * - with `signals: true`, also asks the poll for signals (presence, typing,
 *   join requests; &signal_cursor=) and hands them to onSignal listeners, in
 *   every tab;
 * - on pagehide releases everything (poll, timers, listeners, channel, lock),
 *   and on a return from the back/forward cache connects again and emits
 *   "resync".
 *
 * Writes: send client.writeHeaders() (X-Realtime-Queue-Id). The server then
 * spares that queue (this browser's) the echo of the write, so the writing tab
 * applies the write from its HTTP response and passes it to its sibling tabs
 * with client.shareLocalEvent(event); the user's other browsers and devices
 * get the event from the server as usual.
 *
 * Types: client.d.ts. The parts, one module each:
 * - options.js: the options checked, with defaults;
 * - env.js: the browser globals, replaceable in tests (options.env);
 * - scope.js: timers, DOM listeners and requests held while running;
 * - status.js: the status object and its changes;
 * - readiness.js: ready() and when a restarted stream means "resync";
 * - lifecycle.js: online/offline, visibility, pagehide/freeze, pageshow/resume;
 * - leadership.js: the leader tab (Web Locks) and the channel between tabs;
 * - cursor.js: queue, cursor and duplicate filter;
 * - protocol.js: the register, health, poll and heartbeat requests;
 * - leader-loop.js: the leading tab's poll loop, backoff and heartbeat;
 * - tab-messages.js: what a sibling tab's message does in this one.
 * This module composes them.
 */

import { backoffDelay } from './backoff.js';
import { EventCursor } from './cursor.js';
import { browserEnv } from './env.js';
import { TabLeadership } from './leadership.js';
import { BrowserLifecycle } from './lifecycle.js';
import { Listeners } from './listeners.js';
import { resolveOptions } from './options.js';
import { LeaderPoller } from './leader-loop.js';
import { PollProtocol } from './protocol.js';
import { Readiness } from './readiness.js';
import { Scope } from './scope.js';
import { StatusTracker } from './status.js';
import { tabMessageHandler } from './tab-messages.js';

export { backoffDelay };

/** @typedef {import('./client').RealtimeClientOptions} RealtimeClientOptions */
/** @typedef {import('./client').RealtimeEnv} RealtimeEnv */
/** @typedef {import('./client').RealtimeStatus} RealtimeStatus */
/** @typedef {import('./client').RealtimeInspection} RealtimeInspection */
/** @typedef {import('./client').RealtimeRole} RealtimeRole */
/** @typedef {import('./apply-event').RealtimeEvent} RealtimeEvent */
/** @typedef {import('./client').RealtimeClient} DeclaredRealtimeClient */

/** @implements {DeclaredRealtimeClient} the public members, checked against client.d.ts */
export class RealtimeClient {
  #opts;
  #env;
  #listeners;
  #status;
  #fallbackQueueId;
  // Held while running; released on every stop.
  #scope;
  // Held from connect() to disconnect(): what brings a stopped page back.
  #returnScope;
  #lifecycle;
  #tabs;
  #cursor = new EventCursor();
  #readiness;
  #poller;
  #onTabMessage;
  #connected = false; // between connect() and disconnect()
  #running = false; // started and not suspended

  /** @param {RealtimeClientOptions} options */
  constructor(options) {
    this.#opts = resolveOptions(options);
    /** @type {RealtimeEnv} */
    this.#env = { ...browserEnv(), ...(options.env ?? {}) };
    const report = (/** @type {unknown} */ error) => this.#env.console?.error?.('realtime client:', error);
    this.#listeners = new Listeners(report);
    this.#tabs = new TabLeadership(this.#env, report);
    this.#fallbackQueueId = this.#env.makeId();
    this.#status = new StatusTracker(this.#env.now, (status) => {
      if (this.#tabs.role === 'leader') this.#tabs.post({ kind: 'status', status });
      this.#listeners.emit('status', status);
    });
    this.#scope = new Scope(this.#env);
    this.#returnScope = new Scope(this.#env);
    this.#lifecycle = new BrowserLifecycle(this.#env, this.#opts.staleAfterHiddenMs);
    this.#readiness = new Readiness(this.#scope);
    const cursorKnown = (/** @type {string} */ reason, /** @type {boolean} */ gap) => this.#cursorKnown(reason, gap);
    const deliver = (/** @type {RealtimeEvent} */ event, /** @type {'server' | 'tab'} */ source) =>
      this.#listeners.emit('event', event, { source });
    const deliverSignals = (/** @type {unknown} */ signals) => this.#deliverSignals(signals);
    this.#poller = new LeaderPoller({
      options: this.#opts,
      env: this.#env,
      scope: this.#scope,
      protocol: new PollProtocol(this.#opts, this.#env, this.#scope),
      cursor: this.#cursor,
      status: this.#status,
      readiness: this.#readiness,
      lifecycle: this.#lifecycle,
      tabs: this.#tabs,
      cursorKnown,
      deliver: (events) => {
        for (const event of events) deliver(event, 'server');
      },
      deliverSignals,
      failed: (error) => {
        this.#listeners.emit('error', error);
        // The user is signed out (docs/protocol.md): connect() again after signing in.
        if (error.code === 'unauthorized') this.disconnect();
      },
    });
    this.#onTabMessage = tabMessageHandler({
      tabs: this.#tabs,
      cursor: this.#cursor,
      status: this.#status,
      poller: this.#poller,
      cursorKnown,
      deliver,
      deliverSignals,
    });
  }

  // ----------------------------------------------------------------- public

  /** The current status (a frozen object, replaced on every change). */
  get status() {
    return this.#status.current;
  }

  /** The queue this browser polls (the leader's), or null before registration. */
  get queueId() {
    return this.#cursor.queueId;
  }

  /** 'leader', 'follower', 'solo' or null when not connected. */
  get role() {
    return this.#tabs.role;
  }

  /** Start (idempotent). */
  connect() {
    if (this.#connected) return;
    this.#connected = true;
    this.#lifecycle.watchReturn(this.#returnScope, () => this.#resume());
    this.#start();
  }

  /** Stop everything: poll, timers, listeners, channel, lock. Subscribers stay. */
  disconnect() {
    if (!this.#connected) return;
    this.#connected = false;
    this.#stop();
    this.#returnScope.release();
    this.#status.set({ state: 'idle', role: null, nextRetryAt: null });
  }

  /**
   * Resolves once this tab knows where the event stream starts (queue
   * registered, or the leader tab told it), so data fetched afterwards misses
   * nothing; or after readyTimeoutMs / a failed first attempt, in which case a
   * "resync" follows when the stream starts.
   */
  ready() {
    return this.#readiness.promise;
  }

  /**
   * Listen to 'event', 'signal', 'status', 'resync' or 'error'. Returns an unsubscribe function.
   * @param {string} type
   * @param {Function} listener
   */
  on(type, listener) {
    return this.#listeners.on(type, listener);
  }

  /**
   * Listen to realtime events: listener(event, {source: 'server' | 'tab'}).
   * @param {Function} listener
   */
  subscribe(listener) {
    return this.on('event', listener);
  }

  /**
   * Listen to signals (presence, typing, join requests): listener(signal). Signals are
   * short-lived state snapshots with no event_id; they are only requested
   * when the client was created with `signals: true`.
   * @param {Function} listener
   */
  onSignal(listener) {
    return this.on('signal', listener);
  }

  /**
   * Listen to status changes; the listener is called at once with the current status.
   * @param {Function} listener
   */
  onStatus(listener) {
    const off = this.on('status', listener);
    this.#listeners.call(listener, this.#status.current);
    return off;
  }

  /** Headers to send with every write so the server spares this browser's queue the echo. */
  writeHeaders() {
    // Without a queue yet, a random id spares nothing; sending no header would
    // spare every queue of the user, on every device.
    return { 'X-Realtime-Queue-Id': this.#cursor.queueId ?? this.#fallbackQueueId };
  }

  /**
   * Pass an event made from this tab's own write to the user's other tabs in this browser.
   * @param {RealtimeEvent} event
   */
  shareLocalEvent(event) {
    this.#tabs.post({ kind: 'local', event });
  }

  /** Retry at once if waiting to reconnect (any tab may call it). */
  pollNow() {
    this.#poke(false);
  }

  /**
   * Counts of what the client holds, for tests and debugging.
   * @returns {RealtimeInspection}
   */
  inspect() {
    return {
      connected: this.#connected,
      running: this.#running,
      role: this.#tabs.role,
      queueId: this.#cursor.queueId,
      cursor: this.#cursor.cursor,
      timers: this.#scope.timers,
      domListeners: this.#scope.listeners,
      lifecycleListeners: this.#returnScope.listeners,
      polling: this.#poller.polling,
      requests: this.#scope.requests,
      channelOpen: this.#tabs.channelOpen,
      lockHeld: this.#tabs.lockHeld,
      lockRequested: this.#tabs.lockRequested,
    };
  }

  // -------------------------------------------------------------- lifecycle

  #start() {
    if (this.#running) return;
    this.#running = true;
    this.#lifecycle.watchRunning(this.#scope, {
      online: () => this.#onOnline(),
      offline: () => {
        if (this.#tabs.polls) this.#poller.wentOffline();
      },
      leave: () => this.#stop(),
      shown: (stale) => this.#poke(stale),
    });
    this.#readiness.arm(this.#opts.readyTimeoutMs);
    this.#status.set({ state: this.#lifecycle.online ? 'connecting' : 'offline', nextRetryAt: null });
    this.#tabs.start(
      { shared: this.#opts.multiTab, userKey: this.#opts.userKey },
      {
        role: (role) => {
          this.#status.set({ role });
          if (role !== 'follower') this.#poller.lead();
        },
        message: this.#onTabMessage,
      },
    );
  }

  #stop() {
    if (!this.#running) return;
    this.#running = false;
    this.#tabs.stop();
    this.#poller.stop();
    this.#scope.release();
    this.#readiness.disarm();
  }

  #resume() {
    if (!this.#connected || this.#running) return;
    // Events may have been missed while the page was frozen or cached.
    this.#readiness.markResumed();
    this.#start();
  }

  /**
   * @param {string} reason
   * @param {boolean} gap
   */
  #cursorKnown(reason, gap) {
    const resync = this.#readiness.cursorKnown(reason, gap);
    if (resync !== null) this.#listeners.emit('resync', { reason: resync });
  }

  /**
   * Wake the polling tab: this one, or the leader over the channel.
   * @param {boolean} stale the open poll may be dead: restart it
   */
  #poke(stale) {
    if (this.#tabs.polls) this.#poller.poke(stale);
    else this.#tabs.post({ kind: 'poke', stale });
  }

  #onOnline() {
    if (this.#tabs.polls) this.#poller.backOnline();
    else this.#tabs.post({ kind: 'poke', stale: true });
  }

  /** @param {unknown} signals */
  #deliverSignals(signals) {
    if (!Array.isArray(signals)) return;
    for (const signal of signals) {
      if (signal && typeof signal === 'object' && typeof signal.type === 'string') {
        this.#listeners.emit('signal', signal);
      }
    }
  }
}

/** @type {typeof import('./client').createRealtimeClient} */
export const createRealtimeClient = (options) => new RealtimeClient(options);
