/** What the article's components share about their elements: ids, authors, focus. */

import { badge, h } from '../dom.js';

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
 * The "New" mark in an item's meta line; its id ties it to the item, so that
 * it can go once the reader has seen the item.
 * @param {string} domId the item's element id
 */
export function newMark(domId) {
  return h('span', { class: 'new-mark', id: `${domId}-new` }, ' ', badge('New', 'new'));
}

/**
 * Take an item's "New" mark away: the reader has seen it.
 * @param {HTMLElement} el the item's element
 */
export function clearNewMark(el) {
  el.classList.remove('is-new');
  document.getElementById(`${el.id}-new`)?.remove();
}

/**
 * The part of an item that shows the item itself, without the comments or
 * replies it holds: what the reader must see for the item to count as seen.
 * @param {HTMLElement} el a discussion's or comment's element
 */
export function ownPart(el) {
  return /** @type {HTMLElement} */ (
    el.querySelector(':scope > .comment-body') ?? el.querySelector(':scope > .discussion-card > .discussion-header') ?? el
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
