/** What the article's components share about their elements: ids, authors, focus. */

import { h } from '../dom.js';

/** @param {number} id */
export const discussionDomId = (id) => `discussion-${id}`;
/** @param {number} id */
export const commentDomId = (id) => `comment-${id}`;

/**
 * @param {import('../../realtime/apply-event').Author | null} author
 * @param {{is_pseudonymous?: boolean}} [item]
 */
export function authorLabel(author, item) {
  if (!author) return h('span', { class: 'author muted' }, 'deleted');
  return h(
    'span',
    { class: 'author' },
    author.username,
    item?.is_pseudonymous ? h('span', { class: 'pseudonym-note' }, ' (pseudonym)') : null,
  );
}

/**
 * Remove an element; if focus was inside it, move focus to a container that
 * stays, so keyboard users keep their place.
 * @param {Element} el
 * @param {HTMLElement} container where focus goes, if it is still in the page
 * @param {HTMLElement} fallback where focus goes otherwise
 */
export function removeKeepingFocus(el, container, fallback) {
  const hadFocus = el.contains(document.activeElement);
  el.remove();
  if (hadFocus) {
    const target = container.isConnected ? container : fallback;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }
}
