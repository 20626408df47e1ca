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
 * - with `signals: true`, also asks the poll for presence and typing signals
 *   (&signal_cursor=) and hands them to onSignal listeners, in every tab;
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
 * Types: client.d.ts.
 */

import { backoffDelay } from './backoff.js';

export { backoffDelay };

const PROTOCOL = 1;

const DEFAULTS = Object.freeze({
  apiBase: '',
  heartbeatMs: 60_000,
  pollTimeoutMs: 65_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 30_000,
  readyTimeoutMs: 3_000,
  probeTimeoutMs: 10_000,
  staleAfterHiddenMs: 10_000,
  multiTab: true,
  signals: false,
});

/** @typedef {import('./client').RealtimeStatus} RealtimeStatus */

function codedError(code, message) {
  const error = new Error(message || code);
  error.code = code;
  return error;
}

function randomId() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function defaultEnv() {
  const g = globalThis;
  return {
    fetch: (...args) => g.fetch(...args),
    setTimeout: (fn, ms) => g.setTimeout(fn, ms),
    clearTimeout: (handle) => g.clearTimeout(handle),
    now: () => Date.now(),
    random: () => Math.random(),
    window: g.window ?? null,
    document: g.document ?? null,
    navigator: g.navigator ?? null,
    BroadcastChannel: g.BroadcastChannel ?? null,
    AbortController: g.AbortController,
    console: g.console,
    makeId: randomId,
  };
}

