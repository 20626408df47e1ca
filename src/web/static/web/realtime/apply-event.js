/**
 * Applying realtime events to the discussions of one article: a pure function.
 *
 * State for one article (in one community):
 *
 *   {
 *     discussions: Discussion[],                       // newest first
 *     commentsByDiscussion: { [discussionId]: Comment[] }, // flat, parents first, by id
 *     removed?: { discussions: {[id]: version}, comments: {[id]: version} }
 *   }
 *
 * A discussion whose comments were never loaded has no entry in
 * commentsByDiscussion; events then only adjust its comments_count.
 *
 * `removed` is optional and maintained by applyEvent: it remembers the version
 * at which an item went away, so that an older event arriving later (say an
 * edit racing with a delete the page applied from its own HTTP response) never
 * brings it back.
 *
 * applyEvent never mutates its input. It returns the very same state object
 * when the event changes nothing (another article, an older or duplicate
 * version), so callers can test `next === prev`, and it shares every untouched
 * array and object with the old state. That makes it usable as-is from a
 * TanStack Query cache:
 *
 *   queryClient.setQueryData(key, (old) => old && applyEvent(old, event, scope));
 */

// The shapes below are the REST objects as the API sends them and events carry
// them (docs/realtime.md); `npm run declarations` turns them into
// types/apply-event.d.ts for TypeScript users of this module.

/**
 * Who wrote a discussion or a comment.
 * @typedef {object} Author
 * @property {number | null} id null when the author is shown by pseudonym, or for a
 *   deleted comment
 * @property {string} username the username, the per-article pseudonym, or "[deleted]"
 * @property {boolean} is_pseudonymous
 * @property {string | null} profile_pic_url an avatar's URL; null: none
 */

/**
 * @typedef {object} Discussion
 * @property {number} id
 * @property {number} article_id
 * @property {number} community_id
 * @property {string} topic
 * @property {string} content
 * @property {string | null} content_html `content` rendered from Markdown and sanitised;
 *   null when too long to ride along (GET /api/discussions/{id}/content_html)
 * @property {Author} author
 * @property {Author} user the same as `author`, under the name some front ends read
 * @property {boolean} is_pseudonymous
 * @property {boolean} is_resolved
 * @property {number} comments_count live (not deleted) comments
 * @property {number} version incremented by every change; never apply an older version
 *   over a newer one
 * @property {string} created_at
 * @property {string} updated_at
 */

/**
 * @typedef {object} Comment
 * @property {number} id
 * @property {number} discussion_id
 * @property {number} article_id
 * @property {number} community_id
 * @property {number | null} parent_id
 * @property {number} depth 0 for top-level comments; replies nest at most to depth 2
 * @property {string} content "[deleted]" for a deleted comment kept for its replies
 * @property {string | null} content_html `content` rendered from Markdown and sanitised
 *   ("" when deleted); null when too long to ride along (GET /api/comments/{id}/content_html)
 * @property {Author} author for a deleted comment, DELETED_AUTHOR
 * @property {boolean} is_pseudonymous
 * @property {boolean} is_deleted
 * @property {number} version
 * @property {string} created_at
 * @property {string} updated_at
 */

/**
 * @typedef {'new_discussion' | 'updated_discussion' | 'deleted_discussion'
 *   | 'new_comment' | 'updated_comment' | 'deleted_comment'} RealtimeEventType
 */

/**
 * @typedef {object} RealtimeEventData
 * @property {Discussion | {id: number, version?: number}} [discussion] full object for
 *   new/updated; `{id, version}` for deleted_discussion
 * @property {Comment} [comment] full object. A comment deleted while it has live replies
 *   stays in the tree and comes as `updated_comment` with the "[deleted]" placeholder;
 *   `deleted_comment` (also carrying the placeholder) means it left the tree: remove it.
 * @property {number} article_id
 * @property {number} community_id
 * @property {number} [discussion_id]
 * @property {number} [comment_id]
 * @property {number | null} [parent_id]
 */

