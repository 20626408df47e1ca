import test from 'node:test';
import assert from 'node:assert/strict';

import { createArticleState } from '../../src/web/static/web/realtime/apply-event.js';
import { ArticleStore, newMarks } from '../../src/web/static/web/js/article/store.js';
import { flush } from './support/fakes.mjs';
import { ARTICLE, BOB, COMMUNITY, comment, discussion } from './support/objects.mjs';

const ME = { id: 1, username: 'alice' };

function event(type, data) {
  return {
    type,
    data: { article_id: ARTICLE, community_id: COMMUNITY, ...data },
    community_ids: [COMMUNITY],
    timestamp: '2025-01-01T00:00:00Z',
  };
}

const newDiscussion = (d) => event('new_discussion', { discussion: d });
const newComment = (c) => event('new_comment', {
  comment: c, comment_id: c.id, discussion_id: c.discussion_id, parent_id: null,
});
const MINE = { ...ME, is_pseudonymous: false };
const FROM_SERVER = { source: 'server' };

/** A snapshot fetch the test answers when it likes: resolve(state) or reject(error). */
function snapshots() {
  const pending = [];
  const fetchSnapshot = () => new Promise((resolve, reject) => pending.push({ resolve, reject }));
  return { fetchSnapshot, pending };
}

/**
 * Waits for a condition, checking each few milliseconds, for at most 5 s.
 * @param {() => boolean} condition
 * @param {string} what
 */
