/** What the article page shows instead of the article, and when. */

import { html, nothing } from '../../vendor/lit-html/lit-html.js';
import { ApiError } from '../api.js';
import { signInUrl } from '../layout.js';
import { communityPath } from '../paths.js';

/** @typedef {import('./store.js').Notice} Notice */

/**
 * @param {unknown} error
 * @param {number[]} statuses
 */
const isStatus = (error, statuses) => error instanceof ApiError && statuses.includes(error.status);

/**
 * @param {string} title
 * @param {string} text
 * @returns {Notice}
 */
export const notice = (title, text) => ({ title, text });

export const ARTICLE_NOT_FOUND = notice(
  'Article not found', 'There is no article at this address.',
);
export const COMMUNITY_NOT_FOUND = notice(
  'Community not found', 'There is no community at this address.',
);

/**
 * @param {unknown} error
 * @param {string} [title]
 */
export const failed = (error, title = 'Something went wrong') =>
  notice(title, error instanceof Error ? error.message : String(error));

/**
 * The reader may not see the article: a private community they are not a member of.
 * @param {{slug: string, signedIn: boolean}} where
 * @returns {Notice}
 */
export function membersOnly({ slug, signedIn }) {
  const community = { href: communityPath(slug) };
  return {
    title: 'Members only',
    text: 'This article is in a private community. '
      + 'Only its members can read it and its discussions.',
    links: signedIn
      ? [{ ...community, text: 'Go to the community to request to join' }]
      : [
        { href: signInUrl(), text: 'Sign in', primary: true },
        { ...community, text: 'Go to the community' },
      ],
  };
}

/**
 * What shows when fetching the discussions failed: lost access ends the page; an
 * unreachable API ends only the first load (null: try the refetch again later).
 * @param {unknown} error
 * @param {'load' | 'refetch'} during
 * @param {{slug: string, signedIn: boolean}} where
 * @returns {Notice | null}
 */
export function snapshotNotice(error, during, where) {
  if (isStatus(error, during === 'load' ? [401, 403] : [401, 403, 404])) return membersOnly(where);
  if (during === 'refetch') return null;
  if (isStatus(error, [404])) return ARTICLE_NOT_FOUND;
  return failed(error, 'Could not load the discussions');
}

/**
 * What shows when fetching the article failed.
 * @param {unknown} error
 * @param {{slug: string, signedIn: boolean}} where
 */
export function articleNotice(error, where) {
  if (isStatus(error, [401, 403])) return membersOnly(where);
  if (isStatus(error, [400, 404])) return ARTICLE_NOT_FOUND;
  return failed(error);
}

/** @param {Notice} shown */
export function noticeTemplate({ title, text, links }) {
  const buttons = (links ?? []).map(({ href, text: label, primary }) =>
    html`<a class=${primary ? 'button primary' : 'button'} href=${href}>${label}</a>`);
  const actions = links ? html`<p class="actions">${buttons}</p>` : nothing;
  return html`<section class="notice-panel" role="alert"><h1>${title}</h1><p>${text}</p>${
    actions}</section>`;
}
