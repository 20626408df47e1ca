/** What a realtime event is about, and how a toast says it. */

/** @typedef {import('../../realtime/apply-event').ArticleState} ArticleState */
/** @typedef {import('../../realtime/apply-event').RealtimeEvent} RealtimeEvent */

/**
 * The discussion or comment an event changes.
 * @param {RealtimeEvent} event
 * @returns {{kind: 'discussion' | 'comment', id: number | undefined, deleted?: boolean} | null}
 */
export function targetOf(event) {
  const d = event.data ?? {};
  switch (event.type) {
    case 'new_discussion':
    case 'updated_discussion':
      return { kind: 'discussion', id: d.discussion?.id };
    case 'deleted_discussion':
      return { kind: 'discussion', id: d.discussion_id ?? d.discussion?.id, deleted: true };
    case 'new_comment':
    case 'updated_comment':
      return { kind: 'comment', id: d.comment?.id };
    case 'deleted_comment':
      return { kind: 'comment', id: d.comment_id ?? d.comment?.id, deleted: true };
    default:
      return null;
  }
}

/**
 * @param {ArticleState} state
 * @param {number | undefined} discussionId
 */
function topicOf(state, discussionId) {
  return state.discussions.find((d) => d.id === discussionId)?.topic ?? 'a discussion';
}

/**
 * The toast's sentence for an event from someone else.
 * @param {any} event a realtime event
 * @param {ArticleState} before the state the event applied to
 * @param {ArticleState} after the state it made
 */
export function describe(event, before, after) {
  const d = event.data;
  const who = (/** @type {any} */ item) => item?.author?.username ?? 'Someone';
  switch (event.type) {
    case 'new_discussion':
      return `${who(d.discussion)} started “${d.discussion.topic}”`;
    case 'updated_discussion': {
      const old = before.discussions.find((x) => x.id === d.discussion.id);
      if (old && old.is_resolved !== d.discussion.is_resolved) {
        return `“${d.discussion.topic}” was ${d.discussion.is_resolved ? 'resolved' : 'reopened'}`;
      }
      return `“${d.discussion.topic}” was edited`;
    }
    case 'deleted_discussion':
      return `“${topicOf(before, d.discussion_id ?? d.discussion?.id)}” was deleted`;
    case 'new_comment': {
      const did = d.comment.parent_id ? 'replied' : 'commented';
      return `${who(d.comment)} ${did} in “${topicOf(after, d.comment.discussion_id)}”`;
    }
    case 'updated_comment': {
      const topic = topicOf(after, d.comment.discussion_id);
      if (d.comment.is_deleted) return `A comment in “${topic}” was deleted`;
      return `${who(d.comment)} edited a comment in “${topic}”`;
    }
    case 'deleted_comment':
      return `A comment in “${topicOf(after, d.discussion_id)}” was deleted`;
    default:
      return 'Something changed';
  }
}
