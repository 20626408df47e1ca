import test from 'node:test';
import assert from 'node:assert/strict';

import { RealtimeClient, backoffDelay } from '../../src/web/static/web/realtime/client.js';
import { FakeBrowser, flush, makeEvent } from './support/fakes.mjs';

const POLL_URL = 'http://poll.test';

function client(browser, tab = browser.tab(), options = {}) {
  const authCalls = [];
  const c = new RealtimeClient({
    pollUrl: POLL_URL,
    userKey: 42,
    authFetch: (url, init) => {
      authCalls.push(url);
      return browser.server.fetch(url, {
        ...init,
        headers: { ...(init.headers ?? {}), Authorization: 'Bearer token' },
      });
    },
    env: browser.env(tab),
    ...options,
  });
  const seen = { events: [], statuses: [], resyncs: [], authCalls };
  c.subscribe((event, info) => seen.events.push([event.event_id ?? event.local, info.source]));
  c.on('status', (s) => seen.statuses.push(s));
  c.on('resync', (r) => seen.resyncs.push(r.reason));
  return { client: c, seen, tab };
}

async function started(browser, options) {
  const tab = client(browser, undefined, options);
  tab.client.connect();
  await flush();
  return tab;
}

test('backoff: full jitter, 1 s doubling, 30 s cap', () => {
  const max = (attempt) => backoffDelay(attempt, { random: () => 0.999999 });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20, 1000].map(max), [
    999, 1999, 3999, 7999, 15999, 29999, 29999, 29999, 29999,
  ]);
  assert.equal(backoffDelay(3, { random: () => 0 }), 0);
});

test('registers, polls without Authorization, delivers events once and in order', async () => {
  const browser = new FakeBrowser();
  const { client: c, seen } = await started(browser);
  await c.ready();
  assert.equal(c.role, 'leader');
  assert.equal(seen.resyncs.length, 0, 'the first registration is not a resync');
  const poll = browser.server.lastPoll();
  assert.ok(poll, 'a poll is open');
  assert.equal(poll.params.queue_id, c.queueId);
  assert.equal(poll.params.last_event_id, '10');
  assert.equal(poll.headers.Authorization, undefined, 'no Authorization on the poll');
  assert.equal(c.status.state, 'connected');

  const [e1, e2, e3] = [makeEvent(), makeEvent(), makeEvent()];
  poll.answer(200, { events: [e2, e1], last_event_id: e2.event_id });
  await flush();
  const second = browser.server.lastPoll();
  assert.equal(second.params.last_event_id, String(e2.event_id));
  second.answer(200, { events: [e1, e2, e3], last_event_id: e3.event_id + 5 });
  await flush();
  assert.deepEqual(seen.events, [
    [e1.event_id, 'server'],
    [e2.event_id, 'server'],
    [e3.event_id, 'server'],
  ]);
  assert.equal(browser.server.lastPoll().params.last_event_id, String(e3.event_id + 5));
  assert.equal(browser.server.polls.length, 1, 'one poll in flight');
  c.disconnect();
});

test('404 on the poll: registers again and emits resync', async () => {
  const browser = new FakeBrowser();
  const { client: c, seen } = await started(browser);
  const firstQueue = c.queueId;
  browser.server.head = 50;
  browser.server.lastPoll().answer(404, { message: 'Queue not found' });
  await flush();
  assert.notEqual(c.queueId, firstQueue);
  assert.deepEqual(seen.resyncs, ['queue-expired']);
  const poll = browser.server.lastPoll();
  assert.equal(poll.params.queue_id, c.queueId);
  assert.equal(poll.params.last_event_id, '50');
  c.disconnect();
});

