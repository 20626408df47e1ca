/** Fetching what an article shows: its discussions and their comments, as one state. */

import { ApiError, apiAll, apiComments } from '../api.js';
import { createArticleState } from '../../realtime/apply-event.js';

/** @typedef {import('../../realtime/apply-event').ArticleState} ArticleState */
/** @typedef {import('../../realtime/apply-event').Comment} Comment */

// Comment trees fetched at once.
const PARALLEL_FETCHES = 6;

/**
 * A discussion's comments, or null when the discussion is gone.
 * @param {number} discussionId
 * @returns {Promise<Comment[] | null>}
 */
export async function fetchComments(discussionId) {
  try {
    return await apiComments(discussionId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null; // deleted meanwhile
    throw error;
  }
}

/**
 * @param {number} communityId
 * @param {number} articleId
 * @returns {Promise<ArticleState>}
 */
export async function fetchSnapshot(communityId, articleId) {
  const path = `/api/communities/${communityId}/articles/${articleId}/discussions`;
  const discussions = await apiAll(path);
  /** @type {Record<number, Comment[]>} */
  const comments = {};
  const gone = new Set();
  const queue = [...discussions];
  const worker = async () => {
    while (queue.length) {
      const d = queue.shift();
      const items = await fetchComments(d.id);
      if (items === null) gone.add(d.id);
      else comments[d.id] = items;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FETCHES, queue.length) }, worker));
  return createArticleState(
    discussions.filter((d) => !gone.has(d.id)),
    comments,
  );
}

/**
 * The discussions and comments whose version differs between two states.
 * @param {ArticleState} before
 * @param {ArticleState} after
 * @returns {['discussion' | 'comment', number][]}
 */
export function changedItems(before, after) {
  /** @type {['discussion' | 'comment', number][]} */
  const out = [];
  const oldD = new Map(before.discussions.map((d) => [d.id, d.version]));
  for (const d of after.discussions) {
    if (oldD.get(d.id) !== d.version) out.push(['discussion', d.id]);
  }
  for (const [discussionId, comments] of Object.entries(after.commentsByDiscussion)) {
    const held = before.commentsByDiscussion[Number(discussionId)] ?? [];
    const old = new Map(held.map((c) => [c.id, c.version]));
    for (const c of comments) if (old.get(c.id) !== c.version) out.push(['comment', c.id]);
  }
  return out;
}
