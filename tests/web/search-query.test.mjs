import test from 'node:test';
import assert from 'node:assert/strict';

import {
  isFiltered, readSearch, searchApiPath, searchPath,
} from '../../src/web/static/web/js/search/query.js';

test('a search address is read back, what means nothing left out', () => {
  const search = readSearch(new URLSearchParams(
    'q=+dark+matter+&community=12&kind=poem&author=@zoë&since=2026-01-02&until=yesterday'));
  assert.deepEqual(search, {
    q: 'dark matter', community: '12', kind: '', author: 'zoë', since: '2026-01-02', until: '',
  });
  assert.equal(readSearch(new URLSearchParams('community=-1')).community, '');
});

test('the address keeps only the parameters that say something, and reads back the same', () => {
  const search = readSearch(new URLSearchParams('q=a+b&kind=comment&community='));
  assert.equal(searchPath(search), '/search/?q=a+b&kind=comment');
  assert.deepEqual(readSearch(new URLSearchParams(searchPath(search).split('?')[1])), search);
  assert.equal(searchPath(readSearch(new URLSearchParams(''))), '/search/');
  assert.equal(isFiltered(search), true);
  assert.equal(isFiltered(readSearch(new URLSearchParams('q=a'))), false);
});

test('the API is asked with its own parameter names and the cursor', () => {
  const search = readSearch(new URLSearchParams('q=x+y&community=3&author=ann&until=2026-12-06'));
  assert.equal(searchApiPath(search),
    '/api/search?q=x+y&community_id=3&author=ann&until=2026-12-06');
  assert.equal(searchApiPath(search, 'abc=='),
    '/api/search?q=x+y&community_id=3&author=ann&until=2026-12-06&after=abc%3D%3D');
});
