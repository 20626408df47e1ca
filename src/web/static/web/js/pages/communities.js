import { api, pagesOf } from '../api.js';
import { badge, byId, h, replaceChildren } from '../dom.js';
import { unreadBadge } from '../community/activity.js';
import { communityForm } from '../community/community-form.js';
import { disclosure } from '../community/disclosure.js';
import { membersText } from '../community/members.js';
import { setUpPage } from '../layout.js';
import { communityPath } from '../paths.js';

/** @import { Community } from '../api-types.js' */
/** @import { Pages } from '../api.js' */

const { session } = setUpPage();

/** @param {Community} community */
function roleText(community) {
  const role = community.my_role;
  if (role) return `You are ${role === 'admin' ? 'an admin' : `a ${role}`}`;
  if (community.join_requested) return 'Request to join pending';
  return null;
}

/**
 * What the card of a private community says in place of what it keeps from
 * non-members (how many they are): that it is for members, and how to get in.
 * @param {Community} community
 */
function membersOnlyText(community) {
  if (community.join_requested) return 'Members only';
  return `Members only · ${session ? 'request to join on its page' : 'sign in to request to join'}`;
}

/** @param {Community} community */
function card(community) {
  const role = roleText(community);
  return h(
    'li',
    { class: 'card community-card' },
    h(
      'h3',
      { class: 'card-title' },
      h('a', { href: communityPath(community.slug) }, community.name),
    ),
    h(
      'p',
      { class: 'meta' },
      community.type === 'private' ? badge('Private', 'private') : badge('Public', 'public'),
      community.member_count === null
        ? ` ${membersOnlyText(community)}`
        : ` ${membersText(community.member_count)}`,
      role ? ` · ${role}` : '',
      community.unread_count ? [' · ', unreadBadge(community.unread_count)] : '',
    ),
    community.description ? h('p', { class: 'description' }, community.description) : null,
  );
}

const message = byId('page-message');

/** @param {string} text */
function showProblem(text) {
  message.textContent = text;
  message.hidden = false;
}

/**
 * Show a list of communities a page at a time: the first page at once, each
 * next one behind a "Show more" button under the list. Its cards take the
 * focus, so that a keyboard user reads on from where the list grew.
 * @param {HTMLElement} list
 * @param {string} path
 * @param {string} empty what the list says when there is none
 * @param {string} moreLabel the "Show more" button's name
 * @returns {Promise<number>} how many the first page showed
 */
async function showPaged(list, path, empty, moreLabel) {
  /** @type {Pages<Community>} */
  const pages = pagesOf(path);
  const more = h(
    'button',
    { type: 'button', class: 'button show-more', hidden: true, 'aria-label': moreLabel },
    'Show more',
  );
  list.after(more);
  async function showNextPage() {
    const cards = (await pages.next()).map(card);
    list.append(...cards);
    more.hidden = pages.done;
    return cards;
  }
  let fetching = false;
  more.addEventListener('click', async () => {
    if (fetching) return;
    fetching = true;
    more.setAttribute('aria-busy', 'true');
    try {
      const cards = await showNextPage();
      cards[0]?.querySelector('a')?.focus();
    } catch (error) {
      showProblem(`Could not load more communities: ${error.message}`);
    } finally {
      fetching = false;
      more.removeAttribute('aria-busy');
    }
  });
  const firstPage = await showNextPage();
  list.removeAttribute('aria-busy');
  if (!firstPage.length) replaceChildren(list, h('li', { class: 'empty' }, empty));
  return firstPage.length;
}

/**
 * Every community for a visitor; for someone signed in, their own and, apart, the
 * others, so that none is listed twice.
 */
async function load() {
  try {
    await Promise.all([session ? showMine() : null, showOthers()]);
  } catch (error) {
    showProblem(`Could not load communities: ${error.message}`);
  }
}

/** The communities the caller is not in: all of them, for a visitor. */
function showOthers() {
  if (session) byId('all-title').textContent = 'Other communities';
  return showPaged(byId('all-list'), '/api/communities?mine=false',
    session ? 'No other communities yet.' : 'No communities yet.', 'Show more communities');
}

async function showMine() {
  byId('mine').hidden = false;
  const shown = await showPaged(
    byId('mine-list'),
    '/api/communities?mine=true',
    'You have not joined a community yet. Create one below, or open an invite link an admin '
      + 'sent you.',
    'Show more of my communities',
  );
  // Someone in no community yet has little else to do here: the form is open for them.
  if (!shown) createCommunity?.show();
}

/** The button that opens the form creating a community, under the caller's communities. */
function createCommunityDisclosure() {
  const form = communityForm({
    idPrefix: 'new-community',
    submitLabel: 'Create community',
    send: (body) => api('/api/communities', { method: 'POST', body }),
    done: (community) => location.assign(communityPath(community.slug)),
  });
  const create = disclosure({
    id: 'create-panel', label: 'Create a community', content: form, panelClass: 'card',
  });
  byId('create').append(create.button, create.panel);
  byId('create').hidden = false;
  return create;
}

const createCommunity = session ? createCommunityDisclosure() : null;
byId('intro').hidden = Boolean(session);
load();
// Back from an article, a page kept whole by the browser would still count it unread.
window.addEventListener('pageshow', (event) => {
  if (event.persisted && session) location.reload();
});