test('catchup_required: resync and resume from the returned last_event_id', async () => {
  const browser = new FakeBrowser();
  const { client: c, seen } = await started(browser);
  const queue = c.queueId;
  browser.server.lastPoll().answer(200, { catchup_required: true, last_event_id: 5000 });
  await flush();
  assert.deepEqual(seen.resyncs, ['catchup']);
  assert.equal(c.queueId, queue, 'same queue');
  assert.equal(browser.server.lastPoll().params.last_event_id, '5000');
  // Events after a catch-up with a lower id (Redis lost its data) are not dropped as duplicates.
  browser.server.lastPoll().answer(200, { catchup_required: true, last_event_id: 3 });
  await flush();
  const low = makeEvent({ event_id: 4 });
  browser.server.lastPoll().answer(200, { events: [low], last_event_id: 4 });
  await flush();
  assert.deepEqual(seen.events, [[4, 'server']]);
  c.disconnect();
});

test('failures: reconnecting with the next retry time, backoff, never giving up', async () => {
  const browser = new FakeBrowser();
  const { client: c, seen } = await started(browser);
  browser.server.pollDown = true;
  browser.server.lastPoll().fail();
  await flush();
  assert.equal(c.status.state, 'reconnecting');
  assert.equal(c.status.nextRetryAt, browser.clock.now + 500, 'random 0.5 of the 1 s window');
  const delays = [];
  for (let i = 0; i < 12; i += 1) {
    const wait = c.status.nextRetryAt - browser.clock.now;
    delays.push(wait);
    await browser.clock.advance(wait);
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000, 15000, 15000, 15000]);
  assert.equal(c.status.state, 'reconnecting');
  browser.server.pollDown = false;
  await browser.clock.advance(c.status.nextRetryAt - browser.clock.now);
  assert.equal(c.status.state, 'connected');
  assert.equal(c.status.attempt, 0);
  assert.ok(seen.statuses.some((s) => s.state === 'reconnecting' && s.nextRetryAt));
  c.disconnect();
});

test('the poll server down: the health probe keeps the status at reconnecting', async () => {
  const browser = new FakeBrowser();
  const { client: c } = await started(browser);
  browser.server.healthStatus = null;
  browser.server.lastPoll().fail();
  await flush();
  await browser.clock.advance(c.status.nextRetryAt - browser.clock.now);
  assert.equal(c.status.state, 'reconnecting', 'no flash of connected while the server is away');
  assert.equal(browser.server.polls.length, 0);
  browser.server.healthStatus = 200;
  await browser.clock.advance(c.status.nextRetryAt - browser.clock.now);
  assert.equal(c.status.state, 'connected');
  assert.equal(browser.server.polls.length, 1);
  c.disconnect();
});

test('a poll with no answer is aborted at 65 s and retried', async () => {
  const browser = new FakeBrowser();
  const { client: c } = await started(browser);
  const first = browser.server.lastPoll();
  await browser.clock.advance(64_999);
  assert.equal(first.settled, false);
  await browser.clock.advance(1);
  assert.equal(first.settled, true);
  assert.equal(c.status.state, 'reconnecting');
  await browser.clock.advance(c.status.nextRetryAt - browser.clock.now);
  assert.equal(browser.server.polls.length, 1);
  c.disconnect();
});

test('heartbeat every 60 s with the JWT; a 404 heartbeat registers again', async () => {
  const browser = new FakeBrowser();
  const { client: c, seen } = await started(browser);
  const registers = () => browser.server.to('/api/realtime/register').length;
  assert.equal(registers(), 1);
  await browser.clock.advance(60_000);
  const beats = browser.server.to('/api/realtime/heartbeat');
  assert.equal(beats.length, 1);
  assert.equal(beats[0].params.queue_id, c.queueId);
  assert.equal(beats[0].headers.Authorization, 'Bearer token');
  // The open poll was aborted at 65 s meanwhile? No: 60 s < 65 s; answer it to keep it fresh.
  browser.server.lastPoll().answer(200, { events: [], last_event_id: 10 });
  await flush();
  browser.server.heartbeatStatus = 404;
  await browser.clock.advance(60_000);
  assert.equal(registers(), 2);
  assert.deepEqual(seen.resyncs, ['queue-expired']);
  assert.equal(browser.server.polls.length, 1);
  assert.equal(browser.server.lastPoll().params.queue_id, c.queueId);
  c.disconnect();
});

