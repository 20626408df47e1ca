/**
 * The browser's lifecycle as the client needs it: online and offline, a tab
 * shown again (after how long hidden), the page leaving (pagehide, freeze)
 * and coming back from the back/forward cache.
 */

/** @import { RealtimeEnv } from './client.js' */
/** @import { Scope } from './scope.js' */

export class BrowserLifecycle {
  #env;
  #staleAfterHiddenMs;
  /** @type {number | null} */
  #hiddenAt = null;

  /**
   * @param {RealtimeEnv} env
   * @param {number} staleAfterHiddenMs a tab hidden this long may hold a dead poll
   */
  constructor(env, staleAfterHiddenMs) {
    this.#env = env;
    this.#staleAfterHiddenMs = staleAfterHiddenMs;
  }

  get online() {
    return this.#env.navigator?.onLine !== false;
  }

  /**
   * While connected, even when stopped: the page comes back from the
   * back/forward cache or from being frozen.
   * @param {Scope} scope
   * @param {() => void} onReturn
   */
  watchReturn(scope, onReturn) {
    scope.listen(this.#env.window, 'pageshow', (/** @type {PageTransitionEvent} */ e) => {
      if (e.persisted) onReturn();
    });
    scope.listen(this.#env.document, 'resume', onReturn);
  }

  /**
   * While running.
   * @param {Scope} scope
   * @param {{online: () => void, offline: () => void, leave: () => void,
   *   shown: (stale: boolean) => void}} on shown(stale): the tab is visible again; stale
   *   when it was hidden long enough for the poll to have died
   */
  watchRunning(scope, on) {
    const { window: win, document: doc } = this.#env;
    scope.listen(win, 'online', on.online);
    scope.listen(win, 'offline', on.offline);
    scope.listen(win, 'pagehide', on.leave);
    scope.listen(doc, 'freeze', on.leave);
    scope.listen(doc, 'visibilitychange', () => this.#onVisibility(on.shown));
    this.#hiddenAt = doc?.visibilityState === 'hidden' ? this.#env.now() : null;
  }

  /** @param {(stale: boolean) => void} shown */
  #onVisibility(shown) {
    if (this.#env.document?.visibilityState === 'hidden') {
      this.#hiddenAt = this.#env.now();
      return;
    }
    const hiddenFor = this.#hiddenAt === null ? 0 : this.#env.now() - this.#hiddenAt;
    this.#hiddenAt = null;
    // After a long absence (a sleeping laptop) the open poll may be dead.
    shown(hiddenFor >= this.#staleAfterHiddenMs);
  }
}
