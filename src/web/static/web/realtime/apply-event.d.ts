/** Types of the Marginalia REST objects that realtime events carry. */

export interface Author {
  /** null when the author is shown by pseudonym */
  id: number | null;
  /** the username, or the per-article pseudonym */
  username: string;
  is_pseudonymous: boolean;
}

export interface Discussion {
  id: number;
  article_id: number;
  community_id: number;
  topic: string;
  content: string;
  /** `content` rendered from Markdown and sanitised; null when too long to ride along (GET /api/discussions/{id}/content_html) */
  content_html: string | null;
  author: Author;
  /** the same as `author`, under the name some front ends read */
  user: Author;
  is_pseudonymous: boolean;
  is_resolved: boolean;
  /** live (not deleted) comments */
  comments_count: number;
  /** incremented by every change; never apply an older version over a newer one */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Comment {
  id: number;
  discussion_id: number;
  article_id: number;
  community_id: number;
  parent_id: number | null;
  /** 0 for top-level comments; replies nest at most to depth 2 */
  depth: number;
  /** "[deleted]" for a deleted comment kept for its replies */
  content: string;
  /** `content` rendered from Markdown and sanitised ("" when deleted); null when too long to ride along (GET /api/comments/{id}/content_html) */
  content_html: string | null;
  author: Author | null;
  is_pseudonymous: boolean;
  is_deleted: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export type RealtimeEventType =
  | 'new_discussion'
  | 'updated_discussion'
  | 'deleted_discussion'
  | 'new_comment'
  | 'updated_comment'
  | 'deleted_comment';

export interface RealtimeEventData {
  /** full object for new/updated; `{id, version}` for deleted_discussion */
  discussion?: Discussion | { id: number; version?: number };
  /**
   * full object. A comment deleted while it has live replies stays in the tree and
   * comes as `updated_comment` with the "[deleted]" placeholder; `deleted_comment`
   * (also carrying the placeholder) means it left the tree: remove it.
   */
  comment?: Comment;
  article_id: number;
  community_id: number;
  discussion_id?: number;
  comment_id?: number;
  parent_id?: number | null;
}

export interface RealtimeEvent {
  type: RealtimeEventType;
  data: RealtimeEventData;
  community_ids: number[];
  /** ISO 8601 */
  timestamp: string;
  /** global, increasing; absent on events shared between tabs from a tab's own write */
  event_id?: number;
}

export interface RemovedVersions {
  discussions: Record<number, number>;
  comments: Record<number, number>;
}

/** What one article page (or one TanStack Query cache entry) holds. */
export interface ArticleState {
  /** newest first */
  discussions: Discussion[];
  /** flat lists, parents before replies, by id; absent key = comments not loaded */
  commentsByDiscussion: Record<number, Comment[]>;
  /** maintained by applyEvent: versions at which items went away */
  removed?: RemovedVersions;
}

export interface ApplyScope {
  /** events of other articles leave the state unchanged */
  articleId?: number;
  /** events of other communities leave the state unchanged */
  communityId?: number;
}

/**
 * Apply one event. Pure: never mutates `state`; returns `state` itself when
 * nothing changes (other article, older or duplicate version).
 */
export function applyEvent<S extends ArticleState>(
  state: S,
  event: RealtimeEvent,
  scope?: ApplyScope,
): S;

/** Apply events in order. */
export function applyEvents<S extends ArticleState>(
  state: S,
  events: Iterable<RealtimeEvent>,
  scope?: ApplyScope,
): S;

/** A state from fetched data; discussions are sorted newest first. */
export function createArticleState(
  discussions?: Discussion[],
  commentsByDiscussion?: Record<number, Comment[]>,
): ArticleState;

export interface CommentNode {
  comment: Comment;
  replies: CommentNode[];
}

/** A flat comment list as a tree, oldest first at every level. */
export function commentTree(comments: Comment[]): CommentNode[];

/** Number of comments that are not deleted. */
export function liveCount(comments: Comment[]): number;

/** The "[deleted]" placeholder of a comment (version defaults to comment.version + 1). */
export function deletedPlaceholder(comment: Comment, version?: number): Comment;

/** Whether a live comment stands below `commentId` in a flat list: deleting it then keeps the placeholder. */
export function hasLiveReply(comments: Comment[], commentId: number): boolean;