test('offline pauses polling; online polls at once', async () => {
  const browser = new FakeBrowser();
  const { client: c, tab } = await started(browser);
  browser.navigator.onLine = false;
  tab.window.fire('offline');
  await flush();
  assert.equal(c.status.state, 'offline');
  assert.equal(browser.server.polls.length, 0);
  await browser.clock.advance(120_000);
  assert.equal(browser.server.to('/realtime/poll', { open: true }).length, 0);
  browser.navigator.onLine = true;
  tab.window.fire('online');
  await flush();
  assert.equal(c.status.state, 'connected');
  assert.equal(browser.server.polls.length, 1);
  c.disconnect();
});

test('coming back to a visible tab retries at once instead of waiting for the backoff', async () => {
  const browser = new FakeBrowser();
  const { client: c, tab } = await started(browser);
  for (let i = 0; i < 6; i += 1) {
    browser.server.pollDown = true;
    if (browser.server.lastPoll()) browser.server.lastPoll().fail();
    await flush();
    await browser.clock.advance(c.status.nextRetryAt - browser.clock.now);
  }
  assert.equal(c.status.state, 'reconnecting');
  assert.ok(c.status.nextRetryAt - browser.clock.now > 1000);
  browser.server.pollDown = false;
  tab.document.visibilityState = 'hidden';
  tab.document.fire('visibilitychange');
  tab.document.visibilityState = 'visible';
  tab.document.fire('visibilitychange');
  await flush();
  assert.equal(c.status.state, 'connected');
  assert.equal(browser.server.polls.length, 1);
  c.disconnect();
});

test('a tab shown after a long absence replaces its possibly dead poll', async () => {
  const browser = new FakeBrowser();
  const { client: c, tab } = await started(browser);
  const before = browser.server.lastPoll();
  tab.document.visibilityState = 'hidden';
  tab.document.fire('visibilitychange');
  await browser.clock.advance(30_000);
  tab.document.visibilityState = 'visible';
  tab.document.fire('visibilitychange');
  await flush();
  assert.equal(before.settled, true);
  assert.notEqual(browser.server.lastPoll(), before);
  assert.equal(browser.server.polls.length, 1);
  c.disconnect();
});

test('two tabs: one poller; events, status and writes shared; no echo', async () => {
  const browser = new FakeBrowser();
  const a = await started(browser);
  const b = await started(browser);
  await b.client.ready();
  assert.equal(a.client.role, 'leader');
  assert.equal(b.client.role, 'follower');
  assert.equal(browser.server.to('/api/realtime/register').length, 1);
  assert.equal(browser.server.polls.length, 1);
  assert.equal(b.client.queueId, a.client.queueId);
  assert.deepEqual(b.client.writeHeaders(), { 'X-Realtime-Queue-Id': a.client.queueId });
  assert.equal(b.client.status.state, 'connected');
  assert.equal(b.client.status.role, 'follower');

  const e = makeEvent();
  browser.server.lastPoll().answer(200, { events: [e], last_event_id: e.event_id });
  await flush();
  assert.deepEqual(a.seen.events, [[e.event_id, 'server']]);
  assert.deepEqual(b.seen.events, [[e.event_id, 'server']]);

  b.client.shareLocalEvent({ type: 'new_comment', data: {}, local: 'from-b' });
  await flush();
  assert.deepEqual(a.seen.events.at(-1), ['from-b', 'tab']);
  assert.equal(b.seen.events.length, 1, 'the writer does not get its own event back');

  browser.server.pollDown = true;
  browser.server.lastPoll().fail();
  await flush();
  assert.equal(b.client.status.state, 'reconnecting');
  assert.equal(b.client.status.nextRetryAt, a.client.status.nextRetryAt);
  browser.server.pollDown = false;
  b.client.pollNow();
  await flush();
  assert.equal(a.client.status.state, 'connected');
  assert.equal(b.client.status.state, 'connected');
  assert.equal(browser.server.polls.length, 1);
  a.client.disconnect();
  b.client.disconnect();
});

