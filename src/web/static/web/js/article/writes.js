/**
 * The article page's writes. Each one is applied from its HTTP response as
 * the event the server would send (it spares this browser's queue the echo).
 */

import { deletedPlaceholder, hasLiveReply } from '../../realtime/apply-event.js';

/** @typedef {import('./store.js').ArticleStore} ArticleStore */
/** @typedef {import('./store.js').PageState} PageState */
/** @typedef {import('../../realtime/apply-event').Comment} Comment */
/** @typedef {import('../../realtime/apply-event').Discussion} Discussion */
/** @typedef {import('../../realtime/apply-event').RealtimeEvent} RealtimeEvent */
/** @typedef {import('../../realtime/apply-event').RealtimeEventType} RealtimeEventType */

/**
 * The page's writes. Each returns a promise; a rejection's message is shown
 * next to the form. typing is called on each keystroke in a comment form.
 * @typedef {object} ArticleActions
 * @property {(discussionId: number, options: {pseudonymous: boolean}) => void} [typing]
 * @property {(d: {topic: string, content: string, pseudonymous: boolean}) => Promise<unknown>}
 *   startDiscussion
 * @property {(d: Discussion, patch: {topic: string, content: string}) => Promise<unknown>}
 *   editDiscussion
 * @property {(d: Discussion) => Promise<unknown>} deleteDiscussion
 * @property {(d: Discussion, resolved: boolean) => Promise<unknown>} setResolved
 * @property {(discussionId: number, comment: {content: string, parentId: number | null,
 *   pseudonymous: boolean}) => Promise<unknown>} comment
 * @property {(c: Comment, content: string) => Promise<unknown>} editComment
 * @property {(c: Comment) => Promise<unknown>} deleteComment
 */

/**
 * @param {PageState} state
 * @param {RealtimeEventType} type
 * @param {object} data
 * @returns {RealtimeEvent}
 */
function localEvent(state, type, data) {
  const communityId = state.community.id;
  return {
    type,
    data: { article_id: state.articleId, community_id: communityId, ...data },
    community_ids: [communityId],
    timestamp: new Date().toISOString(),
  };
}

/**
 * The item as the page holds it now: a delete made from a form opened on an
 * older version must give its event the version after the current one.
 * @template {Discussion | Comment} T
 * @param {T[] | undefined} list
 * @param {T} item
 * @returns {T}
 */
function latest(list, item) {
  return list?.find((x) => x.id === item.id) ?? item;
}

/**
 * @param {ArticleStore} store
 * @param {object} how
 * @param {(path: string, method: string, body?: object) => Promise<any>} how.write
 *   sends a write with the realtime headers
 * @param {(event: RealtimeEvent) => void} how.applyOwn applies this tab's own write
 * @param {() => import('./typing.js').Keystroke | null} how.typingReporter reports a
 *   keystroke in a comment form
 * @returns {ArticleActions}
 */
export function createActions(store, { write, applyOwn, typingReporter }) {
  const page = () => store.state;
  /**
   * @param {RealtimeEventType} type
   * @param {Discussion} discussion
   */
  const discussionEvent = (type, discussion) => localEvent(page(), type, { discussion });
  /**
   * @param {RealtimeEventType} type
   * @param {Comment} comment
   */
  const commentEvent = (type, comment) => localEvent(page(), type, {
    comment,
    comment_id: comment.id,
    discussion_id: comment.discussion_id,
    parent_id: comment.parent_id,
  });
  return {
    typing(discussionId, options) {
      typingReporter()?.(discussionId, options);
    },
    async startDiscussion({ topic, content, pseudonymous }) {
      const { community, articleId } = page();
      const discussion = await write(
        `/api/communities/${community.id}/articles/${articleId}/discussions`,
        'POST',
        { topic, content, is_pseudonymous: pseudonymous },
      );
      applyOwn(discussionEvent('new_discussion', discussion));
      return discussion;
    },
    async editDiscussion(d, patch) {
      const discussion = await write(`/api/discussions/${d.id}`, 'PATCH', patch);
      applyOwn(discussionEvent('updated_discussion', discussion));
    },
    async setResolved(d, resolved) {
      const path = `/api/discussions/${d.id}/${resolved ? 'resolve' : 'unresolve'}`;
      applyOwn(discussionEvent('updated_discussion', await write(path, 'POST')));
    },
    async deleteDiscussion(shown) {
      await write(`/api/discussions/${shown.id}`, 'DELETE');
      const d = latest(page().articleState.discussions, shown);
      // The server bumps the version on delete, as with any change.
      applyOwn(localEvent(page(), 'deleted_discussion', {
        discussion: { id: d.id, version: d.version + 1 },
        discussion_id: d.id,
      }));
    },
    async comment(discussionId, { content, parentId, pseudonymous }) {
      const comment = await write(`/api/discussions/${discussionId}/comments`, 'POST', {
        content,
        parent_id: parentId,
        is_pseudonymous: pseudonymous,
      });
      applyOwn(commentEvent('new_comment', comment));
    },
    async editComment(c, content) {
      const comment = await write(`/api/comments/${c.id}`, 'PATCH', { content });
      applyOwn(commentEvent('updated_comment', comment));
    },
    async deleteComment(shown) {
      await write(`/api/comments/${shown.id}`, 'DELETE');
      const comments = page().articleState.commentsByDiscussion[shown.discussion_id];
      const c = latest(comments, shown);
      // As the server decides: with a live reply below it the comment stays as "[deleted]".
      const stays = hasLiveReply(comments ?? [], c.id);
      applyOwn(commentEvent(stays ? 'updated_comment' : 'deleted_comment', deletedPlaceholder(c)));
    },
  };
}
