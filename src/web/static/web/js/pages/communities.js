import { api } from '../api.js';
import { badge, h, replaceChildren } from '../dom.js';
import { communityForm } from '../community/community-form.js';
import { setUpPage } from '../layout.js';

const { session } = setUpPage();

function roleText(community) {
  if (community.my_role) return `You are ${community.my_role === 'admin' ? 'an admin' : `a ${community.my_role}`}`;
  if (community.join_requested) return 'Request to join pending';
  return null;
}

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

function fill(list, communities, empty) {
  list.removeAttribute('aria-busy');
  replaceChildren(list, communities.length ? communities.map(card) : h('li', { class: 'empty' }, empty));
}

async function load() {
  const message = document.getElementById('page-message');
  try {
    const [all, mine] = await Promise.all([
      api('/api/communities'),
      session ? api('/api/communities?mine=true') : Promise.resolve(null),
    ]);
    fill(document.getElementById('all-list'), all, 'No communities yet.');
    if (mine) {
      document.getElementById('mine').hidden = false;
      fill(
        document.getElementById('mine-list'),
        mine,
        'You have not joined a community yet. Create one below, or open an invite link an admin sent you.',
      );
    }
  } catch (error) {
    message.textContent = `Could not load communities: ${error.message}`;
    message.hidden = false;
  }
}

function showCreateForm() {
  const form = communityForm({
    idPrefix: 'new-community',
    submitLabel: 'Create community',
    send: (body) => api('/api/communities', { method: 'POST', body }),
    done: (community) => location.assign(`/c/${encodeURIComponent(community.slug)}/`),
  });
  document.getElementById('create-form-slot').append(form);
  document.getElementById('create').hidden = false;
}

if (session) showCreateForm();
load();
