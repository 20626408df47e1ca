/**
 * A discussion and a comment another member writes through the API reach the open
 * article page: how long after it was sent to the API each one is shown.
 */

import { ask, openArticle, signedInTab, textOf, whenShown, withFirefox } from './firefox.mjs';

const TOPIC = 'Sample size';
const MESSAGE = 'Is n = 12 enough for the claim in figure 3?';
const COMMENT = 'The supplement has a power analysis.';

await withFirefox(async (browser) => {
  const { page, errors } = await signedInTab(browser.defaultBrowserContext());
  await openArticle(page);

  const discussionShown = whenShown(page, '.discussion-topic', TOPIC);
  const discussion = await ask('discussion', { topic: TOPIC, content: MESSAGE });
  const discussionMs = (await discussionShown) - discussion.sent_at;

  const commentShown = whenShown(page, '.comment-content', COMMENT);
  const comment = await ask('comment', { discussion_id: discussion.id, content: COMMENT });
  const commentMs = (await commentShown) - comment.sent_at;

  return {
    discussion_ms: discussionMs,
    comment_ms: commentMs,
    discussion_content: await textOf(page, '.discussion-content'),
    comments_title: await textOf(page, '.comments-title'),
    errors,
  };
});
