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

// Every export is annotated with the types of apply-event.d.ts, so that the type
// check (tsconfig.json) holds this implementation to its declarations.
/** @typedef {import('./apply-event').ArticleState} ArticleState */
/** @typedef {import('./apply-event').ApplyScope} ApplyScope */
/** @typedef {import('./apply-event').RealtimeEvent} RealtimeEvent */
/** @typedef {import('./apply-event').Discussion} Discussion */
/** @typedef {import('./apply-event').Comment} Comment */
/** @typedef {import('./apply-event').CommentNode} CommentNode */

const DELETED_CONTENT = '[deleted]';

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
      return upsertDiscussion(state, data.discussion, true);
    case 'updated_discussion':
      return upsertDiscussion(state, data.discussion, false);
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
    author: null,
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

function byId(a, b) {
  return a.id - b.id;
}

function time(value) {
  const t = Date.parse(value);
  return Number.isNaN(t) ? 0 : t;
}

function newestFirst(a, b) {
  return time(b.created_at) - time(a.created_at) || b.id - a.id;
}

function isObjectWithId(value) {
  return value && typeof value === 'object' && Number.isFinite(value.id);
}

function versionOf(value) {
  return Number.isFinite(value?.version) ? value.version : 0;
}

function removedVersion(state, kind, id) {
  const v = state.removed?.[kind]?.[id];
  return v === undefined ? -Infinity : v;
}

function withRemoved(state, kind, entries) {
  if (!entries.length) return state.removed;
  const removed = state.removed ?? { discussions: {}, comments: {} };
  const map = { ...(removed[kind] ?? {}) };
  for (const [id, version] of entries) map[id] = Math.max(map[id] ?? -Infinity, version);
  return { discussions: {}, comments: {}, ...removed, [kind]: map };
}

function build(state, changes) {
  const next = { ...state, ...changes };
  if (next.removed === undefined) delete next.removed;
  return next;
}

function hasComments(state, discussionId) {
  return Object.prototype.hasOwnProperty.call(state.commentsByDiscussion ?? {}, discussionId);
}

/** Set a discussion's comments_count (and, when given, its comment list). */
function withCount(state, discussionId, count, comments) {
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

function removeDiscussion(state, data) {
  const id = Number(data.discussion_id ?? data.discussion?.id);
  if (!Number.isFinite(id)) return state;
  const version = Number.isFinite(data.discussion?.version)
    ? data.discussion.version
    : Number.MAX_SAFE_INTEGER;
  if (version <= removedVersion(state, 'discussions', id)) return state;
  const held = state.discussions.find((d) => d.id === id);
  if (held && versionOf(held) >= version) return state;
  const changes = { removed: withRemoved(state, 'discussions', [[id, version]]) };
  if (held) changes.discussions = state.discussions.filter((d) => d.id !== id);
  if (hasComments(state, id)) {
    const commentsByDiscussion = { ...state.commentsByDiscussion };
    delete commentsByDiscussion[id];
    changes.commentsByDiscussion = commentsByDiscussion;
  }
  return build(state, changes);
}

function commentDiscussionId(data, comment) {
  return Number(data.discussion_id ?? comment?.discussion_id);
}

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

function deleteComment(state, data) {
  const comment = data.comment;
  const id = Number(data.comment_id ?? comment?.id);
  if (!Number.isFinite(id)) return state;
  const discussionId = commentDiscussionId(data, comment);
  if (!Number.isFinite(discussionId)) return state;
  const version = Number.isFinite(comment?.version) ? comment.version : Number.MAX_SAFE_INTEGER;
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
  const gone = new Set([id]);
  for (const c of list) if (gone.has(c.parent_id)) gone.add(c.id); // parents come first
  let comments = list.filter((c) => !gone.has(c.id));
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
