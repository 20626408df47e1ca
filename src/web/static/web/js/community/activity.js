/**
 * What goes on in a community, for its members: what they have not read (on the
 * communities list and on each article card) and what was written since their
 * previous visit of the community's page ("While you were away"). Every figure
 * is said in words, never by colour alone.
 */

import { api } from '../api.js';
import { badge, h, timeEl } from '../dom.js';
import { articlePath } from '../paths.js';

/** @import { CommunityArticle, CommunityVisit, News, NewsPage } from '../api-types.js' */

/** Most articles the summary names; it says how many more there are. */
const SUMMARY_LENGTH = 10;

/**
 * "1 comment", "2 comments"
 * @param {number} count
 * @param {string} noun
 */
function counted(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * "4 unread" as a badge, or nothing when there is nothing unread or the count is
 * null (not a member: nothing is theirs to have read).
 * @param {number | null} count
 */
export function unreadBadge(count) {
  return count ? badge(`${count} unread`, 'new') : null;
}

/**
 * "3 discussions · 12 comments · active 5 min ago · 4 unread"
 * @param {CommunityArticle} article
 */
export function articleActivity(article) {
  const unread = unreadBadge(article.unread_count);
  return h(
    'p',
    { class: 'meta article-activity' },
    `${counted(article.discussion_count, 'discussion')} · `,
    `${counted(article.comment_count, 'comment')} · active `,
    timeEl(article.last_activity_at),
    unread ? [' · ', unread] : null,
  );
}

/**
 * Record this visit of the community's page and fetch what others wrote since the
 * one before: nothing on a first visit, nor when either request fails (the summary
 * is a courtesy; the article cards still count what is unread).
 * @param {number} communityId
 * @returns {Promise<NewsPage>}
 */
export async function newsSinceLastVisit(communityId) {
  const nothing = { items: [], count: 0 };
  try {
    /** @type {CommunityVisit} */
    const visit = await api(`/api/communities/${communityId}/visit`, { method: 'PUT' });
    if (!visit.previous_seen_at) return nothing;
    const since = encodeURIComponent(visit.previous_seen_at);
    const query = `since=${since}&limit=${SUMMARY_LENGTH}`;
    return await api(`/api/communities/${communityId}/news?${query}`);
  } catch {
    return nothing;
  }
}

/** @param {News} news */
function newsText(news) {
  const parts = [];
  if (news.new_discussion_count) {
    parts.push(counted(news.new_discussion_count, 'new discussion'));
  }
  if (news.new_comment_count) parts.push(counted(news.new_comment_count, 'new comment'));
  return `: ${parts.join(', ')}`;
}

/**
 * The "While you were away" section: each article with new discussions or comments,
 * linked, and a button that dismisses it (`onDismiss` then moves the focus on).
 * @param {string} slug the community's
 * @param {NewsPage} news
 * @param {() => void} onDismiss
 */
export function awaySection(slug, news, onDismiss) {
  const dismiss = h(
    'button',
    { type: 'button', class: 'button', 'aria-label': 'Dismiss what changed while you were away' },
    'Dismiss',
  );
  const section = h(
    'section',
    { class: 'notice away', id: 'away', 'aria-labelledby': 'away-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'away-title' }, 'While you were away'),
      dismiss),
    h('ul', { class: 'plain-list' }, news.items.map((item) => h(
      'li',
      {},
      h('a', { href: articlePath(slug, item.article_id) }, item.title),
      newsText(item),
    ))),
    news.count > news.items.length
      ? h('p', { class: 'meta' }, `and ${counted(news.count - news.items.length, 'more article')}`)
      : null,
  );
  dismiss.addEventListener('click', () => {
    section.remove();
    onDismiss();
  });
  return section;
}
