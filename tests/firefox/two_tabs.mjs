/**
 * Two tabs of one browser share one long poll: one tab leads and polls, the other follows
 * through the leader; when the leader closes, the follower takes over.
 */

import { ask, input, openArticle, signedInTab, waitUntil, whenShown, withFirefox }
  from './firefox.mjs';

const TOPIC = 'Shared between tabs';
const AFTER_HANDOVER = 'After the handover';

/** Long polls started, and in flight, per tab of a browser. */
class PollCounter {
  started = [];  // {tab, at}
  inFlight = new Map();  // request → tab
  mostInFlight = 0;
  closed = new Set();

  watch(page, tab) {
    const isPoll = (request) => request.url().startsWith(`${input.pollUrl}/realtime/poll`);
    page.on('request', (request) => {
      if (!isPoll(request)) return;
      this.started.push({ tab, at: Date.now() });
      if (!this.closed.has(tab)) this.inFlight.set(request, tab);
      this.mostInFlight = Math.max(this.mostInFlight, this.inFlight.size);
    });
    const done = (request) => this.inFlight.delete(request);
    page.on('requestfinished', done);
    page.on('requestfailed', done);
  }

  /** A tab is being closed: its requests end with it, without an event of their own. */
  closing(tab) {
    this.closed.add(tab);
    for (const [request, owner] of this.inFlight) {
      if (owner === tab) this.inFlight.delete(request);
    }
  }

  tabsThatPolled(since = 0) {
    return [...new Set(this.started.filter(({ at }) => at >= since).map(({ tab }) => tab))];
  }
}

const role = (page) => page.evaluate(() => document.querySelector('#live-status').dataset.role);

async function waitFor(condition, message, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

await withFirefox(async (browser) => {
  const context = await browser.createBrowserContext();
  const polls = new PollCounter();
  const first = await signedInTab(context);
  polls.watch(first.page, 'first');
  await openArticle(first.page);
  const second = await signedInTab(context);
  polls.watch(second.page, 'second');
  await openArticle(second.page);
  const roles = { first: await role(first.page), second: await role(second.page) };

  const shownInBoth = [first, second]
    .map(({ page }) => whenShown(page, '.discussion-topic', TOPIC));
  const discussion = await ask('discussion', { topic: TOPIC });
  await Promise.all(shownInBoth);
  await waitFor(() => polls.inFlight.size === 1, 'the leader to poll again');
  const beforeHandover = { polled: polls.tabsThatPolled(), in_flight: polls.inFlight.size };

  // The leader may start a poll while it is being closed, never after.
  const closing = Date.now();
  polls.closing('first');
  await first.page.close();
  const closed = Date.now();
  await waitUntil(second.page, () => document.querySelector('#live-status').dataset.role
    === 'leader');
  const polledBySecond = () => polls.started.find(({ tab, at }) => tab === 'second'
    && at >= closing);
  await waitFor(polledBySecond, 'a poll from the second tab after the handover');
  const handedOverMs = polledBySecond().at - closing;

  const afterShown = whenShown(second.page, '.comment-content', AFTER_HANDOVER);
  await ask('comment', { discussion_id: discussion.id, content: AFTER_HANDOVER });
  await afterShown;
  await waitFor(() => polls.inFlight.size === 1, 'the new leader to poll again');

  return {
    roles,
    before_handover: beforeHandover,
    after_handover: {
      polled: polls.tabsThatPolled(closed),
      in_flight: polls.inFlight.size,
      first_poll_ms: handedOverMs,
    },
    most_in_flight: polls.mostInFlight,
    errors: [...first.errors, ...second.errors],
  };
});
