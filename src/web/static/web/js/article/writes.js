/**
 * The article page's writes. Each one is applied from its HTTP response as
 * the event the server would send (it spares this browser's queue the echo).
 */

import { deletedPlaceholder, hasLiveReply } from '../../realtime/apply-event.js';

/** @typedef {import('./page-state.js').PageState} PageState */
/** @typedef {import('./discussion-list.js').ArticleActions} ArticleActions */
/** @typedef {import('../../realtime/apply-event').RealtimeEvent} RealtimeEvent */
/** @typedef {import('../../realtime/apply-event').RealtimeEventType} RealtimeEventType */

/**
 * @param {PageState} page
 * @param {RealtimeEventType} type
 * @param {object} data
 * @returns {RealtimeEvent}
 */
function localEvent(page, type, data) {
  const communityId = page.community.id;
  return {
    type,
    data: { article_id: page.articleId, community_id: communityId, ...data },
    community_ids: [communityId],
    timestamp: new Date().toISOString(),
  };
}

/**
 * @param {PageState} page
 * @param {object} how
 * @param {(path: string, method: string, body?: object) => Promise<any>} how.write
 *   sends a write with the realtime headers
 * @param {(event: RealtimeEvent) => void} how.applyOwn applies this tab's own write
 * @param {() => ((discussionId: number, options: {pseudonymous: boolean}) => void) | null} how.typingReporter
 * @returns {ArticleActions & {startDiscussion: (d: {topic: string, content: string, pseudonymous: boolean}) => Promise<any>}}
 */
export function createActions(page, { write, applyOwn, typingReporter }) {
  const event = (/** @type {RealtimeEventType} */ type, /** @type {object} */ data) => localEvent(page, type, data);
  return {
    typing(discussionId, options) {
      typingReporter()?.(discussionId, options);
    },
    async startDiscussion({ topic, content, pseudonymous }) {
      const discussion = await write(
        `/api/communities/${page.community.id}/articles/${page.articleId}/discussions`,
        'POST',
        { topic, content, is_pseudonymous: pseudonymous },
      );
      applyOwn(event('new_discussion', { discussion }));
      return discussion;
    },
    async editDiscussion(d, patch) {
      const discussion = await write(`/api/discussions/${d.id}`, 'PATCH', patch);
      applyOwn(event('updated_discussion', { discussion }));
    },
    async setResolved(d, resolved) {
      const discussion = await write(`/api/discussions/${d.id}/${resolved ? 'resolve' : 'unresolve'}`, 'POST');
      applyOwn(event('updated_discussion', { discussion }));
    },
    async deleteDiscussion(d) {
      await write(`/api/discussions/${d.id}`, 'DELETE');
      // The server bumps the version on delete, as with any change.
      applyOwn(
        event('deleted_discussion', {
          discussion: { id: d.id, version: d.version + 1 },
          discussion_id: d.id,
        }),
      );
    },
    async comment(discussionId, { content, parentId, pseudonymous }) {
      const comment = await write(`/api/discussions/${discussionId}/comments`, 'POST', {
        content,
        parent_id: parentId,
        is_pseudonymous: pseudonymous,
      });
      applyOwn(
        event('new_comment', {
          comment,
          comment_id: comment.id,
          discussion_id: discussionId,
          parent_id: comment.parent_id,
        }),
      );
    },
    async editComment(c, content) {
      const comment = await write(`/api/comments/${c.id}`, 'PATCH', { content });
      applyOwn(
        event('updated_comment', {
          comment,
          comment_id: comment.id,
          discussion_id: comment.discussion_id,
          parent_id: comment.parent_id,
        }),
      );
    },
    async deleteComment(c) {
      await write(`/api/comments/${c.id}`, 'DELETE');
      // As the server decides: with a live reply below it the comment stays as "[deleted]".
      const stays = hasLiveReply(page.articleState.commentsByDiscussion[c.discussion_id] ?? [], c.id);
      applyOwn(
        event(stays ? 'updated_comment' : 'deleted_comment', {
          comment: deletedPlaceholder(c),
          comment_id: c.id,
          discussion_id: c.discussion_id,
          parent_id: c.parent_id,
        }),
      );
    },
  };
}
