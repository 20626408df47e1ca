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
 *   every tab; with `notifications: true`, for the user's personal signals
 *   (notification, notifications_read; &notifications=1) the same way. Each
 *   option hands over only its own kinds;
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
 * Types: below, as JSDoc (`npm run declarations` writes them to types/client.d.ts).
 * The parts, one module each:
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
import { asksForSignal, resolveOptions } from './options.js';
import { LeaderPoller } from './leader-loop.js';
import { PollProtocol } from './protocol.js';
import { Readiness } from './readiness.js';
import { Scope } from './scope.js';
import { StatusTracker } from './status.js';
import { tabMessageHandler } from './tab-messages.js';

export { backoffDelay };

/** @typedef {import('./apply-event.js').RealtimeEvent} RealtimeEvent */

/**
 * Where the client stands:
 * - 'idle': not connected (before connect(), after disconnect());
 * - 'connecting': first registration and poll under way;
 * - 'connected': registered, the poll server answers, a poll is open;
 * - 'reconnecting': a failure; the next try is at nextRetryAt (null while trying);
 * - 'offline': the browser says it is offline; polling resumes when it is back online.
 * @typedef {'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline'} RealtimeState
 */

/**
 * This tab's part in polling:
 * - 'leader': it holds the lock and polls for every tab of this browser and user;
 * - 'follower': another tab polls; events and status arrive over BroadcastChannel;
 * - 'solo': Web Locks or BroadcastChannel missing: this tab polls alone.
 * @typedef {'leader' | 'follower' | 'solo'} RealtimeRole
 */

/**
 * @typedef {object} RealtimeStatusFields
 * @property {RealtimeState} state
 * @property {RealtimeRole | null} role
 * @property {number | null} nextRetryAt epoch milliseconds of the next retry while
 *   reconnecting, else null
 * @property {number} attempt failed attempts since the last success
 * @property {number} since epoch milliseconds when `state` last changed
 * @property {string | null} lastError
 */

/** @typedef {Readonly<RealtimeStatusFields>} RealtimeStatus */

/**
 * @typedef {object} EventInfo
 * @property {'server' | 'tab'} source 'server': from the poll server (possibly via the
 *   leader tab); 'tab': a sibling tab's own write
 */

/**
 * Why what the page holds may be incomplete: 'queue-expired' (404, registered again),
 * 'catchup' (catchup_required), 'registered' (the stream started after ready() gave up
 * waiting), 'resumed' (back from the back/forward cache).
 * @typedef {object} ResyncInfo
 * @property {'queue-expired' | 'catchup' | 'registered' | 'resumed' | string} reason
 */

/** @typedef {Error & {code?: string}} RealtimeError */

/**
 * The browser globals the client uses (env.js); tests replace them.
 * @typedef {object} RealtimeEnv
 * @property {typeof fetch} fetch
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: unknown) => void} clearTimeout
 * @property {() => number} now
 * @property {() => number} random
 * @property {EventTarget | null} window
 * @property {(EventTarget & {visibilityState?: string}) | null} document
 * @property {{onLine?: boolean, locks?: LockManager} | null} navigator
 * @property {typeof BroadcastChannel | null} BroadcastChannel
 * @property {typeof AbortController} AbortController
 * @property {Pick<Console, 'error'>} console
 * @property {() => string} makeId
 */

