/**
 * The settings page's list of what the person chose to follow or mute: articles and
 * discussions, each a link to its place, with a button to unfollow (which mutes, so an
 * automatic follow ends too) or to unmute (which follows again).
 */

import { api } from '../api.js';
import { busy, h, replaceChildren, showError } from '../dom.js';
import { articlePath } from '../paths.js';
import { settingsSection } from './section.js';

/**
 * @typedef {object} FollowedArticle
 * @property {number} community_id
 * @property {string} community_slug
 * @property {number} article_id
 * @property {string} title
 * @property {boolean} muted
 */
/**
 * @typedef {object} FollowedDiscussion
 * @property {number} discussion_id
 * @property {string} community_slug
 * @property {number} article_id
 * @property {string} topic
 * @property {boolean} muted
 */

/**
 * One followed or muted item: its link, what it is now, and the button that changes it.
 * @param {{name: string, url: string, followPath: string, muted: boolean}} item
 * @param {(followPath: string, follow: boolean, name: string) => Promise<void>} change
 */
function followRow({ name, url, followPath, muted }, change) {
  const action = muted ? 'Unmute' : 'Unfollow';
  return h('li', {},
    h('span', {}, h('a', { href: url }, name),
      h('span', { class: 'meta' }, muted ? ' · muted' : ' · following')),
    h('button', {
      type: 'button', class: 'button small', on: { click: () => change(followPath, muted, name) },
    }, action, h('span', { class: 'sr-only' }, ` ${name}`)));
}

/** @param {string} title @param {HTMLElement[]} rows @param {string} empty */
function followList(title, rows, empty) {
  return [h('h3', {}, title),
    rows.length ? h('ul', { class: 'follow-list' }, rows) : h('p', { class: 'hint' }, empty)];
}

export function followingSection() {
  const lists = h('div', { id: 'following-lists', 'aria-busy': 'true' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const status = h('p', { class: 'status-text', role: 'status' });

  /** @type {(followPath: string, follow: boolean, name: string) => Promise<void>} */
  const change = async (followPath, follow, name) => {
    showError(error, '');
    try {
      await busy(lists, () => api(followPath, { method: follow ? 'PUT' : 'DELETE' }));
      status.textContent = follow ? `Following ${name}.` : `Muted ${name}.`;
    } catch (failure) {
      showError(error, failure.message);
    }
    await reload();
  };

  const reload = async () => {
    lists.setAttribute('aria-busy', 'true');
    try {
      /** @type {{articles: FollowedArticle[], discussions: FollowedDiscussion[]}} */
      const follows = await api('/api/me/follows');
      const articles = follows.articles.map((article) => followRow({
        name: article.title, muted: article.muted,
        url: articlePath(article.community_slug, article.article_id),
        followPath: `/api/communities/${article.community_id}/articles/${article.article_id}/follow`,
      }, change));
      const discussions = follows.discussions.map((discussion) => followRow({
        name: discussion.topic, muted: discussion.muted,
        url: `${articlePath(discussion.community_slug, discussion.article_id)}`
          + `#discussion-${discussion.discussion_id}`,
        followPath: `/api/discussions/${discussion.discussion_id}/follow`,
      }, change));
      replaceChildren(lists,
        followList('Articles', articles, 'No article followed or muted.'),
        followList('Discussions', discussions, 'No discussion followed or muted.'));
    } catch (failure) {
      showError(error, failure.message);
    }
    lists.removeAttribute('aria-busy');
  };

  reload();
  return settingsSection('following', 'Following',
    h('p', { class: 'hint' }, 'What you chose to follow or mute. You also follow, without '
      + 'choosing, the articles you submitted (and, as an admin, your communities’ articles) '
      + 'and the discussions you started or wrote in.'),
    lists, error, status);
}
