/**
 * The article page's state, and every way it changes.
 *
 * The state is one object that the store replaces, never changes in place; its
 * methods below are the only transitions. The page renders the state after each
 * one and reacts to what it reports (subscribe): it highlights what changed and
 * tells the reader about others' changes.
 *
 * The discussions and comments (`articleState`) go through these phases:
 *
 * | phase      | events from the stream | own writes      | moves on                             |
 * |------------|------------------------|-----------------|--------------------------------------|
 * | loading    | kept                   | applied, kept   | loadSnapshot: snapshot → ready, then |
 * |            |                        |                 | refetching if a gap was reported     |
 * |            |                        |                 | meanwhile; failure → closed          |
 * | ready      | applied                | applied         | gapReported → refetching             |
 * | refetching | kept                   | applied, kept   | snapshot → ready, or refetching once |
 * |            |                        |                 | more if a gap was reported meanwhile;|
 * |            |                        |                 | access lost → closed; API unreachable|
 * |            |                        |                 | → retrying                           |
 * | retrying   | applied                | applied         | RETRY_MS later, or gapReported →     |
 * |            |                        |                 | refetching                           |
 * | closed     | ignored                | ignored         | none: a notice shows instead         |
 *
 * Kept events (`#buffered`) are applied on top of the snapshot under way when it
 * arrives, as it may predate them (versions make their order irrelevant). A gap
 * reported while a snapshot is under way (`#refetchAgain`) may postdate it too.
 * Discussions that arrive without their comments, and posts too long for their
 * HTML to ride along, are fetched as soon as the state holds them.
 *
 * The transitions, by what they change:
 * - the data: articleOpened, loadSnapshot, eventArrived, ownWriteApplied,
 *   gapReported, newPostsRequested, close, release (the table above);
 * - the reader's membership: roleChanged (a new role, or membership of a public
 *   community, shows or hides what it allows without a reload);
 * - the reader's marks and choices: itemSeen, newItemsCounted, filterChosen,
 *   orderChosen, foldToggled, threadLevelOpened, commentRevealed, replyDraftsChanged;
 * - the others present: typistsChanged, presenceChanged, presenceNamesShown;
 * - what the reader is told: toastShown, toastMerged, toastDismissed, announced.
 */

import { applyEvent, createArticleState, liveCount } from '../../realtime/apply-event.js';
import { targetOf } from './describe.js';
import { itemDomId } from './elements.js';

/** @typedef {import('../../realtime/apply-event').ArticleState} ArticleState */
/** @typedef {import('../../realtime/apply-event').Author} Author */
/** @typedef {import('../../realtime/apply-event').ApplyScope} ApplyScope */
/** @typedef {import('../../realtime/apply-event').Comment} Comment */
/** @typedef {import('../../realtime/apply-event').Discussion} Discussion */
/** @typedef {import('../../realtime/apply-event').RealtimeEvent} RealtimeEvent */
/** @typedef {import('../api.js').SessionUser} SessionUser */
/** @typedef {import('./describe.js').Sentence} Sentence */
/** @typedef {'discussion' | 'comment'} ItemKind */
/** @typedef {'loading' | 'ready' | 'refetching' | 'retrying' | 'closed'} Phase */

/**
 * What the page shows instead of the article.
 * @typedef {object} Notice
 * @property {string} title
 * @property {string} text
 * @property {{href: string, text: string, primary?: boolean}[]} [links]
 */

/**
 * A toast: a change the reader cannot see, with a link to it.
 * @typedef {object} Toast
 * @property {number} id
 * @property {Sentence} sentence what happened
 * @property {string} targetId the element id of the item it shows
 * @property {string | null} kind new items of this kind merge into it while it shows
 * @property {number} count items merged into it
 * @property {Author[]} authors their authors, each once
 * @property {string[]} unseen element ids of its items the reader has not seen yet: once
 *   the last of them is seen the toast has nothing left to tell, and goes
 */

/**
 * The reader's check for new posts on a page that does not follow the article live:
 * under way, or what it found.
 * @typedef {{checking: true} | {checking: false, discussions: number, comments: number}}
 *   NewPostsCheck
 */

/**
 * Who has the article open, as the presence reports and signals say.
 * @typedef {{count: number, members: {id: number, username: string}[]}} Presence
 */

