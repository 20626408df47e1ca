/**
 * @template {ArticleState} S
 * @param {S} state
 * @param {RealtimeEvent} event a realtime event ({type, data, event_id?, ...})
 * @param {ApplyScope} [scope] events of other articles or communities leave the
 *   state unchanged
 * @returns {S}
 */
export function applyEvent<S extends ArticleState>(state: S, event: RealtimeEvent, scope?: ApplyScope): S;
/**
 * Apply several events in order; returns the same state when none changes it.
 * @template {ArticleState} S
 * @param {S} state
 * @param {Iterable<RealtimeEvent>} events
 * @param {ApplyScope} [scope]
 * @returns {S}
 */
export function applyEvents<S extends ArticleState>(state: S, events: Iterable<RealtimeEvent>, scope?: ApplyScope): S;
/**
 * An empty state, or one built from fetched data (comments optional per discussion).
 * @param {Discussion[]} [discussions]
 * @param {Record<number, Comment[]>} [commentsByDiscussion]
 * @returns {ArticleState}
 */
export function createArticleState(discussions?: Discussion[], commentsByDiscussion?: Record<number, Comment[]>): ArticleState;
/**
 * Comments of a flat list (parents first) as a tree: [{comment, replies: [...]}].
 * @param {Comment[]} comments
 * @returns {CommentNode[]}
 */
export function commentTree(comments: Comment[]): CommentNode[];
/**
 * Live (not deleted) comments in a list: what the server counts as comments_count.
 * @param {Comment[]} comments
 * @returns {number}
 */
export function liveCount(comments: Comment[]): number;
/**
 * The placeholder a deleted comment becomes while it still has visible replies.
 * @param {Comment} comment
 * @param {number} [version]
 * @returns {Comment}
 */
export function deletedPlaceholder(comment: Comment, version?: number): Comment;
/**
 * Whether a live comment stands anywhere below `commentId` in a flat list (parents
 * first): a comment deleted then stays as "[deleted]", and the deletion travels as
 * `updated_comment`; without one it leaves the tree (`deleted_comment`).
 * @param {Comment[]} comments
 * @param {number} commentId
 * @returns {boolean}
 */
export function hasLiveReply(comments: Comment[], commentId: number): boolean;
/**
 * The author the API gives a deleted comment kept for its replies: an object, not null,
 * as front ends read `author.username` of every comment.
 * @type {Readonly<Author>}
 */
export const DELETED_AUTHOR: Readonly<Author>;
export type ItemKind = "discussions" | "comments";
/**
 * Who wrote a discussion or a comment.
 */
export type Author = {
    /**
     * null when the author is shown by pseudonym, or for a
     * deleted comment
     */
    id: number | null;
    /**
     * the username, the per-article pseudonym, or "[deleted]"
     */
    username: string;
    is_pseudonymous: boolean;
    /**
     * an avatar's URL; null: none
     */
    profile_pic_url: string | null;
};
export type Discussion = {
    id: number;
    article_id: number;
    community_id: number;
    topic: string;
    content: string;
    /**
     * `content` rendered from Markdown and sanitised;
     * null when too long to ride along (GET /api/discussions/{id}/content_html)
     */
    content_html: string | null;
    author: Author;
    /**
     * the same as `author`, under the name some front ends read
     */
    user: Author;
    is_pseudonymous: boolean;
    is_resolved: boolean;
    /**
     * live (not deleted) comments
     */
    comments_count: number;
    /**
     * incremented by every change; never apply an older version
     * over a newer one
     */
    version: number;
    created_at: string;
    updated_at: string;
};
export type Comment = {
    id: number;
    discussion_id: number;
    article_id: number;
    community_id: number;
    parent_id: number | null;
    /**
     * 0 for top-level comments; replies nest at most to depth 2
     */
    depth: number;
    /**
     * "[deleted]" for a deleted comment kept for its replies
     */
    content: string;
    /**
     * `content` rendered from Markdown and sanitised
     * ("" when deleted); null when too long to ride along (GET /api/comments/{id}/content_html)
     */
    content_html: string | null;
    /**
     * for a deleted comment, DELETED_AUTHOR
     */
    author: Author;
    is_pseudonymous: boolean;
    is_deleted: boolean;
    version: number;
    created_at: string;
    updated_at: string;
};
export type RealtimeEventType = "new_discussion" | "updated_discussion" | "deleted_discussion" | "new_comment" | "updated_comment" | "deleted_comment";
export type RealtimeEventData = {
    /**
     * full object for
     * new/updated; `{id, version}` for deleted_discussion
     */
    discussion?: Discussion | {
        id: number;
        version?: number;
    } | undefined;
    /**
     * full object. A comment deleted while it has live replies
     * stays in the tree and comes as `updated_comment` with the "[deleted]" placeholder;
     * `deleted_comment` (also carrying the placeholder) means it left the tree: remove it.
     */
    comment?: Comment | undefined;
    article_id: number;
    community_id: number;
    discussion_id?: number | undefined;
    comment_id?: number | undefined;
    parent_id?: number | null | undefined;
};
export type RealtimeEvent = {
    type: RealtimeEventType;
    data: RealtimeEventData;
    community_ids: number[];
    /**
     * ISO 8601
     */
    timestamp: string;
    /**
     * global, increasing; absent on events shared between tabs
     * from a tab's own write
     */
    event_id?: number | undefined;
};
/**
 * The versions at which items went away, by id.
 */
export type RemovedVersions = {
    discussions: Record<number, number>;
    comments: Record<number, number>;
};
/**
 * What one article page (or one TanStack Query cache entry) holds.
 */
export type ArticleState = {
    /**
     * newest first
     */
    discussions: Discussion[];
    /**
     * flat lists, parents before
     * replies, by id; absent key = comments not loaded
     */
    commentsByDiscussion: Record<number, Comment[]>;
    /**
     * maintained by applyEvent
     */
    removed?: RemovedVersions | undefined;
};
export type ApplyScope = {
    /**
     * events of other articles leave the state unchanged
     */
    articleId?: number | undefined;
    /**
     * events of other communities leave the state unchanged
     */
    communityId?: number | undefined;
};
export type CommentNode = {
    comment: Comment;
    replies: CommentNode[];
};
