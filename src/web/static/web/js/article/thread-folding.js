/**
 * Which comments of a long thread show. A level (a discussion's top-level
 * comments, or a comment's replies) with many comments shows its first few and
 * its newest, and says how many more there are; the reader opens the level
 * whole. Comments that must be seen always show, with the comments above them:
 * those others added while the page is open, and those the reader wrote here or
 * followed a link to.
 */

/** @typedef {import('../../realtime/apply-event').CommentNode} CommentNode */

/** How many of a level's first comments show when it is folded. */
export const FIRST_SHOWN = 3;
// Folding away fewer than this many comments saves nothing worth a button.
const LEAST_FOLDED = 2;

/** @type {WeakMap<CommentNode, number>} */
const sizes = new WeakMap();

/**
 * How many comments a node stands for: itself and every reply below it.
 * @param {CommentNode} node
 * @returns {number}
 */
export function subtreeSize(node) {
  let size = sizes.get(node);
  if (size === undefined) {
    size = 1 + node.replies.reduce((sum, reply) => sum + subtreeSize(reply), 0);
    sizes.set(node, size);
  }
  return size;
}

/**
 * @param {CommentNode} node
 * @param {(commentId: number) => boolean} mustShow
 * @returns {boolean} whether the node or a reply below it must show
 */
function holdsMustShow(node, mustShow) {
  return mustShow(node.comment.id) || node.replies.some((reply) => holdsMustShow(reply, mustShow));
}

/**
 * A level as it shows: the nodes shown, and where the "more" button stands.
 * @typedef {object} FoldedLevel
 * @property {CommentNode[]} shown in order
 * @property {number} hiddenCount comments folded away, replies included
 * @property {number} moreAt the index in `shown` before which the button stands
 * @property {number | null} firstHiddenId the first comment folded away
 */

/**
 * @param {CommentNode[]} nodes a level, oldest first
 * @param {boolean} open the reader opened it whole
 * @param {(commentId: number) => boolean} mustShow
 * @returns {FoldedLevel}
 */
export function foldLevel(nodes, open, mustShow) {
  const whole = { shown: nodes, hiddenCount: 0, moreAt: -1, firstHiddenId: null };
  if (open || nodes.length < FIRST_SHOWN + 1 + LEAST_FOLDED) return whole;
  const held = nodes.map((node) => holdsMustShow(node, mustShow));
  // The newest of the others: one that arrives after it shows as well, and this one stays.
  const newest = held.lastIndexOf(false);
  const shows = nodes.map((_, i) => i < FIRST_SHOWN || i === newest || held[i]);
  const hidden = nodes.filter((_, i) => !shows[i]);
  if (hidden.length === 0) return whole;
  return {
    shown: nodes.filter((_, i) => shows[i]),
    hiddenCount: hidden.reduce((sum, node) => sum + subtreeSize(node), 0),
    moreAt: shows.indexOf(false),
    firstHiddenId: hidden[0].comment.id,
  };
}