/**
 * @typedef {object} PageState
 * @property {Phase} phase
 * @property {Notice | null} notice shown instead of the article (closed)
 * @property {number} articleId
 * @property {SessionUser | null} me the signed-in user
 * @property {any} community as the API returns it, once fetched
 * @property {any} article as the API returns it, once fetched
 * @property {ApplyScope} scope what events must match to apply here
 * @property {boolean} live a private community: realtime, presence and typing
 * @property {boolean} canPost
 * @property {string | null} myPseudonym the reader's pseudonym on this article
 * @property {Date | null} lastVisit the reader's visit before this one (null: none)
 * @property {ArticleState} articleState the discussions and comments
 * @property {ReadonlySet<string>} arrived element ids of items others added while the
 *   page is open
 * @property {ReadonlySet<string>} seen element ids of new items the reader has seen
 * @property {number} newOffScreen new items not seen yet, outside the viewport
 * @property {string} filter which discussions show: all, open or resolved
 * @property {string} order newest, oldest or comments
 * @property {ReadonlySet<string>} unfolded content element ids of long posts opened
 * @property {ReadonlySet<string>} openLevels thread levels the reader opened whole (a long
 *   level shows its first comments and its newest): the element id of the discussion, for
 *   its top-level comments, or of the comment, for its replies
 * @property {ReadonlySet<number>} keptShown comments that show even in a folded level: the
 *   reader wrote them here, or followed a link to them
 * @property {number} replyDrafts counts the reply drafts dropped (they live in storage)
 * @property {Readonly<Record<number, string[]>>} typing who is writing, per discussion
 * @property {Presence | null} presence
 * @property {boolean} presenceNamesShown whether the reader opened the list of who is here
 * @property {NewPostsCheck | null} newPostsCheck the reader's last check for new posts
 * @property {readonly Toast[]} toasts oldest first
 * @property {number | null} mergingToast the toast new items merge into
 * @property {string} announcement what screen readers were last told
 */

/**
 * What a transition did, for the page's reactions; `shown` for the rest.
 * @typedef {{type: 'applied', event: RealtimeEvent, before: ArticleState,
 *     after: ArticleState, byOthers: boolean}
 *   | {type: 'own', event: RealtimeEvent}
 *   | {type: 'refetched', before: ArticleState, after: ArticleState}
 *   | {type: 'closed'}
 *   | {type: 'shown'}} Change
 */

/** @typedef {(state: PageState, change: Change) => void} Listener */

/**
 * @typedef {object} StoreOptions
 * @property {number} articleId
 * @property {SessionUser | null} me
 * @property {(communityId: number, articleId: number) => Promise<ArticleState>} fetchSnapshot
 * @property {(discussionId: number) => Promise<Comment[] | null>} fetchComments
 *   null when the discussion is gone
 * @property {(kind: ItemKind, id: number) => Promise<string>} fetchHtml a post's content_html
 * @property {(error: unknown, during: 'load' | 'refetch') => Notice | null} noticeFor
 *   what shows after a snapshot failed; null: the API is unreachable, try again
 * @property {number} [retryMs] wait before trying a failed refetch again
 */

const RETRY_MS = 3000;
export const MAX_TOASTS = 4;
const SHOWN = /** @type {Change} */ ({ type: 'shown' });

/**
 * What the reader may do on the article: follow it live (a private community:
 * realtime, presence and typing) and post.
 * @param {any} community as the API returns it
 * @param {SessionUser | null} me
 */
export function accessOf(community, me) {
  const isPrivate = community.type === 'private';
  return {
    live: isPrivate && Boolean(me),
    canPost: Boolean(me) && (!isPrivate || Boolean(community.my_role)),
  };
}

/**
 * @param {PageState} state
 * @param {any} item a discussion or comment
 * @returns whether the reader wrote it (under their name or their pseudonym)
 */
export function isMine(state, item) {
  const { me, myPseudonym } = state;
  if (!me || !item?.author) return false;
  const { author } = item;
  if (author.is_pseudonymous) return myPseudonym !== null && author.username === myPseudonym;
  return author.id === me.id;
}

/**
 * Element ids of a list of items, and which of them someone else wrote since the
 * reader's last visit: worked out once per list (the state replaces only the lists
 * that change).
 * @typedef {{ids: string[], writtenSince: boolean[], reads: unknown[]}} ListMarks
 */

