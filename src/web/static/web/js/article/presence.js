/**
 * "N members here": which members have this article open in a visible tab.
 *
 * This tab reports itself (POST /api/realtime/presence) when it becomes
 * visible and every `heartbeat` seconds while it stays visible; it says
 * goodbye when hidden or closed (keepalive, so the request outlives the
 * page). The server forgets a tab that stops reporting within about 35 s, so
 * a crashed browser stops counting on its own. Snapshots come from the
 * report's answer and from `presence` signals; each carries a version (its
 * signal id) and only a newer one replaces what is shown.
 */

/** @typedef {import('../../realtime/client').PresenceSignal} PresenceSignal */

/**
 * A presence snapshot, as reports and signals carry it.
 * @typedef {object} PresenceSnapshot
 * @property {number} community_id
 * @property {number} article_id
 * @property {number} count
 * @property {{id: number, username: string}[]} members
 */

const FALLBACK_HEARTBEAT_S = 15;

function randomTabId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Signal ids are "<ms>-<seq>": compare them as pairs of numbers.
 * @param {string} candidate
 * @param {string | null} held
 */
export function isNewerVersion(candidate, held) {
  if (held === null) return true;
  const [cm, cs] = candidate.split('-').map(Number);
  const [hm, hs] = held.split('-').map(Number);
  return cm > hm || (cm === hm && (cs || 0) > (hs || 0));
}

/** @param {number} count */
export function presenceText(count) {
  return count === 1 ? '1 member here' : `${count} members here`;
}

/**
 * @typedef {object} PresenceOptions
 * @property {number} communityId
 * @property {number} articleId
 * @property {(url: string, init: RequestInit) => Promise<Response>} authFetch
 * @property {(snapshot: PresenceSnapshot) => void} onChange a newer snapshot of this article
 */

export class Presence {
  #tabId = randomTabId();
  /** @type {string | null} the version of the snapshot last passed on */
  #version = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #heartbeatTimer;
  #stopped = false;
  /** @type {PresenceOptions} */
  #options;
  #onVisibility = () => {
    if (document.visibilityState === 'visible') this.#beVisible();
    else this.#leave();
  };
  #onPageHide = () => {
    if (document.visibilityState === 'visible') this.#leave();
  };
  #onPageShow = (/** @type {PageTransitionEvent} */ event) => {
    if (event.persisted && document.visibilityState === 'visible') this.#beVisible();
  };

  /** @param {PresenceOptions} options */
  constructor(options) {
    this.#options = options;
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('pagehide', this.#onPageHide);
    window.addEventListener('pageshow', this.#onPageShow);
    if (document.visibilityState === 'visible') this.#beVisible();
  }

  /**
   * A `presence` signal from the realtime client.
   * @param {PresenceSignal} signal
   */
  signal(signal) {
    this.#apply(signal.data, signal.id);
  }

  destroy() {
    if (!this.#stopped && document.visibilityState === 'visible') this.#leave();
    this.#stop();
  }

  /**
   * @param {PresenceSnapshot} data
   * @param {string} version
   */
  #apply(data, version) {
    const { communityId, articleId, onChange } = this.#options;
    if (data.community_id !== communityId || data.article_id !== articleId) return;
    if (!isNewerVersion(version, this.#version)) return;
    this.#version = version;
    onChange(data);
  }

  /**
   * @param {boolean} visible
   * @returns {Promise<(PresenceSnapshot & {changed: boolean, version: string,
   *   heartbeat: number}) | null>}
   */
  async #report(visible) {
    const { communityId, articleId, authFetch } = this.#options;
    const res = await authFetch('/api/realtime/presence', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        community_id: communityId, article_id: articleId, tab_id: this.#tabId, visible,
      }),
      keepalive: !visible, // a goodbye must outlive the page
    });
    if (res.status === 429) {
      // Too many reports (another tab of ours, say): come back when the server says.
      const wait = Math.max(1, Number(res.headers.get('Retry-After')) || FALLBACK_HEARTBEAT_S);
      if (visible) this.#scheduleHeartbeat(wait);
      return null;
    }
    if (res.status >= 400 && res.status < 500) {
      this.#stop(); // not (or no longer) a member: nothing to show
      return null;
    }
    return res.ok ? res.json() : null;
  }

  /** @param {number} seconds */
  #scheduleHeartbeat(seconds) {
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = setTimeout(() => this.#beVisible(), seconds * 1000);
  }

  async #beVisible() {
    if (this.#stopped) return;
    this.#scheduleHeartbeat(FALLBACK_HEARTBEAT_S); // also retries a failed report
    try {
      const snapshot = await this.#report(true);
      if (snapshot && !this.#stopped) {
        if (snapshot.changed) this.#apply(snapshot, snapshot.version);
        this.#scheduleHeartbeat(snapshot.heartbeat);
      }
    } catch {
      // The API is unreachable for now; the next heartbeat tries again.
    }
  }

  #leave() {
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    this.#report(false).catch(() => {});
  }

  #stop() {
    this.#stopped = true;
    clearTimeout(this.#heartbeatTimer);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('pagehide', this.#onPageHide);
    window.removeEventListener('pageshow', this.#onPageShow);
  }
}
