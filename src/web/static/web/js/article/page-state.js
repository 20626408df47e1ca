/** The article page's state, in one object that the page's modules share. */

import { createArticleState } from '../../realtime/apply-event.js';

/** @typedef {import('../../realtime/apply-event').ArticleState} ArticleState */
/** @typedef {import('../../realtime/apply-event').ApplyScope} ApplyScope */
/** @typedef {import('../../realtime/apply-event').RealtimeEvent} RealtimeEvent */
/** @typedef {import('../api.js').SessionUser} SessionUser */

/**
 * @typedef {object} PageState
 * @property {number} articleId
 * @property {SessionUser | null} me the signed-in user
 * @property {any} community as the API returns it, once fetched
 * @property {ApplyScope | null} scope what events must match to apply here
 * @property {string | null} myPseudonym the reader's pseudonym on this article
 * @property {Date | null} lastVisit the reader's visit before this one (null: none, or signed out)
 * @property {Set<string>} arrived element ids of the items others added while the page is open
 * @property {Set<string>} seen element ids of the new items the reader has seen on this visit
 * @property {ArticleState} articleState the discussions and comments shown
 * @property {boolean} loading the first snapshot is under way
 * @property {boolean} refetching a new snapshot is under way (after a gap)
 * @property {boolean} refetchAgain the snapshot under way may predate a gap: fetch once more
 * @property {[RealtimeEvent, {source: string}][]} buffered events that arrived while a
 *   snapshot was fetched; they apply on top of it (versions make the order irrelevant)
 * @property {Set<number>} commentsRequested discussions whose comments are being fetched
 * @property {ReturnType<typeof setTimeout> | undefined} retryTimer the next try of a failed refetch
 */

/**
 * @param {number} articleId
 * @param {SessionUser | null} me
 * @returns {PageState}
 */
export function createPageState(articleId, me) {
  return {
    articleId,
    me,
    community: null,
    scope: null,
    myPseudonym: null,
    lastVisit: null,
    arrived: new Set(),
    seen: new Set(),
    articleState: createArticleState(),
    loading: true,
    refetching: false,
    refetchAgain: false,
    buffered: [],
    commentsRequested: new Set(),
    retryTimer: undefined,
  };
}

/**
 * Whether an item is marked new: someone else wrote it after the reader's last
 * visit or while the page is open, and the reader has not seen it yet.
 * @param {PageState} page
 * @param {string} domId the item's element id
 * @param {any} item a discussion or comment
 */
export function isNewToReader(page, domId, item) {
  if (page.seen.has(domId)) return false;
  if (page.arrived.has(domId)) return true;
  return page.lastVisit !== null && new Date(item.created_at) > page.lastVisit && !isMine(page, item);
}

/**
 * Whether the reader wrote it (under their name or their pseudonym).
 * @param {PageState} page
 * @param {any} item a discussion or comment
 */
export function isMine(page, item) {
  const { me, myPseudonym } = page;
  if (!me || !item?.author) return false;
  if (item.author.is_pseudonymous) return myPseudonym !== null && item.author.username === myPseudonym;
  return item.author.id === me.id;
}
