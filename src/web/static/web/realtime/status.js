/**
 * The client's status: a frozen object replaced on every change, so that
 * listeners can keep the one they were given.
 */

/** @import { RealtimeStatus } from './client.js' */

export class StatusTracker {
  #now;
  #onChange;
  /** @type {RealtimeStatus} */
  #status;

  /**
   * @param {() => number} now
   * @param {(status: RealtimeStatus) => void} onChange called after each real change
   */
  constructor(now, onChange) {
    this.#now = now;
    this.#onChange = onChange;
    this.#status = Object.freeze({
      state: 'idle',
      role: null,
      nextRetryAt: null,
      attempt: 0,
      since: now(),
      lastError: null,
    });
  }

  get current() {
    return this.#status;
  }

  /** @param {Partial<RealtimeStatus>} patch */
  set(patch) {
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
    if (next.state !== old.state) next.since = this.#now();
    this.#status = Object.freeze(next);
    this.#onChange(this.#status);
  }
}
