import test from 'node:test';
import assert from 'node:assert/strict';

import { RealtimeClient } from '../../src/web/static/web/realtime/client.js';
import { isNewerVersion, presenceText } from '../../src/web/static/web/js/article/presence.js';
import { createTypingReporter, typingText } from '../../src/web/static/web/js/article/typing.js';
import { FakeBrowser, flush, makeEvent } from './support/fakes.mjs';

const POLL_URL = 'http://poll.test';

async function started(browser, options = {}) {
  const c = new RealtimeClient({
    pollUrl: POLL_URL,
    userKey: 42,
    authFetch: (url, init) => browser.server.fetch(url, init),
    env: browser.env(browser.tab()),
    ...options,
  });
  const seen = { events: [], signals: [] };
  c.subscribe((event) => seen.events.push(event.event_id));
  c.onSignal((signal) => seen.signals.push(signal.id));
  c.connect();
  await flush();
  return { client: c, seen };
}

const presence = (id) => ({ id, type: 'presence', data: { community_id: 1, article_id: 2, count: 1, members: [] } });

test('signals: own cursor, never events, shared with sibling tabs and kept on takeover', async () => {
  const browser = new FakeBrowser();
  const a = await started(browser, { signals: true });
  const b = await started(browser, { signals: true });
  await b.client.ready();
  const first = browser.server.lastPoll();
  assert.equal(first.params.signal_cursor, '0');
  const cursor = first.params.last_event_id;

  first.answer(200, { events: [], signals: [presence('5-0'), presence('5-1')], signal_cursor: '5-1', last_event_id: Number(cursor) });
  await flush();
  assert.deepEqual(a.seen.signals, ['5-0', '5-1']);
  assert.deepEqual(b.seen.signals, ['5-0', '5-1'], 'the follower tab gets them too');
  assert.deepEqual(a.seen.events, [], 'a signal is not an event');
  const second = browser.server.lastPoll();
  assert.equal(second.params.signal_cursor, '5-1');
  assert.equal(second.params.last_event_id, cursor, 'signals never move the event cursor');

  const e = makeEvent();
  second.answer(200, { events: [e], last_event_id: e.event_id });
  await flush();
  assert.deepEqual(a.seen.events, [e.event_id]);
  assert.equal(browser.server.lastPoll().params.signal_cursor, '5-1', 'an events answer keeps it');

  a.client.disconnect();
  await flush();
  assert.equal(b.client.role, 'leader');
  assert.equal(browser.server.lastPoll().params.signal_cursor, '5-1', 'the new leader continues it');
  b.client.disconnect();
});

const notification = (id) => ({
  id,
  type: 'notification',
  data: {
    kind: 'reply', text: 'ada replied', url: '/c/club/a/2/#comment-9', community_id: 1,
    article_id: 2, discussion_id: 3, comment_id: 9, adds_unread: true,
  },
});
const read = (id) => ({ id, type: 'notifications_read', data: { unread_count: 0 } });

test('notifications: asked for with notifications=1, handed to every tab, alone of the signals', async () => {
  const browser = new FakeBrowser();
  const a = await started(browser, { notifications: true });
  const b = await started(browser, { notifications: true });
  await b.client.ready();
  const first = browser.server.lastPoll();
  assert.equal(first.params.signal_cursor, '0', 'the server sends personal signals only with it');
  assert.equal(first.params.notifications, '1');
  const cursor = Number(first.params.last_event_id);

  first.answer(200, {
    events: [], signals: [presence('5-0'), notification('5-1')], signal_cursor: '5-1', last_event_id: cursor,
  });
  await flush();
  browser.server.lastPoll().answer(200, { events: [], signals: [read('6-0')], signal_cursor: '6-0', last_event_id: cursor });
  await flush();
  assert.deepEqual(a.seen.signals, ['5-1', '6-0'], 'presence was not asked for');
  assert.deepEqual(b.seen.signals, ['5-1', '6-0'], 'the follower tab gets them too');
  assert.equal(browser.server.lastPoll().params.signal_cursor, '6-0');
  a.client.disconnect();
  b.client.disconnect();
});

test('signals alone ask for no notifications and hand none over', async () => {
  const browser = new FakeBrowser();
  const { client: c, seen } = await started(browser, { signals: true });
  await c.ready();
  const poll = browser.server.lastPoll();
  assert.equal(poll.params.notifications, undefined);
  poll.answer(200, {
    events: [], signals: [notification('5-0'), presence('5-1')], signal_cursor: '5-1',
    last_event_id: Number(poll.params.last_event_id),
  });
  await flush();
  assert.deepEqual(seen.signals, ['5-1']);
  c.disconnect();
});

test('without the option the poll asks for no signals', async () => {
  const browser = new FakeBrowser();
  const { client: c } = await started(browser);
  await c.ready();
  assert.equal(browser.server.lastPoll().params.signal_cursor, undefined);
  c.disconnect();
});

test('signal versions compare as numbers, milliseconds first', () => {
  assert.equal(isNewerVersion('10-0', null), true);
  assert.equal(isNewerVersion('10-0', '9-5'), true);
  assert.equal(isNewerVersion('9-10', '9-9'), true);
  assert.equal(isNewerVersion('9-9', '9-9'), false);
  assert.equal(isNewerVersion('100-0', '99-0'), true, 'not a string comparison');
  assert.equal(isNewerVersion('9-0', '10-0'), false);
});

test('presence and typing wording', () => {
  assert.equal(presenceText(1), '1 member here');
  assert.equal(presenceText(3), '3 members here');
  assert.equal(typingText(['Ada']), 'Ada is typing…');
  assert.equal(typingText(['Ada', 'Grace']), 'Ada and Grace are typing…');
  assert.equal(typingText(['Ada', 'Grace', 'Hedy']), '3 people are typing…');
});

test('typing reports at most once per interval per discussion', async () => {
  let now = 0;
  const sent = [];
  const keystroke = createTypingReporter({
    send: async (discussionId, options) => sent.push([discussionId, options.pseudonymous]),
    intervalMs: 3000,
    now: () => now,
  });
  keystroke(7, { pseudonymous: false });
  now = 2999;
  keystroke(7, { pseudonymous: false });
  keystroke(8, { pseudonymous: true });
  now = 3000;
  keystroke(7, { pseudonymous: false });
  assert.deepEqual(sent, [[7, false], [8, true], [7, false]]);
});
