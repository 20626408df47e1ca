/**
 * The connection indicator through a poll-server outage and back: what it says while
 * the poll server is down, and that the page is live again, with what was written
 * meanwhile, once it is back.
 */

import { ask, openArticle, signedInTab, textOf, waitUntil, whenShown, withFirefox }
  from './firefox.mjs';

const DURING = 'Written during the outage';
const AFTER = 'Written after the outage';

const hasState = (state) => document.querySelector('#live-status').dataset.state === state;

await withFirefox(async (browser) => {
  const { page, errors } = await signedInTab(browser.defaultBrowserContext());
  await openArticle(page);

  await ask('stop the poll server');
  await waitUntil(page, hasState, 10_000, 'reconnecting');
  // While a try is under way there is no next one to count down to: wait for the
  // countdown, as the Chromium test's expect() does.
  await waitUntil(page, () => document.querySelector('#live-status .live-countdown')
    .textContent !== '', 10_000);
  const whileDown = {
    label: await textOf(page, '#live-status .live-label'),
    countdown: await textOf(page, '#live-status .live-countdown'),
  };

  const duringShown = whenShown(page, '.discussion-topic', DURING, 45_000);
  await ask('write and start the poll server', { topic: DURING });
  // Backoff is capped at 30 s; the first retry after the restart reconnects.
  await waitUntil(page, hasState, 40_000, 'connected');
  await duringShown;

  const afterShown = whenShown(page, '.discussion-topic', AFTER, 3_000);
  await ask('discussion', { topic: AFTER });
  await afterShown;

  return {
    while_down: whileDown,
    back: await textOf(page, '#live-status .live-label'),
    errors,
  };
});