test('the leader goes: a follower takes over the same queue and cursor at once', async () => {
  const browser = new FakeBrowser();
  const a = await started(browser);
  const b = await started(browser);
  const c = await started(browser);
  const e = makeEvent();
  browser.server.lastPoll().answer(200, { events: [e], last_event_id: e.event_id + 3 });
  await flush();
  const queue = a.client.queueId;
  a.tab.window.fire('pagehide', { persisted: false });
  await flush();
  assert.equal(b.client.role, 'leader');
  assert.equal(c.client.role, 'follower');
  assert.equal(browser.server.to('/api/realtime/register').length, 1, 'no new registration');
  assert.equal(browser.server.polls.length, 1);
  const poll = browser.server.lastPoll();
  assert.equal(poll.params.queue_id, queue);
  assert.equal(poll.params.last_event_id, String(e.event_id + 3));
  assert.equal(b.seen.resyncs.length, 0);
  // An event the old leader had already passed on is not delivered twice.
  const e2 = makeEvent();
  poll.answer(200, { events: [e, e2], last_event_id: e2.event_id });
  await flush();
  assert.deepEqual(c.seen.events, [
    [e.event_id, 'server'],
    [e2.event_id, 'server'],
  ]);
  b.client.disconnect();
  c.client.disconnect();
});

test('a new leader whose queue is gone registers again and every tab resyncs', async () => {
  const browser = new FakeBrowser();
  const a = await started(browser);
  const b = await started(browser);
  const c = await started(browser);
  a.client.disconnect();
  await flush();
  browser.server.lastPoll().answer(404, { message: 'gone' });
  await flush();
  assert.equal(browser.server.to('/api/realtime/register').length, 2);
  assert.deepEqual(b.seen.resyncs, ['queue-expired']);
  assert.deepEqual(c.seen.resyncs, ['queue-expired']);
  assert.equal(c.client.queueId, b.client.queueId);
  b.client.disconnect();
  c.client.disconnect();
});

test('without Web Locks or BroadcastChannel each tab polls alone', async () => {
  for (const missing of [{ locks: false }, { channels: false }]) {
    const browser = new FakeBrowser(missing);
    const a = await started(browser);
    const b = await started(browser);
    assert.equal(a.client.role, 'solo');
    assert.equal(b.client.role, 'solo');
    assert.equal(browser.server.polls.length, 2);
    assert.notEqual(a.client.queueId, b.client.queueId);
    a.client.disconnect();
    b.client.disconnect();
  }
});

test('pagehide releases everything; a return from the bfcache reconnects and resyncs', async () => {
  const browser = new FakeBrowser();
  const a = await started(browser);
  const b = await started(browser);
  const name = 'marginalia-realtime:42';
  a.tab.window.fire('pagehide', { persisted: true });
  b.tab.window.fire('pagehide', { persisted: true });
  await flush();
  for (const tab of [a, b]) {
    const held = tab.client.inspect();
    assert.equal(held.timers, 0);
    assert.equal(held.domListeners, 0);
    assert.equal(held.lifecycleListeners, 2, 'only pageshow and resume stay, to come back');
    assert.equal(held.polling, false);
    assert.equal(held.requests, 0);
    assert.equal(held.channelOpen, false);
    assert.equal(held.lockHeld, false);
    assert.equal(held.lockRequested, false);
    assert.equal(tab.tab.window.listeners + tab.tab.document.listeners, 2);
  }
  assert.equal(browser.clock.pending, 0, 'no timers left');
  assert.equal(browser.server.to('/realtime/poll', { open: true }).length, 0);
  assert.equal(browser.BroadcastChannel.open.size, 0);
  assert.equal(browser.navigator.locks.isHeld(name), false);
  assert.equal(browser.navigator.locks.waiting(name), 0);

  a.tab.window.fire('pageshow', { persisted: true });
  await flush();
  assert.equal(a.client.role, 'leader');
  assert.equal(browser.server.polls.length, 1);
  assert.deepEqual(a.seen.resyncs, ['resumed']);

  a.client.disconnect();
  b.client.disconnect();
  assert.equal(a.tab.window.listeners + a.tab.document.listeners, 0);
  assert.equal(b.tab.window.listeners + b.tab.document.listeners, 0);
  assert.equal(browser.clock.pending, 0);
  assert.equal(a.client.status.state, 'idle');
});

