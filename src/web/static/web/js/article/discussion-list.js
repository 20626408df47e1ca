/**
 * The discussions of an article, rendered from state and patched in place:
 * each discussion and comment keeps its element, so open forms, focus and
 * scroll position survive updates, and changed items can be highlighted.
 * The reader chooses which discussions show (all, open, resolved) and their order.
 */

import { h } from '../dom.js';

import { createDiscussion } from './discussion.js';
import { commentDomId, discussionDomId, removeKeepingFocus } from './elements.js';

/** @typedef {import('../../realtime/apply-event').ArticleState} ArticleState */
/** @typedef {import('../../realtime/apply-event').Discussion} Discussion */
/** @typedef {import('../../realtime/apply-event').Comment} Comment */

/**
 * What the reader may do; isMine tells their own discussions and comments.
 * @typedef {object} Permissions
 * @property {boolean} canPost
 * @property {(item: Discussion | Comment) => boolean} isMine
 * @property {boolean} isAdmin
 * @property {boolean} isManager
 */

/**
 * The page's writes. Each returns a promise; a rejection's message is shown
 * next to the form. typing is called on each keystroke in a comment form.
 * @typedef {object} ArticleActions
 * @property {(discussionId: number, options: {pseudonymous: boolean}) => void} [typing]
 * @property {(d: Discussion, patch: {topic: string, content: string}) => Promise<unknown>} editDiscussion
 * @property {(d: Discussion) => Promise<unknown>} deleteDiscussion
 * @property {(d: Discussion, resolved: boolean) => Promise<unknown>} setResolved
 * @property {(discussionId: number, comment: {content: string, parentId: number | null, pseudonymous: boolean}) => Promise<unknown>} comment
 * @property {(c: Comment, content: string) => Promise<unknown>} editComment
 * @property {(c: Comment) => Promise<unknown>} deleteComment
 */

/**
 * What every component of the list is given.
 * @typedef {object} ViewContext
 * @property {Permissions} permissions
 * @property {ArticleActions} actions
 * @property {HTMLOListElement} list where focus goes when nothing closer is left
 * @property {(domId: string, item: Discussion | Comment) => boolean} isNew whether to mark an item new
 */

const HIGHLIGHT_MS = 2600;

/** @type {Record<string, (d: Discussion) => boolean>} */
const FILTERS = {
  all: () => true,
  open: (d) => !d.is_resolved,
  resolved: (d) => d.is_resolved,
};

/** The server's order is newest first; the others sort a copy. @type {Record<string, ((a: Discussion, b: Discussion) => number) | null>} */
const ORDERS = {
  newest: null,
  oldest: (a, b) => a.id - b.id,
  comments: (a, b) => b.comments_count - a.comments_count || b.id - a.id,
};

/**
 * @param {string} id
 * @param {string} label
 * @param {[string, string][]} choices value and text
 * @param {() => void} onChange
 */
function choice(id, label, choices, onChange) {
  const select = h('select', { id, name: id }, choices.map(([value, text]) => h('option', { value }, text)));
  select.addEventListener('change', onChange);
  return { select, field: h('span', { class: 'list-choice' }, h('label', { for: id }, label), ' ', select) };
}

/**
 * @param {HTMLOListElement} list the <ol> that holds the discussions
 * @param {{permissions: Permissions, actions: ArticleActions, empty: HTMLElement | null,
 *   isNew: ViewContext['isNew'], showingNew: (items: HTMLElement[]) => void}} options
 *   empty: shown while there is no discussion; showingNew: given the items marked new
 *   after each render (the reader's choices render too), to watch until they are seen
 */
