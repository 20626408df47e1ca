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

import { h } from '../dom.js';

const FALLBACK_HEARTBEAT_S = 15;
const NAMES_SHOWN = 20;

function randomTabId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Signal ids are "<ms>-<seq>": compare them as pairs of numbers. */
export function isNewerVersion(candidate, held) {
  if (held === null) return true;
  const [cm, cs] = candidate.split('-').map(Number);
  const [hm, hs] = held.split('-').map(Number);
  return cm > hm || (cm === hm && (cs || 0) > (hs || 0));
}

export function presenceText(count) {
  return count === 1 ? '1 member here' : `${count} members here`;
}

export function createPresence({ element, communityId, articleId, me, authFetch }) {
  const tabId = randomTabId();
  let version = null;
  let heartbeatTimer = null;
  let stopped = false;

  const label = h('span', { class: 'presence-count' });
  element.classList.add('presence');
  element.hidden = true;
  element.append(label);

  function render(data) {
    element.hidden = data.count === 0;
    label.textContent = presenceText(data.count);
    const names = data.members.map((m) => (m.id === me.id ? `${m.username} (you)` : m.username)).sort();
    const more = data.count - names.length;
    const list = names.slice(0, NAMES_SHOWN).join(', ') + (more > 0 ? ` and ${more} more` : '');
    element.title = list; // names on hover
    element.setAttribute('aria-label', `${label.textContent}: ${list}`);
  }

  function apply(data, candidateVersion) {
    if (data.community_id !== communityId || data.article_id !== articleId) return;
    if (!isNewerVersion(candidateVersion, version)) return;
    version = candidateVersion;
    render(data);
  }

  async function report(visible) {
    const res = await authFetch('/api/realtime/presence', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ community_id: communityId, article_id: articleId, tab_id: tabId, visible }),
      keepalive: !visible, // a goodbye must outlive the page
    });
    if (res.status === 429) {
      // Too many reports (another tab of ours, say): come back when the server says.
      if (visible) scheduleHeartbeat(Math.max(1, Number(res.headers.get('Retry-After')) || FALLBACK_HEARTBEAT_S));
      return null;
    }
    if (res.status >= 400 && res.status < 500) {
      stop(); // not (or no longer) a member: nothing to show
      return null;
    }
    return res.ok ? res.json() : null;
  }

  function scheduleHeartbeat(seconds) {
    clearTimeout(heartbeatTimer);
    heartbeatTimer = setTimeout(() => beVisible(), seconds * 1000);
  }

  async function beVisible() {
    if (stopped) return;
    scheduleHeartbeat(FALLBACK_HEARTBEAT_S); // also retries a failed report
    try {
      const snapshot = await report(true);
      if (snapshot && !stopped) {
        if (snapshot.changed) apply(snapshot, snapshot.version);
        scheduleHeartbeat(snapshot.heartbeat);
      }
    } catch {
      // The API is unreachable for now; the next heartbeat tries again.
    }
  }

  function leave() {
    clearTimeout(heartbeatTimer);
    heartbeatTimer = null;
    report(false).catch(() => {});
  }

  function onVisibility() {
    if (document.visibilityState === 'visible') beVisible();
    else leave();
  }

  function onPageHide() {
    if (document.visibilityState === 'visible') leave();
  }

  function onPageShow(event) {
    if (event.persisted && document.visibilityState === 'visible') beVisible();
  }

  function stop() {
    stopped = true;
    clearTimeout(heartbeatTimer);
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('pageshow', onPageShow);
  }

  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);
  if (document.visibilityState === 'visible') beVisible();

  return {
    /** A `presence` signal from the realtime client. */
    signal(signal) {
      apply(signal.data, signal.id);
    },
    destroy() {
      if (!stopped && document.visibilityState === 'visible') leave();
      stop();
    },
  };
}
