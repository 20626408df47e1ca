/**
 * An invite link (/invite/#token): which community it leads to, and a button
 * that joins it. Someone not signed in is sent to sign in first; the token
 * waits in sessionStorage meanwhile, since a ?next= URL would carry it to the
 * server.
 */

import { ApiError, api } from '../api.js';
import { byId, h, replaceChildren } from '../dom.js';
import { setUpPage } from '../layout.js';
import { communityPath } from '../paths.js';

/** @import { Community, InvitePreview } from '../api-types.js' */

const PENDING_KEY = 'marginalia.invite';
const { session } = setUpPage();
const root = byId('invite');

/** The invitation's token: from the link, or kept from before signing in. */
function token() {
  const fromLink = decodeURIComponent(location.hash.slice(1));
  if (fromLink) {
    sessionStorage.setItem(PENDING_KEY, fromLink);
    // Out of the address bar and the history too: the link is a key to the community.
    history.replaceState(null, '', location.pathname);
  }
  return fromLink || sessionStorage.getItem(PENDING_KEY) || '';
}

/** @param {...Node} children */
function show(...children) {
  root.removeAttribute('aria-busy');
  replaceChildren(root, ...children);
}

/** @param {Error} error why the link leads nowhere */
function refusal(error) {
  const gone = error instanceof ApiError && error.status === 410;
  const unknown = error instanceof ApiError && error.status === 404;
  return h(
    'section',
    { class: 'notice-panel', role: 'alert' },
    h('h1', {}, gone ? 'This invite link no longer works' : 'Invite link not valid'),
    h('p', {}, unknown
      ? 'No invitation has this link. Check that it was copied whole.'
      : error.message),
  );
}

async function load() {
  const secret = token();
  if (!secret) {
    show(refusal(new ApiError(404, { message: 'This address holds no invitation.' })));
    return;
  }
  /** @type {InvitePreview} */
  let preview;
  try {
    preview = await api('/api/communities/invites/preview', {
      method: 'POST',
      body: { token: secret },
    });
  } catch (error) {
    sessionStorage.removeItem(PENDING_KEY);
    show(refusal(error));
    return;
  }
  const { community } = preview;
  document.title = `Join ${community.name} · Marginalia`;
  const panel = h(
    'section',
    { class: 'card invite-panel', 'aria-labelledby': 'invite-title' },
    h('h1', { id: 'invite-title' }, `You are invited to join ${community.name}`),
    community.description ? h('p', { class: 'description' }, community.description) : null,
  );
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  if (community.my_role) {
    sessionStorage.removeItem(PENDING_KEY);
    panel.append(h('p', {}, 'You are already a member. ',
      h('a', { href: communityPath(community.slug) }, `Open ${community.name}`)));
  } else if (!session) {
    panel.append(
      h('p', {}, 'Sign in or create an account to accept the invitation.'),
      h('a', { class: 'button primary', href: `/signin/?next=${encodeURIComponent('/invite/')}` },
        'Sign in to join'),
    );
  } else {
    const join = h('button', { type: 'button', class: 'button primary' }, `Join ${community.name}`);
    join.addEventListener('click', async () => {
      join.disabled = true;
      try {
        /** @type {Community} */
        const joined = await api('/api/communities/invites/accept', {
          method: 'POST',
          body: { token: secret },
        });
        sessionStorage.removeItem(PENDING_KEY);
        location.assign(communityPath(joined.slug));
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
        join.disabled = false;
      }
    });
    panel.append(join, error);
  }
  show(panel);
}

load();
