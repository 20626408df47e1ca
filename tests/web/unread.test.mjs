import test from 'node:test';
import assert from 'node:assert/strict';

import { countAfter, isAfter, retitled, titleWithCount } from '../../src/web/static/web/js/inbox/unread.js';

const signal = (type, data, id = '1700000000500-0') => ({ id, type, data });

test('a new line adds one, a gathered one none, reading says the count', () => {
  const cursor = '1700000000000-0';
  assert.equal(countAfter(2, signal('notification', { adds_unread: true }), cursor), 3);
  assert.equal(countAfter(2, signal('notification', { adds_unread: false }), cursor), 2);
  assert.equal(countAfter(5, signal('notifications_read', { unread_count: 0 }), cursor), 0);
  assert.equal(countAfter(5, signal('presence', {}), cursor), 5);
  assert.equal(countAfter(5, signal('notifications_read', {}), cursor), 5);
  assert.equal(countAfter(5, signal('notification', { adds_unread: true }), null), 6);
});

test('a signal the count already includes counts nothing (a poll replays them)', () => {
  const counted = '1700000000500-1';
  for (const id of ['1700000000400-9', '1700000000500-0', '1700000000500-1']) {
    assert.equal(countAfter(2, signal('notification', { adds_unread: true }, id), counted), 2);
    assert.equal(countAfter(2, signal('notifications_read', { unread_count: 9 }, id), counted), 2);
  }
  assert.equal(countAfter(2, signal('notification', { adds_unread: true }, '1700000000500-2'), counted), 3);
  assert.ok(isAfter('1700000000501-0', counted) && !isAfter('1700000000500', counted));
});

test('the count stands in front of the title, once', () => {
  assert.equal(titleWithCount('Paper · Marginalia', 3), '(3) Paper · Marginalia');
  assert.equal(titleWithCount('(3) Paper · Marginalia', 4), '(4) Paper · Marginalia');
  assert.equal(titleWithCount('(4) Paper · Marginalia', 0), 'Paper · Marginalia');
  assert.equal(titleWithCount('Paper', 250), '(99+) Paper');
  assert.equal(titleWithCount('(99+) Paper', 1), '(1) Paper');
});

test('a page that changes its title keeps the count in front of it', () => {
  assert.equal(retitled('(2) a · Search · Marginalia', 'b · Search · Marginalia'),
    '(2) b · Search · Marginalia');
  assert.equal(retitled('Search · Marginalia', 'b · Search'), 'b · Search');
});

test('the name being typed is the one just before the caret', async () => {
  const { typedMention } = await import('../../src/web/static/web/js/article/mention-suggestions.js');
  assert.equal(typedMention('Hi @al', 6), 'al');
  assert.equal(typedMention('@al', 3), 'al');
  assert.equal(typedMention('Hi @al and more', 6), 'al');
  assert.equal(typedMention('Hi @al ', 7), null);
  assert.equal(typedMention('me@al', 5), null); // an address, not a mention
  assert.equal(typedMention('Hi @', 4), null);
  assert.equal(typedMention('(@José', 6), 'José');
});