/**
 * @typedef {object} RealtimeClientOptions
 * @property {string} pollUrl base URL of the poll server, e.g. "http://localhost:8888"
 * @property {string} [apiBase] prefix of the API paths (default ""; same origin)
 * @property {(url: string, init: RequestInit) => Promise<Response>} [authFetch] fetch that
 *   adds the JWT and refreshes it on 401; used for register and heartbeat
 * @property {() => string | null | Promise<string | null>} [getAccessToken] alternative to
 *   authFetch: the current access token
 * @property {string | number} [userKey] scopes tab coordination: one poller per browser
 *   and userKey (use the user id)
 * @property {boolean} [multiTab] share one poller between tabs (default true)
 * @property {boolean} [signals] ask the poll for signals: presence, typing, join requests
 *   (default false)
 * @property {boolean} [notifications] ask the poll for the user's personal signals:
 *   notification, notifications_read (default false)
 * @property {number} [heartbeatMs] default 60000
 * @property {number} [pollTimeoutMs] abort a poll that got no answer after this long
 *   (default 65000)
 * @property {number} [backoffBaseMs] default 1000
 * @property {number} [backoffCapMs] default 30000
 * @property {number} [readyTimeoutMs] ready() resolves at the latest after this long
 *   (default 3000)
 * @property {number} [probeTimeoutMs] timeout of register, heartbeat and health requests
 *   (default 10000)
 * @property {number} [staleAfterHiddenMs] a tab hidden at least this long restarts its
 *   poll when shown again (default 10000)
 * @property {Partial<RealtimeEnv>} [env] replace browser globals (fetch, timers, window,
 *   document, navigator, ...) in tests
 */

/**
 * @typedef {object} RealtimeInspection
 * @property {boolean} connected
 * @property {boolean} running
 * @property {RealtimeRole | null} role
 * @property {string | null} queueId
 * @property {number} cursor
 * @property {number} timers
 * @property {number} domListeners
 * @property {number} lifecycleListeners
 * @property {boolean} polling
 * @property {number} requests
 * @property {boolean} channelOpen
 * @property {boolean} lockHeld
 * @property {boolean} lockRequested
 */

/** @typedef {() => void} Unsubscribe */

/**
 * A member as presence and typing show them.
 * @typedef {object} SignalUser
 * @property {number | null} id null when shown by the per-article pseudonym
 * @property {string} username
 * @property {boolean} [is_pseudonymous]
 */

/**
 * Who views an article now: a full snapshot, replacing any older one. `id` is the
 * signal's id ("<ms>-<seq>"); apply a snapshot only if its id is greater than the
 * `version` of what you hold. The sender is never told.
 * @typedef {object} PresenceSignal
 * @property {'presence'} type
 * @property {string} id
 * @property {{community_id: number, article_id: number, count: number,
 *   members: {id: number, username: string}[]}} data `count`: distinct members with a
 *   visible tab on the article; `members`: up to 20 of them
 */

/**
 * Someone is writing a reply in a discussion; show it for `expires_in` seconds.
 * @typedef {object} TypingSignal
 * @property {'typing'} type
 * @property {string} id
 * @property {{community_id: number, article_id: number, discussion_id: number,
 *   user: SignalUser, expires_in: number}} data
 */

/**
 * For a private community's admins only: its pending requests to join changed
 * (`pending` still wait); fetch the list again. Names no one.
 * @typedef {object} JoinRequestsSignal
 * @property {'join_requests'} type
 * @property {string} id
 * @property {{community_id: number, pending: number}} data
 */

/**
 * For the user it names, wherever they are: a line arrived in their inbox. A nudge
 * to fetch the inbox again (GET /api/notifications), which is the record.
 * `adds_unread` says whether it raised the unread count (false when it replaced a
 * line still unread).
 * @typedef {object} NotificationSignal
 * @property {'notification'} type
 * @property {string} id
 * @property {{kind: string, text: string, url: string, community_id: number,
 *   article_id: number | null, discussion_id: number | null, comment_id: number | null,
 *   adds_unread: boolean}} data
 */

/**
 * The user read notifications (in this tab or another): their unread count now.
 * @typedef {object} NotificationsReadSignal
 * @property {'notifications_read'} type
 * @property {string} id
 * @property {{unread_count: number}} data
 */

/**
 * Some of the user's logins ended: a page checks whether its own still lives.
 * @typedef {object} LoginsEndedSignal
 * @property {'logins_ended'} type
 * @property {string} id
 * @property {Record<string, never>} data
 */

