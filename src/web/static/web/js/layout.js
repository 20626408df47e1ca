/** What every page shares: the session corner of the header. */

import {
  SESSION_ENDED, authFetch, getSession, onSessionChange, sessionWasEnded, signOut,
} from './api.js';
import { byId, h, readConfig, replaceChildren } from './dom.js';
import { callAboutNotification } from './inbox/alert.js';
import { createBell } from './inbox/bell.js';
import { loadPreferences } from './notification-preferences.js';
import { pageRealtime } from './page-realtime.js';

/** @import { SessionUser } from './api.js' */

export function signInUrl() {
  const next = `${location.pathname}${location.search}`;
  return `/signin/?next=${encodeURIComponent(next)}`;
}

/**
 * The header's corner for a signed-in person: who they are, as a link to their settings,
 * and a button to sign out.
 * @param {HTMLElement} corner
 * @param {SessionUser} user
 */
function showSignedIn(corner, user) {
  replaceChildren(
    corner,
    h('a', { class: 'session-user', href: '/settings/' },
      h('span', { class: 'session-label' }, 'Signed in as '),
      h('strong', {}, user.display_name || user.username),
      h('span', { class: 'sr-only' }, ' (your settings)')),
    h('button', {
      type: 'button',
      class: 'button small',
      on: {
        click: async () => {
          await signOut();
          location.assign('/');
        },
      },
    }, 'Sign out'),
  );
}

/** Shows the person's name in the header again, after they changed it. */
export function showSessionUser() {
  const session = getSession();
  if (session) showSignedIn(byId('session'), session.user);
}

/** Render the header and return {config, session}. */
export function setUpPage() {
  const config = readConfig();
  const session = getSession();
  const corner = byId('session');
  if (session) {
    showSignedIn(corner, session.user);
    ringTheBell(config, session);
  } else if (config.page !== 'sign-in') {
    replaceChildren(corner, h('a', { class: 'button small', href: signInUrl() }, 'Sign in'));
  }
  // Signing in or out in another tab changes what this page may show; a session the
  // server ended is said so in place, keeping what the page holds (drafts, scroll).
  onSessionChange((changed) => {
    if (!changed && session && sessionWasEnded()) sayTheSessionEnded(corner);
    else location.reload();
  });
  window.addEventListener(SESSION_ENDED, () => sayTheSessionEnded(corner), { once: true });
  return { config, session };
}

/**
 * The bell, counting what arrives for this person live on every page.
 * @param {Record<string, any>} config
 * @param {{user: {id: number}}} session
 */
function ringTheBell(config, session) {
  const bell = createBell(byId('inbox'));
  const client = /** @type {import('../realtime/client').RealtimeClient} */ (
    pageRealtime(config, session));
  client.onSignal((signal) => {
    if (signal.type === 'logins_ended') checkLoginSoon();
    else {
      bell.signal(signal);
      callAboutNotification(signal, client);
    }
  });
  // Whether the count is live right now (styles and tests read it).
  client.onStatus((status) => { byId('inbox').dataset.state = status.state; });
  // Resync: signals may have been missed meanwhile, so the count is read again.
  client.on('resync', () => bell.refresh());
  client.connect();
  // How the person chose to hear of each kind; until it is read, signals call as the
  // defaults say (inbox only).
  loadPreferences();
  onSessionEnded(() => client.disconnect());
}

// A browser that ended its own login in exchange for a new one (a new password) is sent
// the signal before it has stored the new tokens: its tabs ask once that is done.
const LOGIN_CHECK_DELAY_MS = 2000;

/**
 * Some login of this person ended: asking with this page's token finds out whether it
 * was this one (a 401 and a refused refresh end the session here, and say so).
 */
function checkLoginSoon() {
  setTimeout(() => authFetch('/api/auth/me').catch(() => {}), LOGIN_CHECK_DELAY_MS);
}

/** @type {(() => void)[]} */
const whenEnded = [];

/**
 * Call `stop` once if the server ends this session while the page is open (signed out
 * elsewhere, password changed, login revoked): what the page keeps running for the
 * signed-in user stops, and says why.
 * @param {() => void} stop
 */
export function onSessionEnded(stop) {
  whenEnded.push(stop);
}

/**
 * The header says the session ended, and an alert at the top of the page offers to sign
 * in again and come back here; once per page, whichever tab learnt it first.
 * @param {HTMLElement} corner
 */
function sayTheSessionEnded(corner) {
  if (document.getElementById('session-ended')) return;
  for (const stop of whenEnded.splice(0)) stop();
  replaceChildren(corner, h('a', { class: 'button small', href: signInUrl() }, 'Sign in'));
  const main = /** @type {HTMLElement} */ (document.getElementById('main'));
  main.prepend(h('p', { id: 'session-ended', class: 'notice', role: 'alert' },
    'Your session ended. ', h('a', { href: signInUrl() }, 'Sign in again'),
    ' to go on; what you were writing is kept.'));
}
