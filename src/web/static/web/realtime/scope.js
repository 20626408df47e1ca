/**
 * What a client holds while it runs (timers, DOM listeners, requests in
 * flight), kept in one place so that stopping gives every piece back.
 */

/** @import { RealtimeEnv } from './client.js' */

export class Scope {
  #env;
  /** @type {Set<unknown>} */
  #timers = new Set();
  /** @type {[EventTarget, string, EventListener][]} */
  #listeners = [];
  /** @type {Set<AbortController>} */
  #requests = new Set();

  /** @param {RealtimeEnv} env */
  constructor(env) {
    this.#env = env;
  }

  /**
   * @param {() => void} fn
   * @param {number} ms
   */
  setTimer(fn, ms) {
    const handle = this.#env.setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  /** @param {unknown} handle */
  clearTimer(handle) {
    if (handle === null || handle === undefined) return;
    this.#env.clearTimeout(handle);
    this.#timers.delete(handle);
  }

  /**
   * Listen on target, if there is one (no window or document outside browsers).
   * @template {Event} E what the target sends for this type (a PageTransitionEvent
   *   for 'pageshow')
   * @param {EventTarget | null | undefined} target
   * @param {string} type
   * @param {(event: E) => void} fn
   */
  listen(target, type, fn) {
    if (!target?.addEventListener) return;
    const listener = /** @type {EventListener} */ (fn);
    target.addEventListener(type, listener);
    this.#listeners.push([target, type, listener]);
  }

  /**
   * A controller for one request; release() aborts it. Call the returned function when
   * it is done.
   */
  request() {
    const ctl = new this.#env.AbortController();
    this.#requests.add(ctl);
    return { ctl, done: () => this.#requests.delete(ctl) };
  }

  /** Abort every request, clear every timer, remove every listener. */
  release() {
    for (const ctl of this.#requests) ctl.abort();
    this.#requests.clear();
    for (const handle of this.#timers) this.#env.clearTimeout(handle);
    this.#timers.clear();
    for (const [target, type, fn] of this.#listeners) target.removeEventListener(type, fn);
    this.#listeners = [];
  }

  get timers() {
    return this.#timers.size;
  }

  get listeners() {
    return this.#listeners.length;
  }

  get requests() {
    return this.#requests.size;
  }
}