export function createDiscussionList(list, { permissions, actions, empty, isNew, showingNew }) {
  /** @type {ViewContext} */
  const context = { permissions, actions, list, isNew };
  /** @type {Map<number, ReturnType<typeof createDiscussion>>} */
  const discussions = new Map();
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const timers = new Set();

  /** @type {ArticleState | null} */
  let shown = null;
  const rerender = () => shown && render(shown);
  const show = choice('discussion-filter', 'Show', [['all', 'All'], ['open', 'Open'], ['resolved', 'Resolved']], rerender);
  const order = choice('discussion-order', 'Sort by', [['newest', 'Newest'], ['oldest', 'Oldest'], ['comments', 'Most comments']], rerender);
  const noneShown = h('p', { class: 'empty', hidden: true }, 'No discussion matches.');
  // Placed by the page above the list.
  const controls = h(
    'div',
    {},
    h('div', { class: 'list-controls', role: 'group', 'aria-label': 'Show and sort discussions' }, show.field, order.field),
    noneShown,
  );

  /** @param {Discussion[]} discussions */
  function chosen(discussions) {
    const picked = discussions.filter(FILTERS[show.select.value]);
    const compare = ORDERS[order.select.value];
    return compare ? picked.sort(compare) : picked;
  }

  /** @param {ArticleState} state */
  function render(state) {
    shown = state;
    const seen = new Set();
    const visible = chosen(state.discussions);
    visible.forEach((discussion, index) => {
      seen.add(discussion.id);
      let entry = discussions.get(discussion.id);
      if (!entry) {
        entry = createDiscussion(context, discussion);
        discussions.set(discussion.id, entry);
      } else if (entry.data !== discussion) {
        entry.update(discussion);
      }
      const at = list.children[index];
      if (at !== entry.el) list.insertBefore(entry.el, at ?? null);
      entry.renderComments(state.commentsByDiscussion[discussion.id]);
    });
    // Filtered out: kept (with any open form) for when the filter changes back.
    for (const discussion of state.discussions) {
      if (!seen.has(discussion.id)) discussions.get(discussion.id)?.el.remove();
    }
    const present = new Set(state.discussions.map((d) => d.id));
    for (const [id, entry] of discussions) {
      if (!present.has(id)) {
        removeKeepingFocus(entry.el, list, list);
        discussions.delete(id);
      }
    }
    if (empty) empty.hidden = state.discussions.length > 0;
    noneShown.hidden = state.discussions.length === 0 || visible.length > 0;
    showingNew([.../** @type {NodeListOf<HTMLElement>} */ (list.querySelectorAll('.is-new'))]);
  }

  /**
   * @param {string} kind 'discussion' or 'comment'
   * @param {number} id
   */
  function elementFor(kind, id) {
    return document.getElementById(kind === 'comment' ? commentDomId(id) : discussionDomId(id));
  }

  /**
   * Flash a changed item.
   * @param {string} kind 'discussion' or 'comment'
   * @param {number} id
   */
  function highlight(kind, id) {
    const el = elementFor(kind, id);
    if (!el) return;
    const target = /** @type {HTMLElement | null} */ (
      kind === 'comment' ? el.querySelector(':scope > .comment-body') : el.querySelector('.discussion-card')
    );
    if (!target) return;
    target.classList.remove('flash');
    void target.offsetWidth; // restart the animation
    target.classList.add('flash');
    const timer = setTimeout(() => {
      timers.delete(timer);
      target.classList.remove('flash');
    }, HIGHLIGHT_MS);
    timers.add(timer);
  }

  /**
   * Scroll to an item, focus it and flash it.
   * @param {string} domId
   */
  function reveal(domId) {
    const el = document.getElementById(domId);
    if (!el) return;
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'center' });
    el.focus({ preventScroll: true });
    const [kind, id] = domId.split('-');
    highlight(kind, Number(id));
  }

  function destroy() {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  }

  /**
   * The "is typing" line of a discussion, if it is shown.
   * @param {number} discussionId
   */
  function typingLine(discussionId) {
    return document.getElementById(`discussion-${discussionId}-typing`);
  }

  return { render, highlight, reveal, elementFor, typingLine, destroy, controls };
}