/**
 * @typedef {object} RealtimeEvent
 * @property {RealtimeEventType} type
 * @property {RealtimeEventData} data
 * @property {number[]} community_ids
 * @property {string} timestamp ISO 8601
 * @property {number} [event_id] global, increasing; absent on events shared between tabs
 *   from a tab's own write
 */

/**
 * The versions at which items went away, by id.
 * @typedef {object} RemovedVersions
 * @property {Record<number, number>} discussions
 * @property {Record<number, number>} comments
 */

/**
 * What one article page (or one TanStack Query cache entry) holds.
 * @typedef {object} ArticleState
 * @property {Discussion[]} discussions newest first
 * @property {Record<number, Comment[]>} commentsByDiscussion flat lists, parents before
 *   replies, by id; absent key = comments not loaded
 * @property {RemovedVersions} [removed] maintained by applyEvent
 */

/**
 * @typedef {object} ApplyScope
 * @property {number} [articleId] events of other articles leave the state unchanged
 * @property {number} [communityId] events of other communities leave the state unchanged
 */

/**
 * @typedef {object} CommentNode
 * @property {Comment} comment
 * @property {CommentNode[]} replies
 */

const DELETED_CONTENT = '[deleted]';
/**
 * The author the API gives a deleted comment kept for its replies: an object, not null,
 * as front ends read `author.username` of every comment.
 * @type {Readonly<Author>}
 */
export const DELETED_AUTHOR = Object.freeze({
  id: null, username: DELETED_CONTENT, is_pseudonymous: false, profile_pic_url: null,
});

/**
 * @template {ArticleState} S
 * @param {S} state
 * @param {RealtimeEvent} event a realtime event ({type, data, event_id?, ...})
 * @param {ApplyScope} [scope] events of other articles or communities leave the
 *   state unchanged
 * @returns {S}
 */
export function applyEvent(state, event, scope = {}) {
  if (!state || !event || typeof event !== 'object') return state;
  const data = event.data;
  if (!data || typeof data !== 'object') return state;
  if (scope.articleId != null && Number(data.article_id) !== Number(scope.articleId)) return state;
  if (scope.communityId != null && Number(data.community_id) !== Number(scope.communityId)) {
    return state;
  }
  switch (event.type) {
    case 'new_discussion':
      return upsertDiscussion(state, fullDiscussion(data), true);
    case 'updated_discussion':
      return upsertDiscussion(state, fullDiscussion(data), false);
    case 'deleted_discussion':
      return removeDiscussion(state, data);
    case 'new_comment':
      return upsertComment(state, data, true);
    case 'updated_comment':
      return upsertComment(state, data, false);
    case 'deleted_comment':
      return deleteComment(state, data);
    default:
      return state;
  }
}

/**
 * Apply several events in order; returns the same state when none changes it.
 * @template {ArticleState} S
 * @param {S} state
 * @param {Iterable<RealtimeEvent>} events
 * @param {ApplyScope} [scope]
 * @returns {S}
 */
export function applyEvents(state, events, scope = {}) {
  let next = state;
  for (const event of events) next = applyEvent(next, event, scope);
  return next;
}

/**
 * An empty state, or one built from fetched data (comments optional per discussion).
 * @param {Discussion[]} [discussions]
 * @param {Record<number, Comment[]>} [commentsByDiscussion]
 * @returns {ArticleState}
 */
export function createArticleState(discussions = [], commentsByDiscussion = {}) {
  return {
    discussions: [...discussions].sort(newestFirst),
    commentsByDiscussion: { ...commentsByDiscussion },
  };
}

/**
 * Comments of a flat list (parents first) as a tree: [{comment, replies: [...]}].
 * @param {Comment[]} comments
 * @returns {CommentNode[]}
 */
export function commentTree(comments) {
  /** @type {Map<number, CommentNode>} */
  const nodes = new Map();
  /** @type {CommentNode[]} */
  const roots = [];
  for (const comment of [...comments].sort(byId)) {
    /** @type {CommentNode} */
    const node = { comment, replies: [] };
    nodes.set(comment.id, node);
    const parent = comment.parent_id == null ? null : nodes.get(comment.parent_id);
    if (parent) parent.replies.push(node);
    else roots.push(node);
  }
  return roots;
}

