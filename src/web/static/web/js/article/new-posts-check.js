/**
 * A public community's article page does not follow the article live: it says so,
 * and offers to check for new posts in place, without reloading the page or moving
 * the reader from where they read. What a check found is said politely.
 */

import { html } from '../../vendor/lit-html/lit-html.js';

/** @typedef {import('./store.js').PageState} PageState */

/**
 * @param {number} count
 * @param {string} noun
 */
const counted = (count, noun) => `${count} new ${noun}${count === 1 ? '' : 's'}`;

/**
 * What the last check found, or that one is under way.
 * @param {PageState} state
 */
function checkReport({ newPostsCheck: check, phase }) {
  if (!check) return '';
  if (check.checking) {
    return phase === 'retrying' ? 'Could not reach the server; trying again…' : 'Checking…';
  }
  const found = [];
  if (check.discussions) found.push(counted(check.discussions, 'discussion'));
  if (check.comments) found.push(counted(check.comments, 'comment'));
  return found.length ? `${found.join(' and ')}.` : 'No new posts.';
}

/**
 * @param {PageState} state
 * @param {() => void} onCheck
 */
export function newPostsCheck(state, onCheck) {
  return html`<div class="notice new-posts-check"><p>This community is public: its page does
    not update live.</p><button type="button" class="button"
    @click=${onCheck}>Check for new posts</button><span class="new-posts-report"
    role="status" aria-live="polite">${checkReport(state)}</span></div>`;
}
