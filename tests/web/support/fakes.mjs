/**
 * Fakes of the browser pieces the realtime client uses: a clock with timers,
 * a scriptable HTTP server behind fetch, Web Locks, BroadcastChannel and
 * event targets that count their listeners.
 */

export async function flush(rounds = 20) {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock {
  now = 1_700_000_000_000;
  #timers = new Map();
  #seq = 0;

  setTimeout = (fn, ms) => {
    this.#seq += 1;
    this.#timers.set(this.#seq, { at: this.now + Math.max(0, ms || 0), fn });
    return this.#seq;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  get pending() {
    return this.#timers.size;
  }

  /** Move time forward, firing due timers in order and letting promises settle. */
  async advance(ms) {
    const end = this.now + ms;
    for (;;) {
      await flush();
      let nextId = null;
      let next = null;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= end && (next === null || timer.at < next.at)) {
          nextId = id;
          next = timer;
        }
      }
      if (!next) break;
      this.#timers.delete(nextId);
      this.now = next.at;
      next.fn();
    }
    this.now = end;
    await flush();
  }
}

function abortError() {
  return new DOMException('The operation was aborted.', 'AbortError');
}

function response(status, body) {
  return {
    ok: status >= 200 && status < 300,
    status,
    json: async () => body,
  };
}

/**
 * The API and the poll server. Register, heartbeat and health answer at once
 * (configurable); polls stay pending until the test answers them.
 */
export class FakeServer {
  requests = [];
  polls = []; // pending poll requests
  head = 10;
  #queueSeq = 0;
  registerStatus = 200;
  heartbeatStatus = 200;
  healthStatus = 200; // null: connection refused
  pollDown = false; // every poll fails as a network error

  fetch = (url, init = {}) => {
    const parsed = new URL(String(url), 'http://app.test');
    const request = {
      url: String(url),
      path: parsed.pathname,
      params: Object.fromEntries(parsed.searchParams),
      method: init.method ?? 'GET',
      headers: { ...(init.headers ?? {}) },
      signal: init.signal,
      settled: false,
    };
    this.requests.push(request);
    return new Promise((resolve, reject) => {
      const settle = (fn) => (value) => {
        if (request.settled) return;
        request.settled = true;
        const index = this.polls.indexOf(request);
        if (index >= 0) this.polls.splice(index, 1);
        fn(value);
      };
      request.answer = (status, body) => settle(resolve)(response(status, body));
      request.fail = () => settle(reject)(new TypeError('Failed to fetch'));
      if (init.signal?.aborted) return settle(reject)(abortError());
      init.signal?.addEventListener('abort', () => settle(reject)(abortError()), { once: true });
      this.#route(request);
    });
  };

  #route(request) {
    switch (request.path) {
      case '/api/realtime/register':
        if (this.registerStatus !== 200) return request.answer(this.registerStatus, { message: 'no' });
        this.#queueSeq += 1;
        return request.answer(200, {
          queue_id: `queue-${this.#queueSeq}-xxxxxxxxxxxxxxxx`,
          last_event_id: this.head,
          communities: [3],
        });
      case '/api/realtime/heartbeat':
        return request.answer(this.heartbeatStatus, { message: 'Heartbeat successful' });
      case '/health':
        if (this.healthStatus === null) return request.fail();
        return request.answer(this.healthStatus, { status: 'healthy' });
      case '/realtime/poll':
        if (this.pollDown) return request.fail();
        this.polls.push(request);
        return undefined;
      default:
        return request.answer(404, { message: 'Not found' });
    }
  }

  /** Requests to a path (optionally only those still open). */
  to(path, { open = false } = {}) {
    return this.requests.filter((r) => r.path === path && (!open || !r.settled));
  }

  lastPoll() {
    return this.polls[this.polls.length - 1];
  }
}

export class CountingTarget extends EventTarget {
  listeners = 0;
  visibilityState = 'visible';

  addEventListener(type, fn, options) {
    this.listeners += 1;
    super.addEventListener(type, fn, options);
  }

