import test from 'node:test';
import assert from 'node:assert/strict';

import { apiComments } from '../../src/web/static/web/js/api.js';

// Signed out: api.js reads the session from localStorage.
globalThis.localStorage = { getItem: () => null, setItem() {}, removeItem() {} };

/** A server holding `total` comments of discussion 7, answering pages of `pageSize`. */
function serveComments(total, pageSize) {
  const requested = [];
  globalThis.fetch = async (url) => {
    requested.push(url);
    const after = Number(new URL(url, 'http://api.test').searchParams.get('after'));
    const items = [];
    for (let id = after + 1; id <= total && items.length < pageSize; id += 1) items.push({ id });
    const last = items.at(-1)?.id ?? after;
    const body = { items, count: items.length, next_after: last < total ? last : null };
    return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
  };
  return requested;
}

test('apiComments follows next_after until the last page', async () => {
  const requested = serveComments(250, 100);
  const comments = await apiComments(7);
  assert.deepEqual(comments.map((c) => c.id), Array.from({ length: 250 }, (_, i) => i + 1));
  assert.deepEqual(requested, [
    '/api/discussions/7/comments?after=0',
    '/api/discussions/7/comments?after=100',
    '/api/discussions/7/comments?after=200',
  ]);
});

test('apiComments asks once for a discussion that fits one page', async () => {
  const requested = serveComments(3, 100);
  assert.equal((await apiComments(7)).length, 3);
  assert.equal(requested.length, 1);
});