/**
 * For a private community's members: how many they are now, after a join or a removal.
 * @typedef {object} MembersSignal
 * @property {'members'} type
 * @property {string} id
 * @property {{community_id: number, member_count: number}} data
 */

/**
 * Signals carry no event_id and never count as events.
 * @typedef {PresenceSignal | TypingSignal | JoinRequestsSignal | MembersSignal
 *   | NotificationSignal | NotificationsReadSignal | LoginsEndedSignal} RealtimeSignal
 */

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
    const report = (/** @type {unknown} */ error) =>
      this.#env.console?.error?.('realtime client:', error);
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
    const cursorKnown = (/** @type {string} */ reason, /** @type {boolean} */ gap) =>
      this.#cursorKnown(reason, gap);
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

  /**
   * The current status (a frozen object, replaced on every change).
   * @returns {RealtimeStatus}
   */
  get status() {
    return this.#status.current;
  }

  /**
   * The queue this browser polls (the leader's), or null before registration.
   * @returns {string | null}
   */
  get queueId() {
    return this.#cursor.queueId;
  }

  /**
   * 'leader', 'follower', 'solo' or null when not connected.
   * @returns {RealtimeRole | null}
   */
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
   * @returns {Promise<void>}
   */
  ready() {
    return this.#readiness.promise;
  }

  /**
   * @overload
   * @param {'event'} type
   * @param {(event: RealtimeEvent, info: EventInfo) => void} listener
   * @returns {Unsubscribe}
   */
  /**
   * @overload
   * @param {'signal'} type
   * @param {(signal: RealtimeSignal) => void} listener
   * @returns {Unsubscribe}
   */
  /**
   * @overload
   * @param {'status'} type
   * @param {(status: RealtimeStatus) => void} listener
   * @returns {Unsubscribe}
   */
  /**
   * @overload
   * @param {'resync'} type
   * @param {(info: ResyncInfo) => void} listener
   * @returns {Unsubscribe}
   */
  /**
   * @overload
   * @param {'error'} type
   * @param {(error: RealtimeError) => void} listener
   * @returns {Unsubscribe}
   */
  /**
   * Listen to 'event', 'signal', 'status', 'resync' or 'error'. Returns an unsubscribe function.
   * @param {string} type
   * @param {Function} listener
   * @returns {Unsubscribe}
   */
  on(type, listener) {
    return this.#listeners.on(type, listener);
  }

  /**
   * Listen to realtime events, each once, in event_id order: listener(event, {source}).
   * @param {(event: RealtimeEvent, info: EventInfo) => void} listener
   * @returns {Unsubscribe}
   */
  subscribe(listener) {
    return this.on('event', listener);
  }

  /**
   * Listen to signals: listener(signal). Signals are short-lived state with no
   * event_id; presence, typing and join requests come only to a client created with
   * `signals: true`, the user's notification signals only with `notifications: true`.
   * @param {(signal: RealtimeSignal) => void} listener
   * @returns {Unsubscribe}
   */
  onSignal(listener) {
    return this.on('signal', listener);
  }

  /**
   * Listen to status changes; the listener is called at once with the current status.
   * @param {(status: RealtimeStatus) => void} listener
   * @returns {Unsubscribe}
   */
  onStatus(listener) {
    const off = this.on('status', listener);
    this.#listeners.call(listener, this.#status.current);
    return off;
  }

  /**
   * Headers to send with every write so the server spares this browser's queue the echo.
   * @returns {{'X-Realtime-Queue-Id': string}}
   */
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
    const state = this.#lifecycle.online ? 'connecting' : 'offline';
    this.#status.set({ state, nextRetryAt: null });
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
      if (signal && typeof signal === 'object' && typeof signal.type === 'string'
          && asksForSignal(this.#opts, signal.type)) {
        this.#listeners.emit('signal', signal);
      }
    }
  }
}

/**
 * @param {RealtimeClientOptions} options
 * @returns {RealtimeClient}
 */
export const createRealtimeClient = (options) => new RealtimeClient(options);