/** @type {WeakMap<readonly (Discussion | Comment)[], ListMarks>} */
const listMarks = new WeakMap();

/**
 * @param {PageState} state
 * @param {ItemKind} kind
 * @param {readonly (Discussion | Comment)[]} list
 */
function marksOfList(state, kind, list) {
  const { lastVisit, myPseudonym } = state;
  const cached = listMarks.get(list);
  if (cached && cached.reads[0] === lastVisit && cached.reads[1] === myPseudonym) return cached;
  const since = lastVisit?.getTime() ?? Infinity;
  const marks = {
    ids: list.map((item) => itemDomId(kind, item.id)),
    writtenSince: list.map((item) => Date.parse(item.created_at) > since && !isMine(state, item)),
    reads: [lastVisit, myPseudonym],
  };
  listMarks.set(list, marks);
  return marks;
}

/**
 * The items marked new: someone else wrote them after the reader's last visit or
 * while the page is open, and the reader has not seen them yet. Their element ids,
 * and per discussion a key of its marked comments (equal while they are the same).
 * @typedef {{ids: ReadonlySet<string>, keyOf: (discussionId: number) => string}} NewMarks
 */

/** @type {WeakMap<ArticleState, {reads: unknown[], marks: NewMarks}>} */
const newMarksOf = new WeakMap();

/**
 * The items marked new in this state; worked out again only when the items or the
 * reader's marks changed.
 * @param {PageState} state
 * @returns {NewMarks}
 */
export function newMarks(state) {
  const { articleState, seen, arrived } = state;
  const reads = [seen, arrived, state.lastVisit, state.myPseudonym];
  const cached = newMarksOf.get(articleState);
  if (cached?.reads.every((value, i) => value === reads[i])) return cached.marks;
  /** @type {Set<string>} */
  const ids = new Set();
  /**
   * @param {ItemKind} kind
   * @param {readonly (Discussion | Comment)[]} list
   * @returns {string} the key of those marked
   */
  const mark = (kind, list) => {
    const { ids: listIds, writtenSince } = marksOfList(state, kind, list);
    let key = '';
    listIds.forEach((id, i) => {
      if (seen.has(id) || !(writtenSince[i] || arrived.has(id))) return;
      ids.add(id);
      key += `${id} `;
    });
    return key;
  };
  mark('discussion', articleState.discussions);
  /** @type {Map<number, string>} */
  const keys = new Map();
  for (const [discussionId, comments] of Object.entries(articleState.commentsByDiscussion)) {
    keys.set(Number(discussionId), mark('comment', comments));
  }
  const marks = { ids, keyOf: (/** @type {number} */ id) => keys.get(id) ?? '' };
  newMarksOf.set(articleState, { reads, marks });
  return marks;
}

/**
 * @template T
 * @param {ReadonlySet<T>} set
 * @param {T} value
 * @returns {ReadonlySet<T>}
 */
function withValue(set, value) {
  return set.has(value) ? set : new Set(set).add(value);
}

/**
 * The list with the item's HTML filled in, or null when the list holds another
 * version of it (a late answer never overwrites a newer post).
 * @template {Discussion | Comment} T
 * @param {T[]} list
 * @param {T} item as it was when its HTML was asked for
 * @param {string} html
 * @returns {T[] | null}
 */
function withHtml(list, item, html) {
  const at = list.findIndex((x) => x.id === item.id);
  if (at < 0 || list[at].version !== item.version || list[at].content_html != null) return null;
  return list.map((x, i) => (i === at ? { ...x, content_html: html } : x));
}

export class ArticleStore {
  /** @type {PageState} */
  #state;
  /** @type {StoreOptions} */
  #options;
  /** @type {Set<Listener>} */
  #listeners = new Set();
  /** @type {RealtimeEvent[]} */
  #buffered = [];
  #refetchAgain = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #retryTimer;
  /** @type {Set<number>} discussions whose comments are being fetched */
  #commentsRequested = new Set();
  /** @type {Set<string>} posts whose HTML is being fetched, or failed to be */
  #htmlRequested = new Set();
  /** @type {Change[]} changes not yet told to the listeners */
  #untold = [];
  #telling = false;
  #lastToastId = 0;
  /** @type {ArticleState | null} what the reader's check for new posts compares with */
  #checkedFrom = null;