export class RealtimeClient {
  #opts;
  #env;
  #listeners = {
    event: new Set(),
    signal: new Set(),
    status: new Set(),
    resync: new Set(),
    error: new Set(),
  };
  #status;
  #tabId;
  #fallbackQueueId;

  // lifecycle
  #connected = false; // between connect() and disconnect()
  #running = false; // started and not suspended
  #gen = 0; // bumped on every stop: stale async work checks it and quits
  #role = null; // 'leader' | 'follower' | 'solo' | null
  #timers = new Set();
  #domListeners = [];
  #lifecycleListeners = [];
  #inflight = new Set(); // AbortControllers of register/heartbeat/probe requests
  #channel = null;
  #lockAbort = null;
  #releaseLock = null;
  #hiddenAt = null;

  // cursor (shared by all tabs through the leader)
  #queueId = null;
  #cursor = 0;
  #hw = 0; // highest event_id delivered: anything at or below it is a duplicate
  // Newest presence or typing signal seen ('0': none yet). Signals have their
  // own cursor so they never move the event cursor.
  #signalCursor = '0';

  // leader loop
  #pollCtl = null;
  #abortReason = null;
  #wakeSleep = null;
  #sleeping = false;
  #attempt = 0;
  #needProbe = true;
  #resyncReason = null;
  #pendingResync = false; // back from the back/forward cache: the page may be stale
  #heartbeatTimer = null;

  // ready()
  #readyDone = false;
  #readyPromise;
  #readyResolve;
  #readyTimer = null;

  /** @param {import('./client').RealtimeClientOptions} options */
  constructor(options) {
    if (!options || typeof options.pollUrl !== 'string' || !options.pollUrl) {
      throw new TypeError('RealtimeClient: options.pollUrl is required');
    }
    if (!options.authFetch && !options.getAccessToken) {
      throw new TypeError('RealtimeClient: options.authFetch or options.getAccessToken is required');
    }
    this.#opts = { ...DEFAULTS, ...options, pollUrl: options.pollUrl.replace(/\/+$/, '') };
    this.#env = { ...defaultEnv(), ...(options.env ?? {}) };
    this.#tabId = this.#env.makeId();
    this.#fallbackQueueId = this.#env.makeId();
    this.#status = Object.freeze({
      state: 'idle',
      role: null,
      nextRetryAt: null,
      attempt: 0,
      since: this.#env.now(),
      lastError: null,
    });
    this.#newReadyPromise();
  }

  // ----------------------------------------------------------------- public

  /** The current status (a frozen object, replaced on every change). */
  get status() {
    return this.#status;
  }

  /** The queue this browser polls (the leader's), or null before registration. */
  get queueId() {
    return this.#queueId;
  }

  /** 'leader', 'follower', 'solo' or null when not connected. */
  get role() {
    return this.#role;
  }

  /** Start (idempotent). */
  connect() {
    if (this.#connected) return;
    this.#connected = true;
    const { window: win, document: doc } = this.#env;
    this.#listenLifecycle(win, 'pageshow', (e) => {
      if (e.persisted) this.#resume();
    });
    this.#listenLifecycle(doc, 'resume', () => this.#resume());
    this.#start();
  }

  /** Stop everything: poll, timers, listeners, channel, lock. Subscribers stay. */
  disconnect() {
    if (!this.#connected) return;
    this.#connected = false;
    this.#stop();
    for (const [target, type, fn] of this.#lifecycleListeners) target.removeEventListener(type, fn);
    this.#lifecycleListeners = [];
    this.#setStatus({ state: 'idle', role: null, nextRetryAt: null });
  }

  /**
   * Resolves once this tab knows where the event stream starts (queue
   * registered, or the leader tab told it), so data fetched afterwards misses
   * nothing; or after readyTimeoutMs / a failed first attempt, in which case a
   * "resync" follows when the stream starts.
   */
  ready() {
    return this.#readyPromise;
  }

  /** Listen to 'event', 'signal', 'status', 'resync' or 'error'. Returns an unsubscribe function. */
  on(type, listener) {
    const set = this.#listeners[type];
    if (!set) throw new TypeError(`RealtimeClient: unknown event type ${type}`);
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Listen to realtime events: listener(event, {source: 'server' | 'tab'}). */
  subscribe(listener) {
    return this.on('event', listener);
  }

  /**
   * Listen to presence and typing signals: listener(signal). Signals are
   * short-lived state snapshots with no event_id; they are only requested
   * when the client was created with `signals: true`.
   */
  onSignal(listener) {
    return this.on('signal', listener);
  }

  /** Listen to status changes; the listener is called at once with the current status. */
  onStatus(listener) {
    const off = this.on('status', listener);
    this.#call(listener, this.#status);
    return off;
  }

  /** Headers to send with every write so the server spares this browser's queue the echo. */
  writeHeaders() {
    // Without a queue yet, a random id spares nothing; sending no header would
    // spare every queue of the user, on every device.
    return { 'X-Realtime-Queue-Id': this.#queueId ?? this.#fallbackQueueId };
  }

  /** Pass an event made from this tab's own write to the user's other tabs in this browser. */
  shareLocalEvent(event) {
    this.#post({ kind: 'local', event });
  }

  /** Retry at once if waiting to reconnect (any tab may call it). */
  pollNow() {
    if (this.#isLeader()) this.#pokeLeader(false);
    else this.#post({ kind: 'poke', stale: false });
  }

  /** Counts of what the client holds, for tests and debugging. */
  inspect() {
    return {
      connected: this.#connected,
      running: this.#running,
      role: this.#role,
      queueId: this.#queueId,
      cursor: this.#cursor,
      timers: this.#timers.size,
      domListeners: this.#domListeners.length,
      lifecycleListeners: this.#lifecycleListeners.length,
      polling: this.#pollCtl !== null,
      requests: this.#inflight.size,
      channelOpen: this.#channel !== null,
      lockHeld: this.#releaseLock !== null,
      lockRequested: this.#lockAbort !== null,
    };
  }

  // -------------------------------------------------------------- lifecycle

  #start() {
    if (this.#running) return;
    this.#running = true;
    const gen = ++this.#gen;
    const { window: win, document: doc, navigator: nav } = this.#env;
    this.#listen(win, 'online', () => this.#onOnline());
    this.#listen(win, 'offline', () => this.#onOffline());
    this.#listen(win, 'pagehide', () => this.#stop());
    this.#listen(doc, 'freeze', () => this.#stop());
    this.#listen(doc, 'visibilitychange', () => this.#onVisibility());
    this.#hiddenAt = doc?.visibilityState === 'hidden' ? this.#env.now() : null;
    if (!this.#readyDone && this.#readyTimer === null) {
      this.#readyTimer = this.#setTimer(() => {
        this.#readyTimer = null;
        this.#settleReady();
      }, this.#opts.readyTimeoutMs);
    }
    this.#setStatus({ state: this.#online() ? 'connecting' : 'offline', nextRetryAt: null });

    const canShare =
      this.#opts.multiTab &&
      typeof this.#env.BroadcastChannel === 'function' &&
      typeof nav?.locks?.request === 'function';
    if (!canShare) {
      this.#becomeLeader('solo');
      return;
    }
    const name = `marginalia-realtime:${this.#opts.userKey ?? 'anonymous'}`;
    this.#channel = new this.#env.BroadcastChannel(name);
    this.#channel.onmessage = (e) => this.#onMessage(e.data);
    this.#role = 'follower';
    this.#setStatus({ role: 'follower' });
    this.#post({ kind: 'hello' });
    const lockAbort = new this.#env.AbortController();
    this.#lockAbort = lockAbort;
    nav.locks
      .request(name, { signal: lockAbort.signal }, () => {
        if (gen !== this.#gen) return undefined; // stopped meanwhile: release at once
        return new Promise((release) => {
          this.#releaseLock = release;
          this.#lockAbort = null;
          this.#becomeLeader('leader');
        });
      })
      .catch(() => {}); // AbortError when stopped while waiting
  }

  #stop() {
    if (!this.#running) return;
    this.#running = false;
    this.#gen += 1;
    this.#role = null;
    this.#abortPoll('stop');
    for (const ctl of this.#inflight) ctl.abort();
    this.#inflight.clear();
    this.#wake();
    for (const handle of this.#timers) this.#env.clearTimeout(handle);
    this.#timers.clear();
    this.#heartbeatTimer = null;
    this.#readyTimer = null;
    if (this.#releaseLock) this.#releaseLock();
    this.#releaseLock = null;
    if (this.#lockAbort) this.#lockAbort.abort();
    this.#lockAbort = null;
    if (this.#channel) {
      this.#channel.onmessage = null;
      this.#channel.close();
    }
    this.#channel = null;
    for (const [target, type, fn] of this.#domListeners) target.removeEventListener(type, fn);
    this.#domListeners = [];
    this.#sleeping = false;
  }

  #resume() {
    if (!this.#connected || this.#running) return;
    // Events may have been missed while the page was frozen or cached.
    this.#pendingResync = true;
    this.#start();
  }

  #newReadyPromise() {
    this.#readyPromise = new Promise((resolve) => {
      this.#readyResolve = resolve;
    });
  }

  /**
   * This tab knows where its event stream starts. Resolves ready() the first
   * time; afterwards the page may hold data from before a gap, so "resync".
   */
  #cursorKnown(reason, gap) {
    const wasReady = this.#settleReady();
    const pending = this.#pendingResync;
    this.#pendingResync = false;
    if (wasReady && (gap || pending)) this.#emit('resync', { reason: gap ? reason : 'resumed' });
  }

  /** Resolve ready(); returns true when it was already resolved. */
  #settleReady() {
    if (this.#readyTimer !== null) {
      this.#clearTimer(this.#readyTimer);
      this.#readyTimer = null;
    }
    if (this.#readyDone) {
      this.#readyResolve(); // harmless if already resolved
      return true;
    }
    this.#readyDone = true;
    this.#readyResolve();
    return false;
  }

  // ------------------------------------------------------------ leadership

  #isLeader() {
    return this.#role === 'leader' || this.#role === 'solo';
  }

  #becomeLeader(role) {
    this.#role = role;
    this.#needProbe = true;
    this.#setStatus({ role });
    this.#scheduleHeartbeat();
    this.#run(this.#gen);
  }

  #post(message) {
    if (!this.#channel) return;
    try {
      this.#channel.postMessage({ v: PROTOCOL, from: this.#tabId, ...message });
    } catch (error) {
      this.#report(error);
    }
  }

  #postState() {
    this.#post({
      kind: 'state',
      queueId: this.#queueId,
      cursor: this.#cursor,
      signalCursor: this.#signalCursor,
      status: this.#status,
    });
  }

  #onMessage(message) {
    if (!message || message.v !== PROTOCOL || message.from === this.#tabId) return;
    const leader = this.#isLeader();
    switch (message.kind) {
      case 'hello':
        if (leader) this.#postState();
        break;
      case 'poke':
        if (leader) this.#pokeLeader(Boolean(message.stale));
        break;
      case 'state':
        if (!leader) {
          this.#adopt(message);
          this.#mirrorStatus(message.status);
          if (message.queueId) this.#cursorKnown('joined', false);
        }
        break;
      case 'status':
        if (!leader) this.#mirrorStatus(message.status);
        break;
      case 'events':
        if (!leader) {
          this.#adopt(message);
          this.#deliver(message.events, 'server');
        }
        break;
      case 'signals':
        if (!leader) {
          this.#adopt(message);
          this.#emitSignals(message.signals);
        }
        break;
      case 'resync':
        if (!leader) {
          this.#adopt(message);
          this.#hw = this.#cursor;
          this.#cursorKnown(message.reason, true);
        }
        break;
      case 'local':
        if (message.event && typeof message.event === 'object') {
          this.#emit('event', message.event, { source: 'tab' });
        }
        break;
      default:
        break;
    }
  }

  /** Follow the leader's queue and cursor, to continue from them on takeover. */
  #adopt(message) {
    if (typeof message.queueId === 'string') this.#queueId = message.queueId;
    if (Number.isSafeInteger(message.cursor)) this.#cursor = message.cursor;
    if (typeof message.signalCursor === 'string') this.#signalCursor = message.signalCursor;
  }

  #mirrorStatus(status) {
    if (!status || typeof status.state !== 'string') return;
    this.#setStatus({
      state: status.state,
      nextRetryAt: status.nextRetryAt ?? null,
      attempt: status.attempt ?? 0,
      lastError: status.lastError ?? null,
      role: 'follower',
    });
  }

  // ------------------------------------------------------------ leader loop

  async #run(gen) {
    const alive = () => this.#gen === gen && this.#isLeader();
    let gone = 0; // consecutive "queue gone" answers without a good poll between
    let pollStartedAt = null;
    while (alive()) {
      pollStartedAt = null;
      if (!this.#online()) {
        this.#setStatus({ state: 'offline', nextRetryAt: null });
        await this.#sleep(null);
        this.#needProbe = true;
        continue;
      }
      try {
        if (!this.#queueId) {
          await this.#register();
          if (!alive()) return;
        }
        if (this.#needProbe) {
          await this.#probe();
          if (!alive()) return;
          this.#needProbe = false;
          this.#markConnected(false); // reachable; the backoff resets only once a poll succeeds
        }
        pollStartedAt = this.#env.now();
        const body = await this.#poll();
        if (!alive()) return;
        gone = 0;
        this.#markConnected(true);
        this.#handlePoll(body);
      } catch (error) {
        if (!alive()) return;
        if (error.code === 'restart') continue;
        if (error.code === 'queue-gone') {
          this.#queueId = null;
          this.#resyncReason = 'queue-expired';
          gone += 1;
          if (gone === 1) continue; // register again at once, the first time
        }
        this.#needProbe = true;
        // A poll that stayed open a while means the link was fine until now.
        if (pollStartedAt !== null && this.#env.now() - pollStartedAt >= 10_000) this.#attempt = 0;
        const delay = backoffDelay(this.#attempt, {
          baseMs: this.#opts.backoffBaseMs,
          capMs: this.#opts.backoffCapMs,
          random: this.#env.random,
        });
        this.#attempt += 1;
        this.#setStatus({
          state: 'reconnecting',
          nextRetryAt: this.#env.now() + delay,
          attempt: this.#attempt,
          lastError: error.message || String(error),
        });
        this.#emit('error', error);
        if (!this.#readyDone) this.#settleReady(); // don't hold the page back
        await this.#sleep(delay);
        if (!alive()) return;
        this.#setStatus({ nextRetryAt: null });
      }
    }
  }

  #markConnected(resetBackoff) {
    if (resetBackoff) this.#attempt = 0;
    this.#setStatus({ state: 'connected', nextRetryAt: null, attempt: 0, lastError: null });
    if (this.#pendingResync) this.#cursorKnown('resumed', false);
  }

  async #request(url, init, authed, timeoutMs) {
    const ctl = new this.#env.AbortController();
    this.#inflight.add(ctl);
    const timer = timeoutMs ? this.#setTimer(() => ctl.abort(), timeoutMs) : null;
    try {
      const full = { ...init, signal: ctl.signal };
      if (!authed) return await this.#env.fetch(url, full);
      if (this.#opts.authFetch) return await this.#opts.authFetch(url, full);
      const token = await this.#opts.getAccessToken();
      const headers = { ...(full.headers ?? {}) };
      if (token) headers.Authorization = `Bearer ${token}`;
      return await this.#env.fetch(url, { ...full, headers });
    } finally {
      if (timer !== null) this.#clearTimer(timer);
      this.#inflight.delete(ctl);
    }
  }

  async #register() {
    const url = `${this.#opts.apiBase}/api/realtime/register`;
    const res = await this.#request(url, { method: 'POST' }, true, this.#opts.probeTimeoutMs);
    if (!res.ok) throw codedError('register', `register failed with HTTP ${res.status}`);
    const body = await res.json();
    if (typeof body?.queue_id !== 'string' || !Number.isSafeInteger(body.last_event_id)) {
      throw codedError('register', 'register returned an unexpected body');
    }
    this.#queueId = body.queue_id;
    this.#cursor = body.last_event_id;
    this.#hw = body.last_event_id;
    this.#needProbe = true;
    const reason = this.#resyncReason ?? 'registered';
    this.#resyncReason = null;
    this.#newCursor(reason);
  }

  /** The stream restarts at #cursor: tell this tab's page and the other tabs. */
  #newCursor(reason) {
    this.#post({ kind: 'resync', reason, queueId: this.#queueId, cursor: this.#cursor });
    this.#cursorKnown(reason, true);
  }

  /** Is the poll server there? A hanging poll cannot tell; /health answers at once. */
  async #probe() {
    const res = await this.#request(
      `${this.#opts.pollUrl}/health`,
      { cache: 'no-store', credentials: 'omit' },
      false,
      this.#opts.probeTimeoutMs,
    );
    if (!res.ok) throw codedError('unhealthy', `poll server health: HTTP ${res.status}`);
  }

  async #poll() {
    const url =
      `${this.#opts.pollUrl}/realtime/poll?queue_id=${encodeURIComponent(this.#queueId)}` +
      `&last_event_id=${this.#cursor}` +
      (this.#opts.signals ? `&signal_cursor=${encodeURIComponent(this.#signalCursor)}` : '');
    const ctl = new this.#env.AbortController();
    this.#pollCtl = ctl;
    this.#abortReason = null;
    const timer = this.#setTimer(() => this.#abortPoll('timeout'), this.#opts.pollTimeoutMs);
    try {
      const res = await this.#env.fetch(url, {
        signal: ctl.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
      if (res.status === 404 || res.status === 400) {
        throw codedError('queue-gone', `poll: HTTP ${res.status}`);
      }
      if (!res.ok) throw codedError('http', `poll failed with HTTP ${res.status}`);
      return await res.json();
    } catch (error) {
      if (ctl.signal.aborted) {
        const reason = this.#abortReason;
        if (reason === 'restart') throw codedError('restart');
        if (reason === 'reregister') throw codedError('queue-gone', 'queue expired');
        if (reason === 'timeout') throw codedError('timeout', 'the poll got no answer in time');
        throw codedError('stopped');
      }
      throw error;
    } finally {
      this.#clearTimer(timer);
      if (this.#pollCtl === ctl) this.#pollCtl = null;
    }
  }

  #abortPoll(reason) {
    if (!this.#pollCtl) return;
    this.#abortReason = reason;
    this.#pollCtl.abort();
  }

  #handlePoll(body) {
    if (!body || typeof body !== 'object') throw codedError('http', 'poll returned no JSON object');
    if (body.catchup_required) {
      if (Number.isSafeInteger(body.last_event_id)) {
        this.#cursor = body.last_event_id;
        this.#hw = body.last_event_id;
        this.#newCursor('catchup');
      } else {
        this.#queueId = null; // no cursor given: a fresh registration provides one
        this.#resyncReason = 'catchup';
      }
      return;
    }
    if (Array.isArray(body.signals) && typeof body.signal_cursor === 'string') {
      this.#signalCursor = body.signal_cursor;
      this.#post({ kind: 'signals', signals: body.signals, signalCursor: this.#signalCursor });
      this.#emitSignals(body.signals);
    }
    const events = Array.isArray(body.events) ? body.events : [];
    const fresh = this.#fresh(events);
    if (Number.isSafeInteger(body.last_event_id)) this.#cursor = body.last_event_id;
    this.#cursor = Math.max(this.#cursor, this.#hw);
    this.#hw = Math.max(this.#hw, this.#cursor);
    this.#post({ kind: 'events', events: fresh, queueId: this.#queueId, cursor: this.#cursor });
    for (const event of fresh) this.#emit('event', event, { source: 'server' });
  }

  /** Events not delivered yet, in event_id order; advances the high-water mark. */
  #fresh(events) {
    const sorted = events
      .filter((e) => e && typeof e === 'object' && Number.isSafeInteger(e.event_id))
      .sort((a, b) => a.event_id - b.event_id);
    const fresh = [];
    for (const event of sorted) {
      if (event.event_id > this.#hw) {
        fresh.push(event);
        this.#hw = event.event_id;
      }
    }
    return fresh;
  }

  #emitSignals(signals) {
    if (!Array.isArray(signals)) return;
    for (const signal of signals) {
      if (signal && typeof signal === 'object' && typeof signal.type === 'string') this.#emit('signal', signal);
    }
  }

  #deliver(events, source) {
    if (!Array.isArray(events)) return;
    for (const event of this.#fresh(events)) this.#emit('event', event, { source });
  }

  #scheduleHeartbeat() {
    this.#heartbeatTimer = this.#setTimer(() => {
      this.#heartbeatTimer = null;
      this.#heartbeat();
      if (this.#isLeader()) this.#scheduleHeartbeat();
    }, this.#opts.heartbeatMs);
  }

  async #heartbeat() {
    const queueId = this.#queueId;
    const gen = this.#gen;
    if (!queueId || !this.#isLeader()) return;
    try {
      const url = `${this.#opts.apiBase}/api/realtime/heartbeat?queue_id=${encodeURIComponent(queueId)}`;
      const res = await this.#request(url, { method: 'POST' }, true, this.#opts.probeTimeoutMs);
      if (res.status === 404 && gen === this.#gen && queueId === this.#queueId) {
        this.#queueId = null;
        this.#resyncReason = 'queue-expired';
        if (this.#pollCtl) this.#abortPoll('reregister');
        else this.#wake();
      }
    } catch {
      // The poll counts as a heartbeat too; its own failures drive reconnection.
    }
  }

  #pokeLeader(stale) {
    if (this.#sleeping) this.#wake();
    else if (stale && this.#pollCtl) this.#abortPoll('restart');
  }

  #onOnline() {
    if (this.#isLeader()) {
      this.#attempt = 0;
      this.#needProbe = true;
      this.#pokeLeader(true);
    } else {
      this.#post({ kind: 'poke', stale: true });
    }
  }

  #onOffline() {
    if (this.#isLeader()) this.#abortPoll('restart');
  }

  #onVisibility() {
    const doc = this.#env.document;
    if (doc?.visibilityState === 'hidden') {
      this.#hiddenAt = this.#env.now();
      return;
    }
    const hiddenFor = this.#hiddenAt === null ? 0 : this.#env.now() - this.#hiddenAt;
    this.#hiddenAt = null;
    // After a long absence (a sleeping laptop) the open poll may be dead.
    const stale = hiddenFor >= this.#opts.staleAfterHiddenMs;
    if (this.#isLeader()) this.#pokeLeader(stale);
    else this.#post({ kind: 'poke', stale });
  }

  #online() {
    return this.#env.navigator?.onLine !== false;
  }

  // ---------------------------------------------------------------- helpers

  #sleep(ms) {
    return new Promise((resolve) => {
      let timer = null;
      const done = () => {
        if (timer !== null) this.#clearTimer(timer);
        timer = null;
        if (this.#wakeSleep === done) this.#wakeSleep = null;
        this.#sleeping = false;
        resolve();
      };
      this.#wakeSleep = done;
      this.#sleeping = true;
      if (ms !== null) timer = this.#setTimer(done, ms);
    });
  }

  #wake() {
    if (this.#wakeSleep) this.#wakeSleep();
  }

  #setTimer(fn, ms) {
    const handle = this.#env.setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  #clearTimer(handle) {
    if (handle === null || handle === undefined) return;
    this.#env.clearTimeout(handle);
    this.#timers.delete(handle);
  }

  #listen(target, type, fn) {
    if (!target?.addEventListener) return;
    target.addEventListener(type, fn);
    this.#domListeners.push([target, type, fn]);
  }

  #listenLifecycle(target, type, fn) {
    if (!target?.addEventListener) return;
    target.addEventListener(type, fn);
    this.#lifecycleListeners.push([target, type, fn]);
  }

  #setStatus(patch) {
    const old = this.#status;
    const next = { ...old, ...patch };
    if (
      next.state === old.state &&
      next.role === old.role &&
      next.nextRetryAt === old.nextRetryAt &&
      next.attempt === old.attempt &&
      next.lastError === old.lastError
    ) {
      return;
    }
    if (next.state !== old.state) next.since = this.#env.now();
    this.#status = Object.freeze(next);
    if (this.#role === 'leader') this.#post({ kind: 'status', status: this.#status });
    this.#emit('status', this.#status);
  }

  #emit(type, ...args) {
    for (const listener of [...this.#listeners[type]]) this.#call(listener, ...args);
  }

  #call(listener, ...args) {
    try {
      listener(...args);
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error) {
    this.#env.console?.error?.('realtime client:', error);
  }
}

/** @param {import('./client').RealtimeClientOptions} options */
export function createRealtimeClient(options) {
  return new RealtimeClient(options);
}
