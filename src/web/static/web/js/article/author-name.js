/**
 * An author's name wherever the article page shows one (a post's meta line, a toast):
 * a link to their profile, or the bare name when it is no one's to follow (a
 * pseudonym, a deleted comment's), so the two places can never disagree.
 */

import { html } from '../../vendor/lit-html/lit-html.js';
import { authorProfilePath } from '../paths.js';

/** @typedef {import('../../realtime/apply-event').Author} Author */

/** @param {Author} author */
export function authorName(author) {
  const profile = authorProfilePath(author);
  return profile ? html`<a href=${profile}>${author.username}</a>` : author.username;
}
