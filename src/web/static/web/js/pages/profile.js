/**
 * A person's page (/u/<username>/): their name, since when they are here, the
 * communities the reader shares with them and their newest posts the reader may
 * read. The API decides what the reader may see (src/profiles/visibility.py): a
 * post written under a pseudonym is never among them.
 */

import { ApiError, api } from '../api.js';
import { itemDomId } from '../article/elements.js';
import { byId, h, replaceChildren, timeEl } from '../dom.js';
import { setUpPage, signInUrl } from '../layout.js';
import { articlePath, communityPath } from '../paths.js';

/** @import { CommunityRef, Profile, RecentPost } from '../api-types.js' */

const { config, session } = setUpPage();
const root = byId('profile');
const joinedFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/** @param {...Node} children */
function show(...children) {
  root.removeAttribute('aria-busy');
  replaceChildren(root, ...children);
}

/**
 * @param {string} title
 * @param {string} text
 */
function fail(title, text) {
  show(h('section', { class: 'notice-panel', role: 'alert' }, h('h1', {}, title),
    h('p', {}, text)));
}

/** @param {Profile} profile */
function whoTheyAre(profile) {
  const name = profile.display_name || profile.username;
  return h(
    'section',
    { class: 'card profile-card', 'aria-labelledby': 'profile-name' },
    h('h1', { id: 'profile-name' }, name),
    h('p', { class: 'meta' },
      h('span', { class: 'profile-username' }, `@${profile.username}`),
      ' · Joined ',
      h('time', { datetime: profile.joined }, joinedFormat.format(new Date(profile.joined)))),
  );
}

/**
 * @param {Profile} profile
 * @param {boolean} ownProfile
 */
function sharedCommunities(profile, ownProfile) {
  /** @param {CommunityRef} community */
  const item = (community) =>
    h('li', {}, h('a', { href: communityPath(community.slug) }, community.name));
  let empty = null;
  if (!session) {
    empty = h('p', {}, h('a', { href: signInUrl() }, 'Sign in'),
      ' to see the communities you share.');
  } else if (!profile.shared_communities.length) {
    empty = h('p', { class: 'muted' },
      ownProfile ? 'You are in no community yet.' : 'You share no community.');
  }
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'shared-title' },
    h('h2', { id: 'shared-title' }, ownProfile ? 'Your communities' : 'Communities you share'),
    empty ?? h('ul', { class: 'plain-list shared-communities' },
      profile.shared_communities.map(item)),
  );
}

/**
 * A post as the list shows it: what it is, linked to where it stands on its
 * article's page, where that is, and the start of its text.
 * @param {RecentPost} post
 */
function postItem(post) {
  const { kind, discussion, article, community } = post;
  const what = kind === 'comment' ? 'Commented in' : 'Started';
  return h(
    'li',
    { class: 'recent-post', dataset: { kind, id: post.id } },
    h('p', { class: 'recent-post-title' },
      h('a', { href: `${articlePath(community.slug, article.id)}#${itemDomId(kind, post.id)}` },
        `${what} “${discussion.topic}”`)),
    h('p', { class: 'meta' }, 'On ', h('cite', {}, article.title), ' in ',
      h('a', { href: communityPath(community.slug) }, community.name), ' · ',
      timeEl(post.created_at)),
    h('p', { class: 'recent-post-excerpt' }, post.excerpt),
  );
}

/** @param {Profile} profile */
function recentPosts(profile) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'posts-title' },
    h('h2', { id: 'posts-title' }, 'Recent posts'),
    profile.recent_posts.length
      ? h('ul', { class: 'plain-list recent-posts' }, profile.recent_posts.map(postItem))
      : h('p', { class: 'muted' }, 'Nothing you can read yet.'),
  );
}

async function load() {
  const username = String(config.username);
  /** @type {Profile} */
  let profile;
  try {
    profile = await api(`/api/users/${encodeURIComponent(username)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      fail('No such person', `No one here has the username ${username}.`);
    } else {
      fail('Could not load the profile', error.message);
    }
    return;
  }
  document.title = `${profile.display_name || profile.username} · Marginalia`;
  const ownProfile = session?.user.id === profile.id;
  show(
    whoTheyAre(profile),
    h('div', { class: 'profile-sections' },
      sharedCommunities(profile, ownProfile), recentPosts(profile)),
  );
}

load();