/**
 * Live (not deleted) comments in a list: what the server counts as comments_count.
 * @param {Comment[]} comments
 * @returns {number}
 */
export function liveCount(comments) {
  let n = 0;
  for (const c of comments) if (!c.is_deleted) n += 1;
  return n;
}

/**
 * The placeholder a deleted comment becomes while it still has visible replies.
 * @param {Comment} comment
 * @param {number} [version]
 * @returns {Comment}
 */
export function deletedPlaceholder(comment, version = comment.version + 1) {
  return {
    ...comment,
    content: DELETED_CONTENT,
    content_html: '',
    author: DELETED_AUTHOR,
    is_pseudonymous: false,
    is_deleted: true,
    version,
  };
}

/**
 * Whether a live comment stands anywhere below `commentId` in a flat list (parents
 * first): a comment deleted then stays as "[deleted]", and the deletion travels as
 * `updated_comment`; without one it leaves the tree (`deleted_comment`).
 * @param {Comment[]} comments
 * @param {number} commentId
 * @returns {boolean}
 */
export function hasLiveReply(comments, commentId) {
  /** @type {Set<number | null>} */
  const below = new Set([commentId]);
  for (const c of comments) {
    if (!below.has(c.parent_id)) continue;
    if (!c.is_deleted) return true;
    below.add(c.id);
  }
  return false;
}

// ---------------------------------------------------------------------------

/** @typedef {'discussions' | 'comments'} ItemKind */

/**
 * @param {{id: number}} a
 * @param {{id: number}} b
 */
function byId(a, b) {
  return a.id - b.id;
}

/**
 * @param {string} value an ISO 8601 time
 * @returns {number} epoch milliseconds; 0 when unreadable
 */
