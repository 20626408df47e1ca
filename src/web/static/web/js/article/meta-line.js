/**
 * An item's meta line: who wrote it (their name leads to their profile, a pseudonym
 * nowhere), when, edited when, and the "New" mark.
 */

import { html, nothing } from '../../vendor/lit-html/lit-html.js';
import { authorName } from './author-name.js';
import { postedTimes, timeTemplate } from './times.js';

/** @typedef {import('../../realtime/apply-event').Author} Author */

/**
 * @param {Author | null} author
 * @param {{is_pseudonymous?: boolean}} item
 */
function authorLabel(author, item) {
  if (!author) return html`<span class="author muted">deleted</span>`;
  const note = item.is_pseudonymous ? ' (pseudonym)' : null;
  return html`<span class="author">${authorName(author)}${
    note ? html`<span class="pseudonym-note">${note}</span>` : nothing}</span>`;
}

/**
 * @param {{author: Author | null, is_pseudonymous?: boolean, created_at: string,
 *   updated_at: string}} item
 * @param {{domId: string, isNew: boolean, deleted?: boolean}} how domId: the item's
 *   element id, which the "New" mark's id carries; deleted: a comment kept as "[deleted]",
 *   shown without its author (the API's "[deleted]" is no name) or an edit time
 */
export function metaLine(item, { domId, isNew, deleted = false }) {
  const mark = isNew
    ? html`<span class="new-mark" id="${domId}-new"> <span class="badge new">New</span></span>`
    : nothing;
  // The deletion's time is not known, and an edit of the text it no longer shows is no news.
  if (deleted) {
    return html`<p class="meta"><span class="author muted">Deleted</span> · posted ${
      timeTemplate(item.created_at)}${mark}</p>`;
  }
  return html`<p class="meta">${authorLabel(item.author, item)} · ${postedTimes(item)}${mark}</p>`;
}