  /** @param {StoreOptions} options */
  constructor(options) {
    this.#options = options;
    this.#state = {
      phase: 'loading',
      notice: null,
      articleId: options.articleId,
      me: options.me,
      community: null,
      article: null,
      scope: { articleId: options.articleId },
      live: false,
      canPost: false,
      myPseudonym: null,
      lastVisit: null,
      articleState: createArticleState(),
      arrived: new Set(),
      seen: new Set(),
      newOffScreen: 0,
      filter: 'all',
      order: 'newest',
      unfolded: new Set(),
      openLevels: new Set(),
      keptShown: new Set(),
      replyDrafts: 0,
      typing: {},
      presence: null,
      presenceNamesShown: false,
      newPostsCheck: null,
      toasts: [],
      mergingToast: null,
      announcement: '',
    };
  }

  get state() {
    return this.#state;
  }

  /**
   * Call `listener` after every transition, with the new state and what changed.
   * @param {Listener} listener
   */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ------------------------------------------------------------ the data's phases

  /**
   * The community and the article are known (still loading their discussions).
   * @param {{community: any, article: any, myPseudonym: string | null,
   *   lastVisit: Date | null}} opened
   */
  articleOpened({ community, article, myPseudonym, lastVisit }) {
    const { me, articleId } = this.#state;
    const scope = { articleId, communityId: community.id };
    this.#set({ community, article, myPseudonym, lastVisit, scope, ...accessOf(community, me) });
  }

  /**
   * The reader's role in the community changed (the community as the API answers now).
   * @param {any} community
   */
  roleChanged(community) {
    if (this.#state.phase === 'closed') return;
    this.#set({ community, ...accessOf(community, this.#state.me) });
  }

  /** loading → ready (or closed): fetch the discussions, with what arrived meanwhile. */
  async loadSnapshot() {
    const snapshot = await this.#fetchSnapshot('load');
    if (!snapshot) return;
    this.#set({ phase: 'ready', articleState: this.#withBuffered(snapshot) });
    if (this.#refetchAgain) this.#refetch();
  }

  /**
   * An event from the stream: from the server, or another tab's own write.
   * @param {RealtimeEvent} event
   * @param {{source: string}} info
   */
  eventArrived(event, info) {
    const { phase } = this.#state;
    if (phase === 'closed') return;
    if (phase === 'loading' || phase === 'refetching') {
      this.#buffered.push(event);
      return;
    }
    const state = this.#state;
    const item = event.data?.comment ?? event.data?.discussion;
    const byOthers = info.source === 'server' && !isMine(state, item);
    const after = applyEvent(state.articleState, event, state.scope);
    if (after === state.articleState) return;
    const target = targetOf(event);
    const isNew = event.type === 'new_comment' || event.type === 'new_discussion';
    const arrived = byOthers && isNew && target?.id !== undefined
      ? withValue(state.arrived, itemDomId(target.kind, target.id))
      : state.arrived;
    this.#set(
      { articleState: after, arrived },
      { type: 'applied', event, before: state.articleState, after, byOthers },
    );
  }

  /**
   * This tab's own write, as the event its HTTP answer makes.
   * @param {RealtimeEvent} event
   */
  ownWriteApplied(event) {
    const { phase, articleState, scope } = this.#state;
    if (phase === 'closed') return;
    if (phase === 'loading' || phase === 'refetching') this.#buffered.push(event);
    const after = applyEvent(articleState, event, scope);
    if (after === articleState) return;
    // The reader's own new comment shows where they look for it, however long the thread.
    const written = event.type === 'new_comment' ? event.data.comment?.id : undefined;
    const keptShown = written === undefined
      ? this.#state.keptShown
      : withValue(this.#state.keptShown, written);
    this.#set({ articleState: after, keptShown }, { type: 'own', event });
  }

  /** Events may have been missed (the stream's resync, or a write found its item gone). */
  gapReported() {
    switch (this.#state.phase) {
      case 'loading':
      case 'refetching':
        this.#refetchAgain = true;
        return;
      case 'ready':
      case 'retrying':
        clearTimeout(this.#retryTimer);
        this.#refetch();
        return;
      default:
    }
  }

  /**
   * The reader asked for new posts (a page that does not follow the article live): the
   * discussions are fetched again, as after a gap, and what they add is counted.
   */
  newPostsRequested() {
    if (this.#state.phase === 'closed' || this.#state.newPostsCheck?.checking) return;
    this.#checkedFrom = this.#state.articleState;
    this.#set({ newPostsCheck: { checking: true } });
    this.gapReported();
  }

  /**
   * Any phase → closed: the page shows a notice instead of the article.
   * @param {Notice} notice
   */
  close(notice) {
    if (this.#state.phase === 'closed') return;
    clearTimeout(this.#retryTimer);
    this.#buffered = [];
    this.#set({ phase: 'closed', notice }, { type: 'closed' });
  }

  /** The page is put away: no timer runs; a gap reported on its return fetches again. */
  release() {
    clearTimeout(this.#retryTimer);
  }

  /** refetching until a snapshot lands that no reported gap postdates. */
  async #refetch() {
    this.#set({ phase: 'refetching' });
    do {
      this.#refetchAgain = false;
      const fresh = await this.#fetchSnapshot('refetch');
      if (!fresh) return;
      const before = this.#state.articleState;
      // What was deleted stays deleted: a late event must not bring it back.
      const kept = before.removed ? { ...fresh, removed: before.removed } : fresh;
      const after = this.#withBuffered(kept);
      const phase = this.#refetchAgain ? 'refetching' : 'ready';
      const found = phase === 'ready' ? this.#newPostsFound(after) : {};
      this.#set({ phase, articleState: after, ...found }, { type: 'refetched', before, after });
    } while (this.#refetchAgain);
  }

  /**
   * What a finished check for new posts found, if one is under way: how many items the
   * fresh state adds, those by others marked new like items arriving live.
   * @param {ArticleState} fresh
   * @returns {Partial<PageState>}
   */
  #newPostsFound(fresh) {
    const from = this.#checkedFrom;
    if (!from || !this.#state.newPostsCheck?.checking) return {};
    this.#checkedFrom = null;
    const state = this.#state;
    /** @type {Set<string>} */
    const arrived = new Set(state.arrived);
    /**
     * @param {ItemKind} kind
     * @param {readonly (Discussion | Comment)[]} held
     * @param {readonly (Discussion | Comment)[]} now
     */
    const countAdded = (kind, held, now) => {
      const known = new Set(held.map((item) => item.id));
      const added = now.filter((item) => !known.has(item.id));
      for (const item of added) if (!isMine(state, item)) arrived.add(itemDomId(kind, item.id));
      return added.length;
    };
    const discussions = countAdded('discussion', from.discussions, fresh.discussions);
    let comments = 0;
    for (const [id, list] of Object.entries(fresh.commentsByDiscussion)) {
      comments += countAdded('comment', from.commentsByDiscussion[Number(id)] ?? [], list);
    }
    return { newPostsCheck: { checking: false, discussions, comments }, arrived };
  }

  /**
   * The article's discussions from the API; null when the fetch failed (then retrying
   * or closed) or the page closed meanwhile.
   * @param {'load' | 'refetch'} during
   * @returns {Promise<ArticleState | null>}
   */
  async #fetchSnapshot(during) {
    const { community, articleId } = this.#state;
    try {
      const snapshot = await this.#options.fetchSnapshot(community.id, articleId);
      return this.#state.phase === 'closed' ? null : snapshot;
    } catch (error) {
      this.#snapshotFailed(error, during);
      return null;
    }
  }

  /**
   * @param {unknown} error
   * @param {'load' | 'refetch'} during
   */
  #snapshotFailed(error, during) {
    if (this.#state.phase === 'closed') return;
    const notice = this.#options.noticeFor(error, during);
    if (notice) {
      this.close(notice);
      return;
    }
    this.#set({ phase: 'retrying' });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#refetch();
    }, this.#options.retryMs ?? RETRY_MS);
  }

  /**
   * A fresh snapshot with the events kept meanwhile applied on top.
   * @param {ArticleState} fresh
   */
  #withBuffered(fresh) {
    let next = fresh;
    for (const event of this.#buffered) next = applyEvent(next, event, this.#state.scope);
    this.#buffered = [];
    return next;
  }

  // ------------------------------------------------- what the state lacks, fetched

  #fetchMissing() {
    const { phase, articleState } = this.#state;
    if (phase === 'closed') return;
    for (const d of articleState.discussions) {
      if (!articleState.commentsByDiscussion[d.id]) this.#fetchComments(d.id);
      if (d.content_html == null) this.#fetchHtml('discussion', d);
    }
    for (const comments of Object.values(articleState.commentsByDiscussion)) {
      for (const c of comments) if (c.content_html == null) this.#fetchHtml('comment', c);
    }
  }

  /** @param {number} discussionId */
  #fetchComments(discussionId) {
    if (this.#commentsRequested.has(discussionId)) return;
    this.#commentsRequested.add(discussionId);
    this.#options.fetchComments(discussionId).then(
      (items) => {
        this.#commentsRequested.delete(discussionId);
        if (items) this.#commentsArrived(discussionId, items);
      },
      () => this.#commentsRequested.delete(discussionId),
    );
  }

  /**
   * @param {number} discussionId
   * @param {Comment[]} items
   */
  #commentsArrived(discussionId, items) {
    const state = this.#state.articleState;
    if (this.#state.phase === 'closed' || state.commentsByDiscussion[discussionId]) return;
    this.#set({
      articleState: {
        ...state,
        commentsByDiscussion: { ...state.commentsByDiscussion, [discussionId]: items },
        discussions: state.discussions.map((d) =>
          d.id === discussionId ? { ...d, comments_count: liveCount(items) } : d,
        ),
      },
    });
  }

  /**
   * Fetch a post's HTML once per version; a failed fetch leaves its text showing.
   * @param {ItemKind} kind
   * @param {Discussion | Comment} item
   */
  #fetchHtml(kind, item) {
    const key = `${itemDomId(kind, item.id)}@${item.version}`;
    if (this.#htmlRequested.has(key)) return;
    this.#htmlRequested.add(key);
    this.#options.fetchHtml(kind, item.id).then(
      (html) => {
        this.#htmlRequested.delete(key);
        this.#htmlArrived(kind, item, html);
      },
      () => {}, // the text stays readable; the post's next version tries again
    );
  }

  /**
   * @param {ItemKind} kind
   * @param {Discussion | Comment} item as it was when its HTML was asked for
   * @param {string} html
   */
  #htmlArrived(kind, item, html) {
    const state = this.#state.articleState;
    if (kind === 'discussion') {
      const discussions = withHtml(state.discussions, /** @type {Discussion} */ (item), html);
      if (discussions) this.#set({ articleState: { ...state, discussions } });
      return;
    }
    const comment = /** @type {Comment} */ (item);
    const discussionId = comment.discussion_id;
    const comments = withHtml(state.commentsByDiscussion[discussionId] ?? [], comment, html);
    if (!comments) return;
    const commentsByDiscussion = { ...state.commentsByDiscussion, [discussionId]: comments };
    this.#set({ articleState: { ...state, commentsByDiscussion } });
  }

  // ------------------------------------------------------------------- the reader

  /**
   * The reader has seen a new item: its mark goes, and so do the toasts left with
   * nothing unseen to show.
   * @param {string} domId
   */
  itemSeen(domId) {
    const { seen, toasts, mergingToast } = this.#state;
    const seenNow = withValue(seen, domId);
    if (seenNow === seen) return;
    const told = toasts.map((t) => (t.unseen.includes(domId)
      ? { ...t, unseen: t.unseen.filter((id) => id !== domId) }
      : t));
    const kept = told.filter((t, i) => t.unseen.length > 0 || toasts[i].unseen.length === 0);
    const merging = kept.some((t) => t.id === mergingToast) ? mergingToast : null;
    this.#set({ seen: seenNow, toasts: kept, mergingToast: merging });
  }

  /** @param {number} count new items not seen yet, outside the viewport */
  newItemsCounted(count) {
    if (count !== this.#state.newOffScreen) this.#set({ newOffScreen: count });
  }

  /** @param {string} filter all, open or resolved */
  filterChosen(filter) {
    if (filter !== this.#state.filter) this.#set({ filter });
  }

  /** @param {string} order newest, oldest or comments */
  orderChosen(order) {
    if (order !== this.#state.order) this.#set({ order });
  }

  /**
   * A long post opened or folded again.
   * @param {string} contentId its content element's id
   */
  foldToggled(contentId) {
    const unfolded = new Set(this.#state.unfolded);
    if (!unfolded.delete(contentId)) unfolded.add(contentId);
    this.#set({ unfolded });
  }

  /**
   * The reader opened a folded thread level whole.
   * @param {string} levelId the discussion's element id (its top-level comments) or the
   *   comment's (its replies)
   */
  threadLevelOpened(levelId) {
    const openLevels = withValue(this.#state.openLevels, levelId);
    if (openLevels !== this.#state.openLevels) this.#set({ openLevels });
  }

  /**
   * A link or a toast leads to a comment: it shows, even in a folded level.
   * @param {number} commentId
   */
  commentRevealed(commentId) {
    const keptShown = withValue(this.#state.keptShown, commentId);
    if (keptShown !== this.#state.keptShown) this.#set({ keptShown });
  }

  /** A reply draft was posted or dropped (drafts live in storage, not here). */
  replyDraftsChanged() {
    this.#set({ replyDrafts: this.#state.replyDrafts + 1 });
  }

  // ------------------------------------------------------------ the others present

  /**
   * @param {number} discussionId
   * @param {string[]} names who is writing a comment there now
   */
  typistsChanged(discussionId, names) {
    this.#set({ typing: { ...this.#state.typing, [discussionId]: names } });
  }

  /** @param {Presence} presence */
  presenceChanged(presence) {
    this.#set({ presence });
  }

  /** @param {boolean} shown the reader opened or closed the list of who is here */
  presenceNamesShown(shown) {
    if (shown !== this.#state.presenceNamesShown) this.#set({ presenceNamesShown: shown });
  }

  // ------------------------------------------------------ toasts and announcements

  /**
   * A new toast; the oldest goes when there are too many.
   * @param {{sentence: Sentence, targetId: string, kind?: string | null}} toast
   *   kind: new items of that kind merge into it until another such toast shows
   * @returns {number} its id
   */
  toastShown({ sentence, targetId, kind = null }) {
    const id = ++this.#lastToastId;
    const authors = sentence.actor ? [sentence.actor] : [];
    const unseen = this.#state.seen.has(targetId) ? [] : [targetId];
    const toast = { id, sentence, targetId, kind, count: 1, authors, unseen };
    const toasts = [...this.#state.toasts, toast];
    const kept = toasts.slice(-MAX_TOASTS);
    let mergingToast = kind === null ? this.#state.mergingToast : id;
    if (!kept.some((t) => t.id === mergingToast)) mergingToast = null;
    this.#set({ toasts: kept, mergingToast });
    return id;
  }

  /**
   * One more new item in a toast.
   * @param {number} id
   * @param {Author} author
   * @param {string} targetId the element id of the item
   */
  toastMerged(id, author, targetId) {
    const named = (/** @type {Toast} */ t) =>
      t.authors.some((known) => known.username === author.username);
    const merged = (/** @type {Toast} */ t) => ({
      ...t,
      count: t.count + 1,
      authors: named(t) ? t.authors : [...t.authors, author],
      unseen: this.#state.seen.has(targetId) ? t.unseen : [...t.unseen, targetId],
    });
    const toasts = this.#state.toasts.map((t) => (t.id === id ? merged(t) : t));
    this.#set({ toasts });
  }

  /** @param {number} id */
  toastDismissed(id) {
    const { toasts, mergingToast } = this.#state;
    if (!toasts.some((t) => t.id === id)) return;
    this.#set({
      toasts: toasts.filter((t) => t.id !== id),
      mergingToast: mergingToast === id ? null : mergingToast,
    });
  }

  /** @param {string} text told to screen readers (politely) */
  announced(text) {
    this.#set({ announcement: text });
  }

  // -------------------------------------------------------------------- internals

  /**
   * @param {Partial<PageState>} patch
   * @param {Change} [change]
   */
  #set(patch, change = SHOWN) {
    const before = this.#state;
    this.#state = { ...before, ...patch };
    if (this.#state.articleState !== before.articleState) this.#fetchMissing();
    this.#tell(change);
  }

  /**
   * Tell the listeners, in order: a transition a listener causes is told after the
   * current one has been told to every listener.
   * @param {Change} change
   */
  #tell(change) {
    this.#untold.push(change);
    if (this.#telling) return;
    this.#telling = true;
    try {
      for (let next = this.#untold.shift(); next; next = this.#untold.shift()) {
        for (const listener of this.#listeners) listener(this.#state, next);
      }
    } finally {
      this.#telling = false;
    }
  }
}