function time(value) {
  const t = Date.parse(value);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * @param {Discussion} a
 * @param {Discussion} b
 */
function newestFirst(a, b) {
  return time(b.created_at) - time(a.created_at) || b.id - a.id;
}

// Events come from the network and from callers' own code: the reducer checks
// what it relies on instead of trusting the types.

/**
 * @param {unknown} value
 * @returns {value is {id: number}}
 */
function isObjectWithId(value) {
  return typeof value === 'object' && value !== null && 'id' in value && Number.isFinite(value.id);
}

/**
 * The version an item carries, or `otherwise` when it carries none.
 * @param {{version?: number} | null | undefined} value
 * @param {number} [otherwise]
 * @returns {number}
 */
function versionOf(value, otherwise = 0) {
  const version = value?.version;
  return typeof version === 'number' && Number.isFinite(version) ? version : otherwise;
}

/**
 * @param {ArticleState} state
 * @param {ItemKind} kind
 * @param {number} id
 * @returns {number} the version at which the item went away; -Infinity when it did not
 */
function removedVersion(state, kind, id) {
  const v = state.removed?.[kind]?.[id];
  return v === undefined ? -Infinity : v;
}

/**
 * @param {ArticleState} state
 * @param {ItemKind} kind
 * @param {[id: number, version: number][]} entries
 * @returns {RemovedVersions | undefined}
 */
function withRemoved(state, kind, entries) {
  if (!entries.length) return state.removed;
  // A state built by hand may hold one kind only.
  /** @type {Partial<RemovedVersions>} */
  const removed = state.removed ?? { discussions: {}, comments: {} };
  /** @type {Record<number, number>} */
  const map = { ...(removed[kind] ?? {}) };
  for (const [id, version] of entries) map[id] = Math.max(map[id] ?? -Infinity, version);
  return { discussions: {}, comments: {}, ...removed, [kind]: map };
}

/**
 * @template {ArticleState} S
 * @param {S} state
 * @param {Partial<ArticleState>} changes
 * @returns {S}
 */
function build(state, changes) {
  const next = { ...state, ...changes };
  if (next.removed === undefined) delete next.removed;
  return next;
}

/**
 * @param {ArticleState} state
 * @param {number} discussionId
 */
function hasComments(state, discussionId) {
  return Object.prototype.hasOwnProperty.call(state.commentsByDiscussion ?? {}, discussionId);
}

/**
 * Set a discussion's comments_count (and, when given, its comment list).
 * @template {ArticleState} S
 * @param {S} state
 * @param {number} discussionId
 * @param {number | ((held: number) => number)} count the count, or how the held one changes
 * @param {Comment[]} [comments]
 * @returns {S}
 */
function withCount(state, discussionId, count, comments) {
  /** @type {Partial<ArticleState>} */
  const changes = {};
  if (comments !== undefined) {
    changes.commentsByDiscussion = { ...state.commentsByDiscussion, [discussionId]: comments };
  }
  const index = state.discussions.findIndex((d) => d.id === discussionId);
  if (index >= 0) {
    const held = state.discussions[index];
    const value = typeof count === 'function' ? count(held.comments_count ?? 0) : count;
    if (held.comments_count !== value) {
      const discussions = state.discussions.slice();
      discussions[index] = { ...held, comments_count: Math.max(0, value) };
      changes.discussions = discussions;
    }
  }
  return Object.keys(changes).length ? build(state, changes) : state;
}

/**
 * The discussion a new_discussion or updated_discussion event carries: the full
 * object (only a deleted_discussion carries no more than its id and version).
 * @param {RealtimeEventData} data
 */
function fullDiscussion(data) {
  return /** @type {Discussion | undefined} */ (data.discussion);
}

/**
 * @template {ArticleState} S
 * @param {S} state
 * @param {Discussion | undefined} discussion
 * @param {boolean} isNew
 * @returns {S}
 */
function upsertDiscussion(state, discussion, isNew) {
  if (!isObjectWithId(discussion)) return state;
  const version = versionOf(discussion);
  if (version <= removedVersion(state, 'discussions', discussion.id)) return state;
  let incoming = discussion;
  // With the comments at hand the exact count is known; it beats a count taken
  // at another moment than the list.
  const comments = state.commentsByDiscussion?.[discussion.id];
  if (comments) incoming = { ...incoming, comments_count: liveCount(comments) };

  const index = state.discussions.findIndex((d) => d.id === discussion.id);
  if (index >= 0) {
    if (version <= versionOf(state.discussions[index])) return state;
    const discussions = state.discussions.slice();
    discussions[index] = incoming;
    return build(state, { discussions });
  }
  const discussions = [...state.discussions, incoming].sort(newestFirst);
  /** @type {Partial<ArticleState>} */
  const changes = { discussions };
  if (isNew && !comments) {
    // A brand new discussion has no comments yet: hold an empty list so that
    // the comments that follow are shown, not just counted.
    changes.commentsByDiscussion = { ...state.commentsByDiscussion, [discussion.id]: [] };
    changes.discussions = discussions.map((d) =>
      d === incoming ? { ...incoming, comments_count: incoming.comments_count ?? 0 } : d,
    );
  }
  return build(state, changes);
}

/**
 * @template {ArticleState} S
 * @param {S} state
 * @param {RealtimeEventData} data
 * @returns {S}
 */
function removeDiscussion(state, data) {
  const id = Number(data.discussion_id ?? data.discussion?.id);
  if (!Number.isFinite(id)) return state;
  const version = versionOf(data.discussion, Number.MAX_SAFE_INTEGER);
  if (version <= removedVersion(state, 'discussions', id)) return state;
  const held = state.discussions.find((d) => d.id === id);
  if (held && versionOf(held) >= version) return state;
  /** @type {Partial<ArticleState>} */
  const changes = { removed: withRemoved(state, 'discussions', [[id, version]]) };
  if (held) changes.discussions = state.discussions.filter((d) => d.id !== id);
  if (hasComments(state, id)) {
    const commentsByDiscussion = { ...state.commentsByDiscussion };
    delete commentsByDiscussion[id];
    changes.commentsByDiscussion = commentsByDiscussion;
  }
  return build(state, changes);
}

/**
 * @param {RealtimeEventData} data
 * @param {Comment | undefined} comment
 */
function commentDiscussionId(data, comment) {
  return Number(data.discussion_id ?? comment?.discussion_id);
}

/**
 * @template {ArticleState} S
 * @param {S} state
 * @param {RealtimeEventData} data
 * @param {boolean} isNew
 * @returns {S}
 */
function upsertComment(state, data, isNew) {
  const comment = data.comment;
  if (!isObjectWithId(comment)) return state;
  const discussionId = commentDiscussionId(data, comment);
  if (!Number.isFinite(discussionId)) return state;
  const version = versionOf(comment);
  if (version <= removedVersion(state, 'comments', comment.id)) return state;
  if (removedVersion(state, 'discussions', discussionId) > -Infinity) return state;

  const list = state.commentsByDiscussion?.[discussionId];
  if (!list) {
    // Comments not loaded: only the count can follow.
    return isNew ? withCount(state, discussionId, (n) => n + 1) : state;
  }
  const index = list.findIndex((c) => c.id === comment.id);
  // A reply's parent is visible when the reply is written, so a reply whose
  // parent is not held comes from before the state held: both are gone since.
  if (index < 0 && comment.parent_id != null && !list.some((c) => c.id === comment.parent_id)) {
    return state;
  }
  /** @type {Comment[]} */
  let comments;
  if (index >= 0) {
    if (version <= versionOf(list[index])) return state;
    comments = list.slice();
    comments[index] = { ...comment, discussion_id: discussionId };
  } else {
    comments = [...list, { ...comment, discussion_id: discussionId }].sort(byId);
  }
  return withCount(state, discussionId, liveCount(comments), comments);
}

/**
 * @template {ArticleState} S
 * @param {S} state
 * @param {RealtimeEventData} data
 * @returns {S}
 */
function deleteComment(state, data) {
  const comment = data.comment;
  const id = Number(data.comment_id ?? comment?.id);
  if (!Number.isFinite(id)) return state;
  const discussionId = commentDiscussionId(data, comment);
  if (!Number.isFinite(discussionId)) return state;
  const version = versionOf(comment, Number.MAX_SAFE_INTEGER);
  if (version <= removedVersion(state, 'comments', id)) return state;

  const list = state.commentsByDiscussion?.[discussionId];
  if (!list) {
    const counted = withCount(state, discussionId, (n) => n - 1);
    return build(counted, { removed: withRemoved(counted, 'comments', [[id, version]]) });
  }
  const index = list.findIndex((c) => c.id === id);
  if (index < 0) {
    // Already gone (or never seen): remember it so nothing older revives it.
    return build(state, { removed: withRemoved(state, 'comments', [[id, version]]) });
  }
  const held = list[index];
  if (versionOf(held) >= version) return state;

  // `deleted_comment` means the comment left the tree (one that stays as "[deleted]"
  // for its replies comes as `updated_comment`). Replies still held went before it on
  // the server, their own events not here yet: they go too.
  /** @type {Set<number | null>} */
  const gone = new Set([id]);
  for (const c of list) if (gone.has(c.parent_id)) gone.add(c.id); // parents come first
  let comments = list.filter((c) => !gone.has(c.id));
  /** @type {[id: number, version: number][]} */
  const removedEntries = list
    .filter((c) => gone.has(c.id))
    .map((c) => [c.id, c.id === id ? version : versionOf(c)]);
  // A "[deleted]" ancestor stays only while it has a reply. The server says so with
  // events of its own; a tab that made the deletion is spared those echoes.
  let parentId = held.parent_id;
  while (parentId != null) {
    const parent = comments.find((c) => c.id === parentId);
    if (!parent || !parent.is_deleted || comments.some((c) => c.parent_id === parentId)) break;
    comments = comments.filter((c) => c.id !== parentId);
    removedEntries.push([parentId, versionOf(parent)]);
    parentId = parent.parent_id;
  }
  const counted = withCount(state, discussionId, liveCount(comments), comments);
  return build(counted, { removed: withRemoved(counted, 'comments', removedEntries) });
}
