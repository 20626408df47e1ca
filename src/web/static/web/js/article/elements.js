/** What the article's components share about their elements: ids, and focus. */

/** @param {number} id */
export const discussionDomId = (id) => `discussion-${id}`;
/** @param {number} id */
export const commentDomId = (id) => `comment-${id}`;

/**
 * @param {'discussion' | 'comment'} kind
 * @param {number} id
 */
export function itemDomId(kind, id) {
  return kind === 'comment' ? commentDomId(id) : discussionDomId(id);
}

/**
 * A class attribute's value from names, those that are false left out.
 * @param {...(string | false)} names
 */
export function classNames(...names) {
  return names.filter(Boolean).join(' ');
}

/**
 * The part of an item that shows the item itself, without the comments or
 * replies it holds: what the reader must see for the item to count as seen.
 * @param {HTMLElement} el a discussion's or comment's element
 */
export function ownPart(el) {
  return /** @type {HTMLElement} */ (
    el.querySelector(':scope > .comment-body') ??
    el.querySelector(':scope > .discussion-card > .discussion-header') ??
    el
  );
}

/**
 * Run `render`; if it took away the element that had focus in `list` (its item was
 * deleted or filtered out), focus the discussion it was in, or else the list, so
 * that keyboard users keep their place.
 * @param {HTMLElement | null} list
 * @param {() => void} render
 */
export function keepingFocus(list, render) {
  const focused = document.activeElement;
  const inList = list && focused instanceof HTMLElement && list.contains(focused) ? focused : null;
  const discussion = inList?.closest('.discussion');
  render();
  if (!list || !inList || inList.isConnected) return;
  const target = discussion instanceof HTMLElement && discussion.isConnected ? discussion : list;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
}
