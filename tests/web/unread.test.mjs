import test from 'node:test';
import assert from 'node:assert/strict';

import { countAfter, titleWithCount } from '../../src/web/static/web/js/inbox/unread.js';

test('a new line adds one, a gathered one none, reading says the count', () => {
  assert.equal(countAfter(2, { type: 'notification', data: { adds_unread: true } }), 3);
  assert.equal(countAfter(2, { type: 'notification', data: { adds_unread: false } }), 2);
  assert.equal(countAfter(5, { type: 'notifications_read', data: { unread_count: 0 } }), 0);
  assert.equal(countAfter(5, { type: 'presence', data: {} }), 5);
  assert.equal(countAfter(5, { type: 'notifications_read', data: {} }), 5);
});

test('the count stands in front of the title, once', () => {
  assert.equal(titleWithCount('Paper · Marginalia', 3), '(3) Paper · Marginalia');
  assert.equal(titleWithCount('(3) Paper · Marginalia', 4), '(4) Paper · Marginalia');
  assert.equal(titleWithCount('(4) Paper · Marginalia', 0), 'Paper · Marginalia');
  assert.equal(titleWithCount('Paper', 250), '(99+) Paper');
  assert.equal(titleWithCount('(99+) Paper', 1), '(1) Paper');
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