test('writeHeaders before any queue: a random id, never none', async () => {
  const browser = new FakeBrowser();
  const { client: c } = client(browser);
  const header = c.writeHeaders()['X-Realtime-Queue-Id'];
  assert.match(header, /^[A-Za-z0-9_-]{16,64}$/);
});

test('ready() does not wait for ever when registration fails; success later resyncs', async () => {
  const browser = new FakeBrowser();
  browser.server.registerStatus = 503;
  const { client: c, seen } = await started(browser);
  await c.ready();
  assert.equal(c.status.state, 'reconnecting');
  browser.server.registerStatus = 200;
  await browser.clock.advance(c.status.nextRetryAt - browser.clock.now);
  assert.equal(c.status.state, 'connected');
  assert.deepEqual(seen.resyncs, ['registered']);
  c.disconnect();
});

test('a throwing subscriber does not stop the others or the loop', async () => {
  const browser = new FakeBrowser();
  const { client: c, seen } = client(browser);
  c.subscribe(() => {
    throw new Error('boom');
  });
  c.connect();
  await flush();
  const e = makeEvent();
  browser.server.lastPoll().answer(200, { events: [e], last_event_id: e.event_id });
  await flush();
  assert.equal(seen.events.length, 1);
  assert.equal(browser.server.polls.length, 1);
  c.disconnect();
});

test('catchup_required without a cursor: registers again, then resyncs', async () => {
  const browser = new FakeBrowser();
  const { client: c, seen } = await started(browser);
  browser.server.head = 77;
  browser.server.lastPoll().answer(200, { catchup_required: true });
  await flush();
  assert.equal(browser.server.to('/api/realtime/register').length, 2);
  assert.deepEqual(seen.resyncs, ['catchup']);
  assert.equal(browser.server.lastPoll().params.last_event_id, '77');
  c.disconnect();
});

test('a queue that is gone again right after registering backs off instead of spinning', async () => {
  const browser = new FakeBrowser();
  const { client: c } = await started(browser);
  browser.server.lastPoll().answer(404, { message: 'gone' });
  await flush();
  browser.server.lastPoll().answer(404, { message: 'gone' });
  await flush();
  assert.equal(browser.server.to('/api/realtime/register').length, 2);
  assert.equal(c.status.state, 'reconnecting');
  await browser.clock.advance(c.status.nextRetryAt - browser.clock.now);
  assert.equal(browser.server.to('/api/realtime/register').length, 3);
  assert.equal(c.status.state, 'connected');
  c.disconnect();
});

test('freeze releases everything like pagehide; resume reconnects', async () => {
  const browser = new FakeBrowser();
  const { client: c, tab, seen } = await started(browser);
  tab.document.fire('freeze');
  await flush();
  assert.equal(c.inspect().timers, 0);
  assert.equal(c.inspect().polling, false);
  assert.equal(c.inspect().lockHeld, false);
  assert.equal(browser.server.to('/realtime/poll', { open: true }).length, 0);
  tab.document.fire('resume');
  await flush();
  assert.equal(c.role, 'leader');
  assert.equal(browser.server.polls.length, 1);
  assert.deepEqual(seen.resyncs, ['resumed']);
  c.disconnect();
});

test('getAccessToken instead of authFetch puts the token on register and heartbeat only', async () => {
  const browser = new FakeBrowser();
  const tab = browser.tab();
  const c = new RealtimeClient({
    pollUrl: POLL_URL,
    getAccessToken: async () => 'abc',
    env: browser.env(tab),
    multiTab: false,
  });
  c.connect();
  await flush();
  assert.equal(c.role, 'solo');
  assert.equal(browser.server.to('/api/realtime/register')[0].headers.Authorization, 'Bearer abc');
  assert.equal(browser.server.lastPoll().headers.Authorization, undefined);
  c.disconnect();
});
