/**
 * The client's listeners by kind. A listener that throws is reported and
 * does not keep the others from being called.
 */

export const LISTENER_TYPES = Object.freeze(['event', 'signal', 'status', 'resync', 'error']);

export class Listeners {
  /** @type {Map<string, Set<Function>>} */
  #byType = new Map(LISTENER_TYPES.map((type) => [type, new Set()]));
  #report;

  /** @param {(error: unknown) => void} report */
  constructor(report) {
    this.#report = report;
  }

  /**
   * @param {string} type
   * @param {Function} listener
   * @returns {() => void}
   */
  on(type, listener) {
    const set = this.#byType.get(type);
    if (!set) throw new TypeError(`RealtimeClient: unknown event type ${type}`);
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * @param {string} type
   * @param {...unknown} args
   */
  emit(type, ...args) {
    for (const listener of [.../** @type {Set<Function>} */ (this.#byType.get(type))]) this.call(listener, ...args);
  }

  /**
   * @param {Function} listener
   * @param {...unknown} args
   */
  call(listener, ...args) {
    try {
      listener(...args);
    } catch (error) {
      this.#report(error);
    }
  }
}
