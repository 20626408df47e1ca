/**
 * The browser client against every conformance fixture of tests/protocol/
 * (docs/protocol.md), through its public API and `env` only. The Python
 * client runs the same fixtures (tests/client/test_protocol_conformance.py).
 *
 * Each fixture lists the requests the client must make, in order, the answers
 * it gets, the delay it must wait before some of them, and what it must emit.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

import { createRealtimeClient } from '../../src/web/static/web/realtime/client.js';
import { FakeClock, flush } from './support/fakes.mjs';

const FIXTURES = new URL('../protocol/', import.meta.url);
const POLL_URL = 'http://poll.test';
const API_BASE = 'http://api.test';
// What the browser client can do; a fixture that requires more is not about it.
const CAPABILITIES = new Set(['signals', 'notifications']);

function loadFixtures() {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')));
}

function abortError() {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** Why `request` is not the one `expected` describes, or null when it is. */
function mismatch(expected, request) {
  const url = new URL(request.url);
  const base = `${url.origin}${url.pathname}`;
  if (expected.kind === 'register' || expected.kind === 'heartbeat') {
    if (request.method !== 'POST' || base !== `${API_BASE}/api/realtime/${expected.kind}`) {
      return `expected ${expected.kind}, got ${request.method} ${base}`;
    }
    const authorization = request.headers.Authorization ?? '';
    if (!authorization.startsWith('Bearer ')) return `${expected.kind} without the access token`;
    const params = Object.fromEntries(url.searchParams);
    const wanted = expected.kind === 'heartbeat' ? { queue_id: expected.queue_id } : {};
    try {
      assert.deepEqual(params, wanted);
    } catch {
      return `${expected.kind} with ${JSON.stringify(params)}, expected ${JSON.stringify(wanted)}`;
    }
    return null;
  }
  if (request.method !== 'GET' || base !== `${POLL_URL}/realtime/poll`) {
    return `expected a poll, got ${request.method} ${base}`;
  }
  const wanted = { queue_id: expected.queue_id, last_event_id: String(expected.last_event_id) };
  for (const optional of ['signal_cursor', 'notifications']) {
    if (optional in expected) wanted[optional] = String(expected[optional]);
  }
  const params = Object.fromEntries(url.searchParams);
  try {
    assert.deepEqual(params, wanted);
  } catch {
    return `poll with ${JSON.stringify(params)}, expected ${JSON.stringify(wanted)}`;
  }
  if (request.headers.Authorization) return 'a poll carries no Authorization header';
  return null;
}

/**
 * The API and the poll server answering as the fixture says. The health probe
 * is answered and not counted: it is the browser's own way to tell that the
 * poll server is back (docs/protocol.md, "Health probe").
 */
class ScriptedServers {
  next = 0;
  lastAnswerAt;
  mismatches = [];
  finished = false;

  constructor(exchanges, clock) {
    this.exchanges = exchanges;
    this.clock = clock;
    this.lastAnswerAt = clock.now;
  }

  fetch = (url, init = {}) =>
    new Promise((resolve, reject) => {
      const request = { url: String(url), method: init.method ?? 'GET', headers: { ...(init.headers ?? {}) } };
      init.signal?.addEventListener('abort', () => reject(abortError()), { once: true });
      if (new URL(request.url).pathname === '/health') {
        resolve(new Response('{"status": "healthy"}', { status: 200 }));
        return;
      }
      if (this.next >= this.exchanges.length) {
        this.#hold(`unexpected request ${request.method} ${request.url}`);
        return;
      }
      const index = this.next;
      const exchange = this.exchanges[index];
      this.next += 1;
      const waited = (this.clock.now - this.lastAnswerAt) / 1000;
      const problem =
        mismatch(exchange.request, request) ??
        (waited === (exchange.wait ?? 0) ? null : `waited ${waited} s, not ${exchange.wait ?? 0} s`);
      if (problem) {
        this.#hold(`exchange ${index}: ${problem}`);
        return;
      }
      if (index === this.exchanges.length - 1) this.finished = true;
      const { answer } = exchange;
      if (!answer) return; // a poll left waiting, while the scenario goes on or ends
      this.lastAnswerAt = this.clock.now;
      if (answer.network_error) {
        reject(new TypeError('Failed to fetch'));
        return;
      }
      const headers = { 'Content-Type': 'application/json', ...(answer.headers ?? {}) };
      resolve(new Response(JSON.stringify(answer.body), { status: answer.status, headers }));
    });

  #hold(problem) {
    this.mismatches.push(problem);
    this.finished = true;
  }
}

for (const fixture of loadFixtures()) {
  const missing = fixture.requires.filter((need) => !CAPABILITIES.has(need));
  test(`protocol fixture ${fixture.name}`, { skip: missing.length > 0 && `needs ${missing}` }, async () => {
    const clock = new FakeClock();
    const servers = new ScriptedServers(fixture.exchanges, clock);
    const client = createRealtimeClient({
      pollUrl: POLL_URL,
      apiBase: API_BASE,
      getAccessToken: () => 'token',
      multiTab: false,
      signals: fixture.requires.includes('signals'),
      notifications: fixture.requires.includes('notifications'),
      env: {
        fetch: servers.fetch,
        setTimeout: clock.setTimeout,
        clearTimeout: clock.clearTimeout,
        now: () => clock.now,
        random: () => 0.5,
        window: new EventTarget(),
        document: new EventTarget(),
        navigator: { onLine: true },
        BroadcastChannel: null,
        console: { error: () => {} },
        makeId: () => 'tab-id-xxxxxxxxxxxxxxxx',
      },
    });
    const emitted = [];
    client.subscribe((event) => emitted.push({ event: event.event_id }));
    client.onSignal((signal) => emitted.push({ signal: signal.id }));
    client.on('resync', ({ reason }) => {
      // 'registered' tells a page that ready() stopped waiting before the first
      // registration; it is about ready(), not the wire protocol.
      if (reason !== 'registered') emitted.push({ resync: reason });
    });
    client.on('error', (error) => {
      if (error.code === 'unauthorized') emitted.push({ stop: 'unauthorized' });
    });
    client.connect();
    await flush();
    // Time moves only by the waits the fixture names: a request that comes
    // earlier or later than its wait is a mismatch.
    while (!servers.finished) {
      const exchange = fixture.exchanges[servers.next];
      const wait = (exchange.wait ?? 0) * 1000;
      if (wait === 0) break; // the request is due now and did not come
      await clock.advance(wait);
    }
    if (fixture.emits.some((item) => item.stop)) {
      await clock.advance(120_000); // a stopped client makes no more requests
      assert.equal(client.status.state, 'idle', 'a stopped client says so');
    } else {
      await flush();
    }
    client.disconnect();

    assert.deepEqual(servers.mismatches, []);
    assert.equal(servers.next, fixture.exchanges.length, 'every request of the scenario made');
    assert.deepEqual(emitted, fixture.emits);
  });
}
