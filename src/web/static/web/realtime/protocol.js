/**
 * The realtime HTTP requests: register a queue, probe the poll server's
 * health, long-poll, heartbeat. Each request can be aborted by the scope;
 * the poll can also be aborted on purpose, with a reason.
 */

import { isEventId } from './cursor.js';
import { asksForSignals } from './options.js';

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
export function codedError(code, message) {
  /** @type {CodedError} */
  const error = new Error(message || code);
  error.code = code;
  return error;
}

/**
 * A failed request's error, carrying the wait its answer asked for: a 429 or
 * 503 with Retry-After in seconds (docs/protocol.md: the registration limit,
 * the poll server's connection limit). Retrying sooner only earns another
 * refusal.
 * @param {string} code
 * @param {string} message
 * @param {Response} res
 * @returns {CodedError}
 */
function failedAnswer(code, message, res) {
  const error = codedError(code, message);
  const header = res.status === 429 || res.status === 503 ? res.headers?.get('Retry-After') : null;
  const seconds = header ? Number(header) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) error.retryAfterMs = seconds * 1000;
  return error;
}

export class PollProtocol {
  #opts;
  #env;
  #scope;
  /** @type {AbortController | null} */
  #pollCtl = null;
  /** @type {AbortReason | null} */
  #abortReason = null;

  /**
   * @param {import('./options.js').ResolvedOptions} opts
   * @param {RealtimeEnv} env
   * @param {Scope} scope
   */
  constructor(opts, env, scope) {
    this.#opts = opts;
    this.#env = env;
    this.#scope = scope;
  }

  /** Whether a poll is open. */
  get polling() {
    return this.#pollCtl !== null;
  }

  /**
   * @param {string} url
   * @param {RequestInit} init
   * @param {boolean} authed send the user's token (register, heartbeat), not on the poll server
   * @param {number} timeoutMs
   */
  async #request(url, init, authed, timeoutMs) {
    const { ctl, done } = this.#scope.request();
    const timer = timeoutMs ? this.#scope.setTimer(() => ctl.abort(), timeoutMs) : null;
    try {
      const full = { ...init, signal: ctl.signal };
      if (!authed) return await this.#env.fetch(url, full);
      if (this.#opts.authFetch) return await this.#opts.authFetch(url, full);
      const token = await this.#opts.getAccessToken?.();
      /** @type {Record<string, string>} */
      const headers = { .../** @type {Record<string, string>} */ (full.headers ?? {}) };
      if (token) headers.Authorization = `Bearer ${token}`;
      return await this.#env.fetch(url, { ...full, headers });
    } finally {
      if (timer !== null) this.#scope.clearTimer(timer);
      done();
    }
  }

  /** POST /api/realtime/register: a new queue and the event id it starts after. */
  async register() {
    const url = `${this.#opts.apiBase}/api/realtime/register`;
    const res = await this.#request(url, { method: 'POST' }, true, this.#opts.probeTimeoutMs);
    // authFetch refreshes the token on 401 itself; a 401 that still comes back
    // means the user is signed out: retrying cannot help (docs/protocol.md).
    if (res.status === 401) {
      throw codedError('unauthorized', 'register: the access token was refused');
    }
    if (!res.ok) throw failedAnswer('register', `register failed with HTTP ${res.status}`, res);
    /** @type {unknown} */
    const body = await res.json();
    const { queue_id: queueId, last_event_id: lastEventId } = body && typeof body === 'object'
      ? /** @type {{[field: string]: unknown}} */ (body)
      : {};
    if (typeof queueId !== 'string' || !isEventId(lastEventId)) {
      throw codedError('register', 'register returned an unexpected body');
    }
    return { queueId, lastEventId };
  }

  /** Is the poll server there? A hanging poll cannot tell; /health answers at once. */
  async probe() {
    const res = await this.#request(
      `${this.#opts.pollUrl}/health`,
      { cache: 'no-store', credentials: 'omit' },
      false,
      this.#opts.probeTimeoutMs,
    );
    if (!res.ok) throw codedError('unhealthy', `poll server health: HTTP ${res.status}`);
  }

  /**
   * One long poll, without Authorization: the queue id is the capability.
   * @param {{queueId: string, cursor: number, signalCursor: string}} at
   * @returns {Promise<unknown>} the answer's JSON
   */
  async poll({ queueId, cursor, signalCursor }) {
    const url =
      `${this.#opts.pollUrl}/realtime/poll?queue_id=${encodeURIComponent(queueId)}` +
      `&last_event_id=${cursor}` +
      (asksForSignals(this.#opts) ? `&signal_cursor=${encodeURIComponent(signalCursor)}` : '') +
      // The server sends personal signals only to a poll that also asks for signals.
      (this.#opts.notifications ? '&notifications=1' : '');
    const ctl = new this.#env.AbortController();
    this.#pollCtl = ctl;
    this.#abortReason = null;
    const timer = this.#scope.setTimer(() => this.abortPoll('timeout'), this.#opts.pollTimeoutMs);
    try {
      const res = await this.#env.fetch(url, {
        signal: ctl.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
      if (res.status === 404 || res.status === 400) {
        throw codedError('queue-gone', `poll: HTTP ${res.status}`);
      }
      if (!res.ok) throw failedAnswer('http', `poll failed with HTTP ${res.status}`, res);
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
      this.#scope.clearTimer(timer);
      if (this.#pollCtl === ctl) this.#pollCtl = null;
    }
  }

  /** @param {AbortReason} reason */
  abortPoll(reason) {
    if (!this.#pollCtl) return;
    this.#abortReason = reason;
    this.#pollCtl.abort();
  }

  /**
   * POST /api/realtime/heartbeat. Throws 'unauthorized' on a 401, as register does.
   * @param {string} queueId
   * @returns {Promise<boolean>} true when the server no longer knows the queue
   */
  async heartbeat(queueId) {
    const query = `queue_id=${encodeURIComponent(queueId)}`;
    const url = `${this.#opts.apiBase}/api/realtime/heartbeat?${query}`;
    const res = await this.#request(url, { method: 'POST' }, true, this.#opts.probeTimeoutMs);
    if (res.status === 401) {
      throw codedError('unauthorized', 'heartbeat: the access token was refused');
    }
    return res.status === 404;
  }
}
