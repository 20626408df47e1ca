/** What a realtime event is about, and how a toast says it. */

/** @typedef {import('../../realtime/apply-event').ArticleState} ArticleState */
/** @typedef {import('../../realtime/apply-event').Author} Author */
/** @typedef {import('../../realtime/apply-event').RealtimeEvent} RealtimeEvent */

/**
 * What a toast says: who did it, whose name starts the sentence (a toast shows it as
 * the post does, a link to their profile unless it is a pseudonym), and what they
 * did; no actor when the sentence names no one ("“Methods” was resolved").
 * @typedef {{actor: Author | null, action: string}} Sentence
 */

/** The author of a post that arrived without one: named so, and no one to link to. */
const SOMEONE = { id: null, username: 'Someone', is_pseudonymous: false, profile_pic_url: null };

/**
 * The sentence as plain text, for what cannot hold a link: a screen reader's
 * announcement, a desktop notification.
 * @param {Sentence} sentence
 */
export function sentenceText({ actor, action }) {
  return actor ? `${actor.username} ${action}` : action;
}

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
 * @returns {Sentence}
 */
export function describe(event, before, after) {
  const d = event.data;
  /** @type {(item: any, action: string) => Sentence} */
  const by = (item, action) => ({ actor: item?.author ?? SOMEONE, action });
  /** @type {(action: string) => Sentence} */
  const about = (action) => ({ actor: null, action });
  switch (event.type) {
    case 'new_discussion':
      return by(d.discussion, `started “${d.discussion.topic}”`);
    case 'updated_discussion': {
      const old = before.discussions.find((x) => x.id === d.discussion.id);
      if (old && old.is_resolved !== d.discussion.is_resolved) {
        const what = d.discussion.is_resolved ? 'resolved' : 'reopened';
        return about(`“${d.discussion.topic}” was ${what}`);
      }
      return about(`“${d.discussion.topic}” was edited`);
    }
    case 'deleted_discussion':
      return about(`“${topicOf(before, d.discussion_id ?? d.discussion?.id)}” was deleted`);
    case 'new_comment': {
      const did = d.comment.parent_id ? 'replied' : 'commented';
      return by(d.comment, `${did} in “${topicOf(after, d.comment.discussion_id)}”`);
    }
    case 'updated_comment': {
      const topic = topicOf(after, d.comment.discussion_id);
      if (d.comment.is_deleted) return about(`A comment in “${topic}” was deleted`);
      return by(d.comment, `edited a comment in “${topic}”`);
    }
    case 'deleted_comment':
      return about(`A comment in “${topicOf(after, d.discussion_id)}” was deleted`);
    default:
      return about('Something changed');
  }
}
