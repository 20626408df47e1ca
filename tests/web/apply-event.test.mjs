import test from 'node:test';
import assert from 'node:assert/strict';

import {
  applyEvent,
  applyEvents,
  commentTree,
  createArticleState,
  deletedPlaceholder,
  hasLiveReply,
  liveCount,
} from '../../src/web/static/web/realtime/apply-event.js';
import { ARTICLE, COMMUNITY, comment, discussion } from './support/objects.mjs';

const scope = { articleId: ARTICLE, communityId: COMMUNITY };

let nextEventId = 100;
function event(type, data) {
  return {
    type,
    data: { article_id: ARTICLE, community_id: COMMUNITY, ...data },
    community_ids: [data.community_id ?? COMMUNITY],
    timestamp: '2025-01-01T00:00:00Z',
    event_id: nextEventId++,
  };
}

const newDiscussion = (d) => event('new_discussion', { discussion: d });
const updatedDiscussion = (d) => event('updated_discussion', { discussion: d });
const deletedDiscussion = (id, version) =>
  event('deleted_discussion', { discussion: { id, version }, discussion_id: id });
const commentEvent = (type, c) =>
  event(type, { comment: c, comment_id: c.id, discussion_id: c.discussion_id, parent_id: c.parent_id });
const deletedComment = (c) => commentEvent('deleted_comment', deletedPlaceholder(c));
const placeholderUpdate = (c) => commentEvent('updated_comment', deletedPlaceholder(c));

