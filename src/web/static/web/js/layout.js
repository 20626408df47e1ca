/** What every page shares: the session corner of the header. */

import { getSession, onSessionChange, signOut } from './api.js';
import { h, readConfig, replaceChildren } from './dom.js';

export function signInUrl() {
  const next = `${location.pathname}${location.search}`;
  return `/signin/?next=${encodeURIComponent(next)}`;
}

/** Render the header and return {config, session}. */
export function setUpPage() {
  const config = readConfig();
  const session = getSession();
  const corner = /** @type {HTMLElement} */ (document.getElementById('session'));
  if (session) {
    replaceChildren(
      corner,
      h('span', { class: 'session-user' }, 'Signed in as ', h('strong', {}, session.user.username)),
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          on: {
            click: async () => {
              await signOut();
              location.assign('/');
            },
          },
        },
        'Sign out',
      ),
    );
  } else if (config.page !== 'sign-in') {
    replaceChildren(corner, h('a', { class: 'button small', href: signInUrl() }, 'Sign in'));
  }
  // Signing in or out in another tab changes what this page may show.
  onSessionChange(() => location.reload());
  return { config, session };
}
