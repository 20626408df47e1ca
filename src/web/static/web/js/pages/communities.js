import { api, pagesOf } from '../api.js';
import { badge, byId, h, replaceChildren } from '../dom.js';
import { communityForm } from '../community/community-form.js';
import { setUpPage } from '../layout.js';

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

/** @param {Community} community */
function card(community) {
  const role = roleText(community);
  return h(
    'li',
    { class: 'card community-card' },
    h(
      'h3',
      { class: 'card-title' },
      h('a', { href: `/c/${encodeURIComponent(community.slug)}/` }, community.name),
    ),
    h(
      'p',
      { class: 'meta' },
      community.type === 'private' ? badge('Private', 'private') : badge('Public', 'public'),
      community.member_count === null
        ? ''
        : ` ${community.member_count} member${community.member_count === 1 ? '' : 's'}`,
      role ? ` · ${role}` : '',
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
}

async function load() {
  try {
    await Promise.all([
      showPaged(byId('all-list'), '/api/communities', 'No communities yet.',
        'Show more communities'),
      session ? showMine() : null,
    ]);
  } catch (error) {
    showProblem(`Could not load communities: ${error.message}`);
  }
}

async function showMine() {
  byId('mine').hidden = false;
  await showPaged(
    byId('mine-list'),
    '/api/communities?mine=true',
    'You have not joined a community yet. Create one below, or open an invite link an admin '
      + 'sent you.',
    'Show more of my communities',
  );
}

function showCreateForm() {
  const form = communityForm({
    idPrefix: 'new-community',
    submitLabel: 'Create community',
    send: (body) => api('/api/communities', { method: 'POST', body }),
    done: (community) => location.assign(`/c/${encodeURIComponent(community.slug)}/`),
  });
  byId('create-form-slot').append(form);
  byId('create').hidden = false;
}

if (session) showCreateForm();
load();
