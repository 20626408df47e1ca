/**
 * The browser's lifecycle as the client needs it: online and offline, a tab
 * shown again (after how long hidden), the page leaving (pagehide, freeze)
 * and coming back from the back/forward cache.
 */
/** @import { RealtimeEnv } from './client.js' */
/** @import { Scope } from './scope.js' */
export class BrowserLifecycle {
    /**
     * @param {RealtimeEnv} env
     * @param {number} staleAfterHiddenMs a tab hidden this long may hold a dead poll
     */
    constructor(env: RealtimeEnv, staleAfterHiddenMs: number);
    get online(): boolean;
    /**
     * While connected, even when stopped: the page comes back from the
     * back/forward cache or from being frozen.
     * @param {Scope} scope
     * @param {() => void} onReturn
     */
    watchReturn(scope: Scope, onReturn: () => void): void;
    /**
     * While running.
     * @param {Scope} scope
     * @param {{online: () => void, offline: () => void, leave: () => void,
     *   shown: (stale: boolean) => void}} on shown(stale): the tab is visible again; stale
     *   when it was hidden long enough for the poll to have died
     */
    watchRunning(scope: Scope, on: {
        online: () => void;
        offline: () => void;
        leave: () => void;
        shown: (stale: boolean) => void;
    }): void;
    #private;
}
import type { Scope } from './scope.js';
import type { RealtimeEnv } from './client.js';
