/**
 * ready(): resolves once this tab knows where its event stream starts, or
 * after a timeout. Decides when a later start of the stream means the page
 * may hold stale data (a "resync").
 */

/** @import { Scope } from './scope.js' */

export class Readiness {
  #scope;
  #done = false;
  /** @type {() => void} */
  #resolve = () => {};
  /** @type {unknown} */
  #timer = null;
  // Back from the back/forward cache: the page may be stale.
  #resumed = false;
  /** @type {Promise<void>} */
  promise;

  /** @param {Scope} scope */
  constructor(scope) {
    this.#scope = scope;
    this.promise = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get done() {
    return this.#done;
  }

  /** True after a return from the back/forward cache, until the stream is known again. */
  get resumed() {
    return this.#resumed;
  }

  markResumed() {
    this.#resumed = true;
  }

  /**
   * Resolve at the latest after ms (once, while not resolved).
   * @param {number} ms
   */
  arm(ms) {
    if (this.#done || this.#timer !== null) return;
    this.#timer = this.#scope.setTimer(() => {
      this.#timer = null;
      this.settle();
    }, ms);
  }

  /** The scope's timers were cleared: the next start arms again. */
  disarm() {
    this.#timer = null;
  }

  /** Resolve ready(); returns true when it was already resolved. */
  settle() {
    if (this.#timer !== null) {
      this.#scope.clearTimer(this.#timer);
      this.#timer = null;
    }
    if (this.#done) {
      this.#resolve(); // harmless if already resolved
      return true;
    }
    this.#done = true;
    this.#resolve();
    return false;
  }

  /**
   * This tab knows where its event stream starts. Resolves ready() the first
   * time; afterwards the page may hold data from before a gap.
   * @param {string} reason why the stream (re)started
   * @param {boolean} gap whether events may be missing before it
   * @returns {string | null} the reason of the resync to emit, or null for none
   */
  cursorKnown(reason, gap) {
    const wasReady = this.settle();
    const resumed = this.#resumed;
    this.#resumed = false;
    if (!wasReady || !(gap || resumed)) return null;
    return gap ? reason : 'resumed';
  }
}