function deepFreeze(value) {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** What a fresh fetch returns, ignoring the bookkeeping of removed versions. */
function visible(state) {
  return { discussions: state.discussions, commentsByDiscussion: state.commentsByDiscussion };
}

test('new_discussion is added newest first, with an empty comment list', () => {
  const state = deepFreeze(createArticleState([discussion(1)], { 1: [] }));
  const next = applyEvent(state, newDiscussion(discussion(2)), scope);
  assert.deepEqual(next.discussions.map((d) => d.id), [2, 1]);
  assert.deepEqual(next.commentsByDiscussion[2], []);
  assert.equal(next.discussions[1], state.discussions[0], 'untouched items are shared');
});

test('events of another article or community leave the state unchanged (same object)', () => {
  const state = deepFreeze(createArticleState([discussion(1)], { 1: [] }));
  const other = newDiscussion(discussion(2, { article_id: 99 }));
  other.data.article_id = 99;
  assert.equal(applyEvent(state, other, scope), state);
  const otherCommunity = newDiscussion(discussion(3, { community_id: 4 }));
  otherCommunity.data.community_id = 4;
  assert.equal(applyEvent(state, otherCommunity, scope), state);
  assert.equal(applyEvent(state, { type: 'something_else', data: {} }, scope), state);
  assert.equal(applyEvent(state, null, scope), state);
});

test('a duplicate new_discussion never duplicates', () => {
  const d = discussion(2);
  const once = applyEvent(createArticleState([discussion(1)]), newDiscussion(d), scope);
  const twice = applyEvent(once, newDiscussion(d), scope);
  assert.equal(twice, once);
  assert.equal(twice.discussions.length, 2);
});

test('updates apply only when newer; never older over newer', () => {
  const state = deepFreeze(createArticleState([discussion(1, { version: 3, topic: 'v3' })]));
  assert.equal(applyEvent(state, updatedDiscussion(discussion(1, { version: 2, topic: 'v2' })), scope), state);
  assert.equal(applyEvent(state, updatedDiscussion(discussion(1, { version: 3, topic: 'x' })), scope), state);
  const next = applyEvent(state, updatedDiscussion(discussion(1, { version: 4, topic: 'v4' })), scope);
  assert.equal(next.discussions[0].topic, 'v4');
  assert.equal(state.discussions[0].topic, 'v3', 'input not mutated');
});

test('resolve shows up as an update', () => {
  const state = createArticleState([discussion(1)]);
  const next = applyEvent(state, updatedDiscussion(discussion(1, { version: 2, is_resolved: true })), scope);
  assert.equal(next.discussions[0].is_resolved, true);
});

test('deleted_discussion removes it and its comments; a late update does not revive it', () => {
  const state = deepFreeze(
    createArticleState([discussion(1), discussion(2)], { 1: [comment(10, 1)], 2: [] }),
  );
  const next = applyEvent(state, deletedDiscussion(1, 2), scope);
  assert.deepEqual(next.discussions.map((d) => d.id), [2]);
  assert.equal(1 in next.commentsByDiscussion, false);
  assert.equal(applyEvent(next, updatedDiscussion(discussion(1, { version: 2 })), scope), next);
  assert.equal(applyEvent(next, commentEvent('new_comment', comment(11, 1)), scope), next);
  assert.equal(applyEvent(next, deletedDiscussion(1, 2), scope), next, 'duplicate delete is a no-op');
});

test('new_comment is added in id order and counted once', () => {
  const state = deepFreeze(
    createArticleState([discussion(1, { comments_count: 1 })], { 1: [comment(10, 1)] }),
  );
  const c = comment(11, 1, { parent_id: 10, depth: 1 });
  const next = applyEvent(state, commentEvent('new_comment', c), scope);
  assert.deepEqual(next.commentsByDiscussion[1].map((x) => x.id), [10, 11]);
  assert.equal(next.discussions[0].comments_count, 2);
  const again = applyEvent(next, commentEvent('new_comment', c), scope);
  assert.equal(again, next, 'echo of the same comment changes nothing');
  assert.equal(state.discussions[0].comments_count, 1);
});

test('a reply whose parent is not held is older than the state and ignored', () => {
  const state = deepFreeze(
    createArticleState([discussion(1, { comments_count: 1 })], { 1: [comment(10, 1)] }),
  );
  const orphan = comment(12, 1, { parent_id: 11, depth: 1 });
  assert.equal(applyEvent(state, commentEvent('new_comment', orphan), scope), state);
});

test('comment events for a discussion whose comments are not loaded only count', () => {
  const state = createArticleState([discussion(1, { comments_count: 4 })]);
  const added = applyEvent(state, commentEvent('new_comment', comment(20, 1)), scope);
  assert.equal(added.discussions[0].comments_count, 5);
  assert.equal(1 in added.commentsByDiscussion, false);
  const removed = applyEvent(added, deletedComment(comment(21, 1)), scope);
  assert.equal(removed.discussions[0].comments_count, 4);
  const updated = applyEvent(removed, commentEvent('updated_comment', comment(21, 1, { version: 2 })), scope);
  assert.equal(updated, removed);
});

test('updated_comment replaces only a newer version', () => {
  const state = createArticleState([discussion(1, { comments_count: 1 })], {
    1: [comment(10, 1, { version: 2, content: 'v2' })],
  });
  assert.equal(
    applyEvent(state, commentEvent('updated_comment', comment(10, 1, { version: 1, content: 'v1' })), scope),
    state,
  );
  const next = applyEvent(
    state,
    commentEvent('updated_comment', comment(10, 1, { version: 3, content: 'v3' })),
    scope,
  );
  assert.equal(next.commentsByDiscussion[1][0].content, 'v3');
  assert.equal(next.discussions[0].comments_count, 1);
});

test('a comment deleted with visible replies arrives as updated_comment: the placeholder', () => {
  const parent = comment(10, 1);
  const reply = comment(11, 1, { parent_id: 10, depth: 1 });
  const state = deepFreeze(
    createArticleState([discussion(1, { comments_count: 2 })], { 1: [parent, reply] }),
  );
  const ev = placeholderUpdate(parent);
  const next = applyEvent(state, ev, scope);
  const held = next.commentsByDiscussion[1][0];
  assert.deepEqual(held, ev.data.comment);
  assert.equal(held.is_deleted, true);
  assert.equal(held.content, '[deleted]');
  assert.deepEqual(held.author, {
    id: null, username: '[deleted]', is_pseudonymous: false, profile_pic_url: null,
  });
  assert.deepEqual(next.commentsByDiscussion[1][1], reply, 'the reply stays');
  assert.equal(next.discussions[0].comments_count, 1, 'the server counts live comments');
  assert.equal(applyEvent(next, ev, scope), next, 'a duplicate is a no-op');
});

test('deleted_comment removes the comment, and the server removes deleted ancestors in turn', () => {
  const root = comment(10, 1);
  const mid = comment(11, 1, { parent_id: 10, depth: 1 });
  const leaf = comment(12, 1, { parent_id: 11, depth: 2 });
  const sibling = comment(13, 1);
  let state = createArticleState([discussion(1, { comments_count: 4 })], {
    1: [root, mid, leaf, sibling],
  });
  const rootPlaceholder = deletedPlaceholder(root);
  const midPlaceholder = deletedPlaceholder(mid);
  state = applyEvent(state, commentEvent('updated_comment', rootPlaceholder), scope);
  state = applyEvent(state, commentEvent('updated_comment', midPlaceholder), scope);
  assert.deepEqual(state.commentsByDiscussion[1].map((c) => [c.id, c.is_deleted]), [
    [10, true],
    [11, true],
    [12, false],
    [13, false],
  ]);
  assert.equal(state.discussions[0].comments_count, 2);
  // What the server sends when the last live reply goes: the reply, then each
  // "[deleted]" ancestor it leaves without replies, each one version newer.
  for (const gone of [deletedPlaceholder(leaf), deletedPlaceholder(midPlaceholder), deletedPlaceholder(rootPlaceholder)]) {
    state = applyEvent(state, commentEvent('deleted_comment', gone), scope);
  }
  assert.deepEqual(state.commentsByDiscussion[1].map((c) => c.id), [13]);
  assert.equal(state.discussions[0].comments_count, 1);
  // A late edit of a removed comment does not bring it back.
  const late = applyEvent(state, commentEvent('updated_comment', comment(12, 1, { version: 1 })), scope);
  assert.equal(late, state);
});

test('a deleted_comment whose replies are still held removes them with it', () => {
  // The replies' own deletions were committed first; their events are still on the way.
  const root = comment(10, 1);
  const reply = comment(11, 1, { parent_id: 10, depth: 1 });
  const nested = comment(12, 1, { parent_id: 11, depth: 2 });
  const other = comment(13, 1);
  let state = createArticleState([discussion(1, { comments_count: 4 })], { 1: [root, reply, nested, other] });
  state = applyEvent(state, deletedComment(root), scope);
  assert.deepEqual(state.commentsByDiscussion[1].map((c) => c.id), [13]);
  assert.equal(state.discussions[0].comments_count, 1);
  assert.equal(applyEvent(state, deletedComment(nested), scope).commentsByDiscussion, state.commentsByDiscussion);
  assert.equal(applyEvent(state, commentEvent('new_comment', nested), scope), state, 'never revived');
});

test('hasLiveReply looks through "[deleted]" replies to live ones below them', () => {
  const root = comment(10, 1);
  const gone = deletedPlaceholder(comment(11, 1, { parent_id: 10, depth: 1 }));
  const nested = comment(12, 1, { parent_id: 11, depth: 2 });
  assert.equal(hasLiveReply([root, gone, nested], 10), true);
  assert.equal(hasLiveReply([root, gone, deletedPlaceholder(nested)], 10), false);
  assert.equal(hasLiveReply([root, gone], 10), false);
  assert.equal(hasLiveReply([root, comment(13, 1)], 10), false, 'a sibling is not below it');
});

test('a deleting tab, spared the echoes, removes "[deleted]" ancestors left without replies', () => {
  const root = comment(10, 1);
  const a = comment(11, 1, { parent_id: 10, depth: 1 });
  const b = comment(12, 1, { parent_id: 10, depth: 1 });
  let state = createArticleState([discussion(1, { comments_count: 3 })], { 1: [root, a, b] });
  state = applyEvent(state, placeholderUpdate(root), scope);
  state = applyEvent(state, deletedComment(a), scope);
  assert.deepEqual(state.commentsByDiscussion[1].map((c) => c.id), [10, 12]);
  state = applyEvent(state, deletedComment(b), scope);
  assert.deepEqual(state.commentsByDiscussion[1], []);
  assert.equal(state.discussions[0].comments_count, 0);
});

test('a delete applied from the HTTP response is not applied again by its echo', () => {
  const c = comment(10, 1);
  let state = createArticleState([discussion(1, { comments_count: 1 })], { 1: [c] });
  // The writing tab makes the event itself (version + 1, as the server does).
  const local = { type: 'deleted_comment', data: { comment: deletedPlaceholder(c), discussion_id: 1, comment_id: 10, article_id: ARTICLE, community_id: COMMUNITY } };
  state = applyEvent(state, local, scope);
  assert.equal(state.discussions[0].comments_count, 0);
  const echo = deletedComment(c);
  assert.equal(applyEvent(state, echo, scope), state);
});

test('the count follows the held list even when an update carries an older count', () => {
  // Snapshot holds 2 comments; an update event from before the second comment says 1.
  const state = createArticleState([discussion(1, { comments_count: 2 })], {
    1: [comment(10, 1), comment(11, 1)],
  });
  const next = applyEvent(state, updatedDiscussion(discussion(1, { version: 2, comments_count: 1 })), scope);
  assert.equal(next.discussions[0].comments_count, 2);
  assert.equal(next.discussions[0].version, 2);
});

test('replaying events over an old state equals the fresh state (event sourcing check)', () => {
  const d1 = discussion(1);
  const d2 = discussion(2);
  const c10 = comment(10, 1);
  const c11 = comment(11, 1, { parent_id: 10, depth: 1 });
  const c12 = comment(12, 1, { parent_id: 11, depth: 2 });
  const c13 = comment(13, 2);
  const events = [
    newDiscussion(d1),
    commentEvent('new_comment', c10),
    newDiscussion(d2),
    commentEvent('new_comment', c11),
    commentEvent('new_comment', c12),
    commentEvent('updated_comment', { ...c11, content: 'edited', version: 2 }),
    updatedDiscussion({ ...d1, is_resolved: true, version: 2, comments_count: 3 }),
    commentEvent('new_comment', c13),
    placeholderUpdate({ ...c11, content: 'edited', version: 2 }),
    deletedComment(c13),
  ];
  const fromScratch = applyEvents(createArticleState(), events, scope);
  const fresh = createArticleState(
    [
      { ...d2, comments_count: 0 },
      { ...d1, is_resolved: true, version: 2, comments_count: 2 },
    ],
    {
      1: [c10, deletedPlaceholder({ ...c11, content: 'edited', version: 2 }), c12],
      2: [],
    },
  );
  assert.deepEqual(visible(fromScratch), visible(fresh));
  // And applying every suffix of the events to the state it starts from converges too.
  for (let i = 0; i <= events.length; i += 1) {
    const old = applyEvents(createArticleState(), events.slice(0, i), scope);
    // A snapshot taken later than the events it is replayed against: replay all again.
    const replayed = applyEvents(old, events, scope);
    assert.deepEqual(visible(replayed), visible(fresh), `prefix ${i}`);
  }
});

test('applyEvent does not mutate frozen input (usable from a TanStack Query cache)', () => {
  const state = deepFreeze(
    createArticleState([discussion(1, { comments_count: 1 })], { 1: [comment(10, 1)] }),
  );
  const events = [
    newDiscussion(discussion(2)),
    commentEvent('new_comment', comment(11, 1, { parent_id: 10, depth: 1 })),
    deletedComment(comment(10, 1)),
    updatedDiscussion(discussion(1, { version: 2 })),
    deletedDiscussion(2, 2),
  ];
  assert.doesNotThrow(() => applyEvents(state, events, scope));
});

test('without a scope every article is accepted', () => {
  const next = applyEvent(createArticleState(), newDiscussion(discussion(5)));
  assert.equal(next.discussions.length, 1);
});

test('commentTree nests replies under their parents, oldest first', () => {
  const tree = commentTree([
    comment(12, 1, { parent_id: 10, depth: 1 }),
    comment(10, 1),
    comment(13, 1, { parent_id: 12, depth: 2 }),
    comment(11, 1),
  ]);
  assert.deepEqual(
    tree.map((n) => [n.comment.id, n.replies.map((r) => [r.comment.id, r.replies.map((x) => x.comment.id)])]),
    [
      [10, [[12, [13]]]],
      [11, []],
    ],
  );
  assert.equal(liveCount([comment(1, 1), comment(2, 1, { is_deleted: true })]), 1);
});
