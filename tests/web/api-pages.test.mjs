import test from 'node:test';
import assert from 'node:assert/strict';

import { apiAll, pagesOf } from '../../src/web/static/web/js/api.js';

// Signed out: api.js reads the session from localStorage.
globalThis.localStorage = { getItem: () => null, setItem() {}, removeItem() {} };

/**
 * A server holding `total` items at /list, answering limit/offset pages either as
 * {items, count} or, like the lists that predate paging, as a plain array.
 */
function serve(total, { plain }) {
  const requested = [];
  globalThis.fetch = async (url) => {
    requested.push(url);
    const params = new URL(url, 'http://api.test').searchParams;
    const offset = Number(params.get('offset'));
    const limit = Number(params.get('limit'));
    const items = [];
    for (let id = offset + 1; id <= total && items.length < limit; id += 1) items.push({ id });
    const body = plain ? items : { items, count: total };
    return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
  };
  return requested;
}

const ids = (n) => Array.from({ length: n }, (_, i) => i + 1);

for (const plain of [false, true]) {
  const shape = plain ? 'a plain array' : '{items, count}';

  test(`apiAll gets every item of a list answered as ${shape}, past any former cap`, async () => {
    const requested = serve(2345, { plain });
    const items = await apiAll('/list');
    assert.deepEqual(items.map((item) => item.id), ids(2345));
    assert.equal(requested.length, 24);
    assert.equal(requested[1], '/list?limit=100&offset=100');
  });

  test(`pagesOf answers one page at a time of ${shape}, and says when it is done`, async () => {
    const requested = serve(150, { plain });
    const pages = pagesOf('/list?mine=true');
    assert.equal(pages.done, false);
    assert.deepEqual((await pages.next()).map((item) => item.id), ids(100));
    assert.equal(pages.done, false);
    assert.equal((await pages.next()).length, 50);
    assert.equal(pages.done, true);
    assert.deepEqual(requested, ['/list?mine=true&limit=100&offset=0', '/list?mine=true&limit=100&offset=100']);
  });
}

test('a list of exactly one page ends on its count, without asking again', async () => {
  const requested = serve(100, { plain: false });
  assert.equal((await apiAll('/list')).length, 100);
  assert.equal(requested.length, 1);
});

test('an empty list is one request', async () => {
  for (const plain of [false, true]) {
    const requested = serve(0, { plain });
    assert.deepEqual(await apiAll('/list'), []);
    assert.equal(requested.length, 1);
  }
});