async function until(condition, what) {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function opened(options = {}) {
  const { fetchSnapshot, pending } = snapshots();
  const changes = [];
  const store = new ArticleStore({
    articleId: ARTICLE,
    me: ME,
    fetchSnapshot,
    fetchComments: async () => [],
    fetchHtml: async () => '<p>fetched</p>',
    noticeFor: (error) => (error.status === 403 ? { title: 'Members only', text: '' } : null),
    retryMs: 5,
    ...options,
  });
  store.subscribe((state, change) => changes.push(change));
  store.articleOpened({
    community: { id: COMMUNITY, type: 'private', my_role: 'member', name: 'Lab' },
    article: { id: ARTICLE, title: 'An article' },
    myPseudonym: null,
    lastVisit: null,
  });
  return { store, pending, changes };
}

const ids = (store) => store.state.articleState.discussions.map((d) => d.id);

test('events arriving while the first snapshot loads are applied on top of it', async () => {
  const { store, pending } = opened();
  const loading = store.loadSnapshot();
  store.eventArrived(newDiscussion(discussion(2)), FROM_SERVER);
  assert.equal(store.state.phase, 'loading');
  assert.deepEqual(ids(store), [], 'kept, not shown');
  pending[0].resolve(createArticleState([discussion(1)], { 1: [] }));
  await loading;
  assert.equal(store.state.phase, 'ready');
  assert.deepEqual(ids(store), [2, 1]);
});

test("the page's own write shows at once and is kept for the snapshot under way", async () => {
  const { store, pending, changes } = opened();
  const loading = store.loadSnapshot();
  store.ownWriteApplied(newDiscussion(discussion(5, { author: MINE })));
  assert.deepEqual(ids(store), [5]);
  assert.equal(changes.at(-1).type, 'own');
  pending[0].resolve(createArticleState([discussion(1)], { 1: [] }));
  await loading;
  assert.deepEqual(ids(store), [5, 1], 'the snapshot predates the write: it is applied again');
});

test('a gap reported while loading fetches once more after the snapshot', async () => {
  const { store, pending } = opened();
  const loading = store.loadSnapshot();
  store.gapReported();
  pending[0].resolve(createArticleState([discussion(1)], { 1: [] }));
  await loading;
  assert.equal(store.state.phase, 'refetching');
  assert.equal(pending.length, 2);
  pending[1].resolve(createArticleState([discussion(1), discussion(2)], { 1: [], 2: [] }));
  await flush();
  assert.equal(store.state.phase, 'ready');
  assert.deepEqual(ids(store), [2, 1]);
});

test('others\' new items are marked as arrived; the reader\'s own are not', async () => {
  const { store, pending, changes } = opened();
  const loading = store.loadSnapshot();
  pending[0].resolve(createArticleState([discussion(1)], { 1: [] }));
  await loading;
  store.eventArrived(newComment(comment(10, 1)), FROM_SERVER);
  const applied = changes.at(-1);
  assert.equal(applied.type, 'applied');
  assert.equal(applied.byOthers, true);
  assert.ok(newMarks(store.state).ids.has('comment-10'));
  assert.equal(newMarks(store.state).keyOf(1), 'comment-10 ');
  store.eventArrived(newComment(comment(11, 1, { author: MINE })), FROM_SERVER);
  assert.equal(changes.at(-1).byOthers, false);
  assert.ok(!store.state.arrived.has('comment-11'));
  store.itemSeen('comment-10');
  assert.ok(!newMarks(store.state).ids.has('comment-10'));
});

test('while refetching, events wait for the snapshot; a gap meanwhile fetches again', async () => {
  const { store, pending, changes } = opened();
  const loading = store.loadSnapshot();
  pending[0].resolve(createArticleState([discussion(1)], { 1: [] }));
  await loading;
  store.gapReported();
  assert.equal(store.state.phase, 'refetching');
  store.eventArrived(newDiscussion(discussion(3)), FROM_SERVER);
  store.gapReported();
  assert.deepEqual(ids(store), [1]);
  pending[1].resolve(createArticleState([discussion(1), discussion(2)], { 1: [], 2: [] }));
  await flush();
  assert.deepEqual(ids(store), [3, 2, 1]);
  assert.equal(store.state.phase, 'refetching');
  assert.equal(changes.filter((c) => c.type === 'refetched').length, 1);
  pending[2].resolve(createArticleState([discussion(1), discussion(2)], { 1: [], 2: [] }));
  await flush();
  assert.equal(store.state.phase, 'ready');
});

test('an unreachable API is tried again; lost access closes the page', async () => {
  // Long enough that the phase between the failure and the retry can be seen on a busy machine.
  const { store, pending, changes } = opened({ retryMs: 300 });
  const loading = store.loadSnapshot();
  pending[0].resolve(createArticleState([discussion(1)], { 1: [] }));
  await loading;
  store.gapReported();
  pending[1].reject(new TypeError('Failed to fetch'));
  await flush();
  assert.equal(store.state.phase, 'retrying');
  store.eventArrived(newDiscussion(discussion(2)), FROM_SERVER);
  assert.deepEqual(ids(store), [2, 1], 'events apply while waiting to retry');
  await until(() => store.state.phase === 'refetching', 'the retry');
  pending[2].reject(Object.assign(new Error('Forbidden'), { status: 403 }));
  await flush();
  assert.equal(store.state.phase, 'closed');
  assert.equal(store.state.notice.title, 'Members only');
  assert.equal(changes.at(-1).type, 'closed');
  store.eventArrived(newDiscussion(discussion(4)), FROM_SERVER);
  store.gapReported();
  assert.equal(pending.length, 3, 'a closed page fetches nothing');
});

test('comments and HTML the state lacks are fetched, never over a newer version', async () => {
  const html = [];
  const { store, pending } = opened({
    fetchComments: async (id) => [comment(20, id)],
    fetchHtml: (kind, id) => new Promise((resolve) => html.push({ kind, id, resolve })),
  });
  const loading = store.loadSnapshot();
  pending[0].resolve(createArticleState([discussion(1, { content_html: null })]));
  await loading;
  await flush();
  assert.deepEqual(store.state.articleState.commentsByDiscussion[1].map((c) => c.id), [20]);
  assert.equal(store.state.articleState.discussions[0].comments_count, 1);
  assert.deepEqual(html.map(({ kind, id }) => [kind, id]), [['discussion', 1]]);
  const edited = discussion(1, { version: 2, content_html: null });
  store.eventArrived(event('updated_discussion', { discussion: edited }), FROM_SERVER);
  html[0].resolve('<p>for version 1</p>');
  await flush();
  const [shown] = store.state.articleState.discussions;
  assert.equal(shown.content_html, null, 'a late answer is dropped');
  html[1].resolve('<p>for version 2</p>');
  await flush();
  assert.equal(store.state.articleState.discussions[0].content_html, '<p>for version 2</p>');
});

/** An author object of a person named `name`. @param {string} name */
const person = (name) => ({
  id: 1, username: name, is_pseudonymous: false, profile_pic_url: null,
});

/**
 * A toast's sentence, said by the person named `name` or by no one.
 * @param {string} action
 * @param {string | null} [name]
 */
const said = (action, name = null) => ({ actor: name ? person(name) : null, action });

test('new items merge into the toast of their kind until it goes; the oldest goes first', () => {
  const { store } = opened();
  const first = store.toastShown({
    sentence: said('commented', 'bob'), targetId: 'comment-1', kind: 'comment',
  });
  store.toastMerged(first, person('carol'), 'comment-4');
  store.toastMerged(first, person('bob'), 'comment-5');
  assert.deepEqual(store.state.toasts[0].authors.map((a) => a.username), ['bob', 'carol']);
  assert.equal(store.state.toasts[0].count, 3);
  store.toastShown({ sentence: said('edited'), targetId: 'comment-2' });
  assert.equal(store.state.mergingToast, first, 'a toast of no kind leaves the merging one');
  for (let i = 0; i < 3; i += 1) {
    store.toastShown({ sentence: said(`edit ${i}`), targetId: 'comment-3' });
  }
  assert.equal(store.state.toasts.length, 4);
  assert.ok(!store.state.toasts.some((t) => t.id === first));
  assert.equal(store.state.mergingToast, null);
});

test('a check for new posts fetches again and counts what it added, marked new', async () => {
  const { store, pending } = opened();
  const loading = store.loadSnapshot();
  pending[0].resolve(createArticleState([discussion(1)], { 1: [comment(10, 1)] }));
  await loading;
  store.newPostsRequested();
  store.newPostsRequested();
  assert.deepEqual(store.state.newPostsCheck, { checking: true });
  assert.equal(pending.length, 2, 'a check under way is not asked twice');
  const mine = comment(12, 1, { author: MINE });
  pending[1].resolve(createArticleState([discussion(2), discussion(1)], {
    1: [comment(10, 1), comment(11, 1), mine], 2: [comment(20, 2)],
  }));
  await flush();
  assert.equal(store.state.phase, 'ready');
  assert.deepEqual(store.state.newPostsCheck, { checking: false, discussions: 1, comments: 3 });
  assert.deepEqual([...store.state.arrived], ['discussion-2', 'comment-11', 'comment-20']);
  store.gapReported();
  pending[2].resolve(createArticleState([discussion(1)], { 1: [] }));
  await flush();
  assert.equal(store.state.newPostsCheck.comments, 3, 'a refetch the reader did not ask for');
});

test('a toast goes once the reader has seen every item it tells of', () => {
  const { store } = opened();
  const merged = store.toastShown({
    sentence: said('commented', 'bob'), targetId: 'comment-1', kind: 'comment',
  });
  store.toastMerged(merged, person('carol'), 'comment-2');
  store.toastShown({ sentence: said('edited a comment', 'bob'), targetId: 'comment-9' });
  store.itemSeen('comment-3');
  store.itemSeen('comment-9');
  assert.deepEqual(store.state.toasts.map((t) => t.id), [merged], 'seen: the edit\'s item');
  store.itemSeen('comment-1');
  assert.deepEqual(store.state.toasts[0].unseen, ['comment-2']);
  assert.equal(store.state.mergingToast, merged);
  store.itemSeen('comment-2');
  assert.deepEqual(store.state.toasts, []);
  assert.equal(store.state.mergingToast, null);
  store.toastShown({ sentence: said('edited', 'bob'), targetId: 'comment-1' });
  store.itemSeen('comment-5');
  assert.equal(store.state.toasts.length, 1, 'a toast of a seen item waits for its time');
});

test('a thread level opens once; the reader\'s own comment and a linked one stay shown', () => {
  const { store } = opened();
  store.threadLevelOpened('discussion-1');
  store.threadLevelOpened('discussion-1');
  assert.deepEqual([...store.state.openLevels], ['discussion-1']);
  store.commentRevealed(12);
  assert.deepEqual([...store.state.keptShown], [12]);
});

test('a long level shows its first comments and its newest, and those that must show', async () => {
  const { foldLevel } = await import('../../src/web/static/web/js/article/thread-folding.js');
  const node = (id, replies = []) => ({ comment: { id }, replies });
  const nodes = [1, 2, 3, 4, 5, 6, 7].map((id) => node(id, id === 5 ? [node(50)] : []));
  const folded = foldLevel(nodes, false, () => false);
  assert.deepEqual(folded.shown.map((n) => n.comment.id), [1, 2, 3, 7]);
  assert.equal(folded.hiddenCount, 4); // 4, 5 and its reply, 6
  assert.equal(folded.moreAt, 3);
  assert.equal(folded.firstHiddenId, 4);
  const arrived = foldLevel(nodes, false, (id) => id === 50);
  assert.deepEqual(arrived.shown.map((n) => n.comment.id), [1, 2, 3, 5, 7]);
  assert.equal(foldLevel(nodes, true, () => false).shown.length, 7);
  assert.equal(foldLevel(nodes.slice(0, 5), false, () => false).shown.length, 5);
});
