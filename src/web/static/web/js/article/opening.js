/**
 * Opening the article page: its community and the article, fetched and checked,
 * then the reader's pseudonym on the article and their previous visit (recording
 * this one answers it, and new items are marked against it).
 */

import { ApiError, api } from '../api.js';
import { COMMUNITY_NOT_FOUND, articleNotice, failed, membersOnly, notice } from './notices.js';

/** @typedef {import('./store.js').Notice} Notice */
/** @typedef {import('../api.js').SessionUser} SessionUser */

/**
 * @typedef {{community: any, notice: null, article: any, myPseudonym: string | null,
 *   lastVisit: Date | null} | {community: any | null, notice: Notice}} Opening
 *   the article, or the notice that shows instead (with the community when it was found)
 */

/**
 * @param {number} articleId
 * @returns {Promise<{myPseudonym: string | null, lastVisit: Date | null}>}
 */
async function recordVisit(articleId) {
  const [pseudonymOf, visit] = await Promise.all([
    api(`/api/articles/${articleId}/pseudonym`).catch(() => null),
    api(`/api/articles/${articleId}/visit`, { method: 'PUT' }).catch(() => null),
  ]);
  return {
    myPseudonym: pseudonymOf?.pseudonym ?? null,
    lastVisit: visit?.previous_seen_at ? new Date(visit.previous_seen_at) : null,
  };
}

/**
 * @param {string} slug the community's
 * @param {number} articleId
 * @param {SessionUser | null} me
 * @returns {Promise<Opening>}
 */
export async function openArticle(slug, articleId, me) {
  const where = { slug, signedIn: Boolean(me) };
  let community;
  try {
    community = await api(`/api/communities/by-slug/${encodeURIComponent(slug)}`);
  } catch (error) {
    const missing = error instanceof ApiError && error.status === 404;
    return { community: null, notice: missing ? COMMUNITY_NOT_FOUND : failed(error) };
  }
  if (community.type === 'private' && !community.my_role) {
    return { community, notice: membersOnly(where) };
  }
  let article;
  try {
    article = await api(`/api/articles/${articleId}`);
  } catch (error) {
    return { community, notice: articleNotice(error, where) };
  }
  if (!article.communities.some((/** @type {{id: number}} */ c) => c.id === community.id)) {
    const elsewhere = notice('Article not found', `This article is not in ${community.name}.`);
    return { community, notice: elsewhere };
  }
  const visit = me ? await recordVisit(articleId) : { myPseudonym: null, lastVisit: null };
  return { community, notice: null, article, ...visit };
}