  removeEventListener(type, fn, options) {
    this.listeners -= 1;
    super.removeEventListener(type, fn, options);
  }

  fire(type, props = {}) {
    const event = new Event(type);
    for (const [key, value] of Object.entries(props)) {
      Object.defineProperty(event, key, { value });
    }
    this.dispatchEvent(event);
  }
}

/** navigator.locks: exclusive locks granted in request order; abort drops a waiting request. */
export class FakeLockManager {
  #held = new Set();
  #waiting = new Map();

  request(name, options, callback) {
    return new Promise((resolve, reject) => {
      const entry = { callback, resolve, reject };
      const signal = options?.signal;
      if (signal?.aborted) return reject(abortError());
      signal?.addEventListener(
        'abort',
        () => {
          const queue = this.#waiting.get(name) ?? [];
          const index = queue.indexOf(entry);
          if (index >= 0) {
            queue.splice(index, 1);
            reject(abortError());
          }
        },
        { once: true },
      );
      if (!this.#waiting.has(name)) this.#waiting.set(name, []);
      this.#waiting.get(name).push(entry);
      this.#pump(name);
      return undefined;
    });
  }

  isHeld(name) {
    return this.#held.has(name);
  }

  waiting(name) {
    return (this.#waiting.get(name) ?? []).length;
  }

  #pump(name) {
    if (this.#held.has(name)) return;
    const entry = (this.#waiting.get(name) ?? []).shift();
    if (!entry) return;
    this.#held.add(name);
    Promise.resolve()
      .then(() => entry.callback({ name, mode: 'exclusive' }))
      .then(
        (value) => {
          this.#held.delete(name);
          entry.resolve(value);
          this.#pump(name);
        },
        (error) => {
          this.#held.delete(name);
          entry.reject(error);
          this.#pump(name);
        },
      );
  }
}

/** A BroadcastChannel class whose instances talk to each other within this process. */
export function broadcastChannelClass() {
  const open = new Set();
  return class FakeBroadcastChannel {
    static open = open;
    onmessage = null;

    constructor(name) {
      this.name = name;
      open.add(this);
    }

    postMessage(data) {
      if (!open.has(this)) throw new Error('channel closed');
      const copy = structuredClone(data);
      for (const other of open) {
        if (other !== this && other.name === this.name) {
          queueMicrotask(() => {
            if (open.has(other)) other.onmessage?.({ data: structuredClone(copy) });
          });
        }
      }
    }

    close() {
      open.delete(this);
    }
  };
}

/** One browser: shared server, clock, locks and channels; tabs made with tab(). */
export class FakeBrowser {
  constructor({ locks = true, channels = true } = {}) {
    this.clock = new FakeClock();
    this.server = new FakeServer();
    this.navigator = { onLine: true, locks: locks ? new FakeLockManager() : undefined };
    this.BroadcastChannel = channels ? broadcastChannelClass() : null;
    this.ids = 0;
  }

  tab() {
    return { window: new CountingTarget(), document: new CountingTarget() };
  }

  env(tab, extra = {}) {
    return {
      fetch: this.server.fetch,
      setTimeout: this.clock.setTimeout,
      clearTimeout: this.clock.clearTimeout,
      now: () => this.clock.now,
      random: () => 0.5,
      window: tab.window,
      document: tab.document,
      navigator: this.navigator,
      BroadcastChannel: this.BroadcastChannel,
      console: { error: () => {} },
      makeId: () => `id-${(this.ids += 1)}-xxxxxxxxxxxxxxxx`,
      ...extra,
    };
  }
}

let eventIds = 100;
export function makeEvent(fields = {}) {
  eventIds += 1;
  return {
    type: 'new_comment',
    data: { article_id: 7, community_id: 3, discussion_id: 1, comment: { id: eventIds, version: 1 } },
    community_ids: [3],
    timestamp: '2025-01-01T00:00:00Z',
    event_id: eventIds,
    ...fields,
  };
}
