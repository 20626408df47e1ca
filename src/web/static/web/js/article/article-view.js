/**
 * The article page as a function of its state: the article and its discussions
 * section (with a check for new posts where it does not update live), or a notice
 * instead. Parts that keep their own DOM (the live status, the new discussion
 * form) are made once by the page and placed here as they are.
 */

import { html, nothing } from '../../vendor/lit-html/lit-html.js';
import { guard } from '../../vendor/lit-html/directives/guard.js';
import { signInUrl } from '../layout.js';
import { profilePath } from '../paths.js';
import { discussionList } from './discussion-list.js';
import { newItemsPill } from './new-items.js';
import { newPostsCheck } from './new-posts-check.js';
import { noticeTemplate } from './notices.js';
import { presenceStatus } from './presence-status.js';
import { timeTemplate } from './times.js';

/** @typedef {import('./store.js').PageState} PageState */
/** @typedef {import('./discussion-list.js').ArticleView} ArticleView */

/**
 * @typedef {object} PageParts
 * @property {HTMLElement | null} liveStatus the connection indicator's element
 * @property {HTMLElement | null} newDiscussionForm for readers who may post
 * @property {HTMLElement | null} followArticle the follow toggle, for signed-in readers
 * @property {() => void} jumpToNew the "N new" pill's action
 * @property {() => void} checkForNew fetches new posts on a page that is not live
 */

// Where the sound and desktop notification switches are, for the live pages that use them.
const notificationSettings = html`<p class="prefs"><a href="/settings/#notifications">Sound
  and desktop notifications</a></p>`;

/** @param {any} article as the API returns it */
function articleHeader(article) {
  const { title, authors, submitter, link, abstract } = article;
  const byWhom = submitter
    ? html`Submitted by <a href=${profilePath(submitter.username)}>${submitter.username}</a> · `
    : nothing;
  const readIt = link
    ? html` · <a href=${link} rel="noopener noreferrer" target="_blank">Read the article<span
        class="sr-only"> (opens in a new tab)</span></a>`
    : nothing;
  return html`<article class="article-header" aria-labelledby="article-title"><h1
    id="article-title">${title}</h1>${
    authors.length ? html`<p class="authors">${authors.join(', ')}</p>` : nothing
    }<p class="meta">${byWhom}${timeTemplate(article.created_at)}${readIt}</p>${
    abstract ? html`<p class="abstract prose">${abstract}</p>` : nothing}</article>`;
}

/**
 * Starting a discussion, or how to be able to.
 * @param {PageState} state
 * @param {PageParts} parts
 */
function participate(state, parts) {
  if (state.canPost) return parts.newDiscussionForm;
  if (state.me) return nothing;
  const why = 'to start a discussion or comment.';
  return html`<p class="notice"><a href=${signInUrl()}>Sign in</a> ${why}</p>`;
}

/**
 * @param {ArticleView} view
 * @param {PageParts} parts
 */
export function articlePage(view, parts) {
  const { state } = view;
  if (state.notice) return noticeTemplate(state.notice);
  if (!state.article) return html`<p class="loading">Loading…</p>`;
  const { me, presence, presenceNamesShown: shown } = state;
  const names = { shown, show: view.on.showPresenceNames };
  const here = state.live && me
    ? guard([presence, shown], () => presenceStatus(presence, me, names))
    : nothing;
  const head = html`<div class="section-head"><h2
    id="discussions-title">Discussions</h2>${here}${parts.liveStatus}</div>`;
  const header = guard([state.article], () => articleHeader(state.article));
  const follow = parts.followArticle
    ? html`<div class="article-follow">${parts.followArticle}</div>` : nothing;
  return html`${header}${follow}<section class="discussions-section"
    aria-labelledby="discussions-title">${head}${
    state.live ? notificationSettings : newPostsCheck(state, parts.checkForNew)}${
    participate(state, parts)}${discussionList(view)}${
    newItemsPill(state.newOffScreen, parts.jumpToNew)}</section>`;
}
