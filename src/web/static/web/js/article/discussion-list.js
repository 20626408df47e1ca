/**
 * The discussions of an article, rendered from the page's state and keyed by id:
 * each discussion and comment keeps its element from one render to the next, so
 * open forms, focus and scroll position stay. The reader chooses which
 * discussions show (all, open, resolved) and their order.
 *
 * What renders again is only what changed: the list when a state field it reads
 * changed (not for a toast or the presence count), a discussion's thread when that
 * discussion's data did, a post when the post did. So the templates' event
 * handlers read no state: they call the writes or the store, which hold the current one.
 */

import { html } from '../../vendor/lit-html/lit-html.js';
import { guard } from '../../vendor/lit-html/directives/guard.js';
import { repeat } from '../../vendor/lit-html/directives/repeat.js';
import { discussionItem } from './discussion.js';
import { isMine, newMarks } from './store.js';

/** @typedef {import('../../realtime/apply-event').Discussion} Discussion */
/** @typedef {import('../../realtime/apply-event').Comment} Comment */
/** @typedef {import('./store.js').PageState} PageState */
/** @typedef {import('./writes.js').ArticleActions} ArticleActions */

/**
 * What the reader does that changes only what the page shows.
 * @typedef {object} ViewHandlers
 * @property {(contentId: string) => void} toggleFold
 * @property {(filter: string) => void} chooseFilter
 * @property {(order: string) => void} chooseOrder
 * @property {() => void} replyDraftsChanged a reply draft was posted or dropped
 * @property {(levelId: string, focusId: string) => void} openThreadLevel show a folded
 *   thread level whole, and focus the first comment it showed
 * @property {(shown: boolean) => void} showPresenceNames show or hide who is here
 */

/**
 * What the discussions' templates render from, and what they call.
 * @typedef {object} ArticleView
 * @property {PageState} state
 * @property {ArticleActions} actions the writes
 * @property {ViewHandlers} on
 * @property {boolean} canPost
 * @property {boolean} isAdmin
 * @property {boolean} isManager admin or moderator
 * @property {(item: Discussion | Comment) => boolean} isMine
 * @property {(domId: string) => boolean} isNew whether to mark an item new, by its element id
 * @property {(discussionId: number) => string} marksKey equal as long as the same comments
 *   of the discussion are marked new
 */

/**
 * @param {PageState} state
 * @param {ArticleActions} actions
 * @param {ViewHandlers} on
 * @returns {ArticleView}
 */
export function articleView(state, actions, on) {
  const role = state.community?.my_role;
  const marks = newMarks(state);
  return {
    state,
    actions,
    on,
    canPost: state.canPost,
    isAdmin: role === 'admin',
    isManager: role === 'admin' || role === 'moderator',
    isMine: (item) => isMine(state, item),
    isNew: (domId) => marks.ids.has(domId),
    marksKey: (discussionId) => marks.keyOf(discussionId),
  };
}

/** @type {Record<string, (d: Discussion) => boolean>} */
const FILTERS = {
  all: () => true,
  open: (d) => !d.is_resolved,
  resolved: (d) => d.is_resolved,
};

/**
 * The server's order is newest first; the others sort a copy.
 * @type {Record<string, ((a: Discussion, b: Discussion) => number) | null>}
 */
const ORDERS = {
  newest: null,
  oldest: (a, b) => a.id - b.id,
  comments: (a, b) => b.comments_count - a.comments_count || b.id - a.id,
};

const FILTER_CHOICES = /** @type {[string, string][]} */ ([
  ['all', 'All'], ['open', 'Open'], ['resolved', 'Resolved'],
]);
const ORDER_CHOICES = /** @type {[string, string][]} */ ([
  ['newest', 'Newest'], ['oldest', 'Oldest'], ['comments', 'Most comments'],
]);

/**
 * @param {string} id
 * @param {string} label
 * @param {[string, string][]} choices value and text
 * @param {string} chosen
 * @param {(value: string) => void} onChange
 */
function choice(id, label, choices, chosen, onChange) {
  const options = choices.map(([value, text]) =>
    html`<option value=${value} .selected=${value === chosen}>${text}</option>`);
  const changed = (/** @type {Event} */ event) =>
    onChange(/** @type {HTMLSelectElement} */ (event.target).value);
  return html`<span class="list-choice"><label for=${id}>${label}</label> <select
    id=${id} name=${id} @change=${changed}>${options}</select></span>`;
}

/**
 * The show and sort controls, the notes for an empty list, and the list; rendered
 * again when a field of the state it reads changed.
 * @param {ArticleView} view
 */
export function discussionList(view) {
  const { state } = view;
  const reads = [
    state.articleState, state.filter, state.order, state.phase === 'loading', state.canPost,
    state.community, state.myPseudonym, state.lastVisit, state.seen, state.arrived,
    state.unfolded, state.typing, state.replyDrafts, state.openLevels, state.keptShown,
  ];
  return guard(reads, () => listTemplate(view));
}

/** @param {ArticleView} view */
function listTemplate(view) {
  const { state, on } = view;
  const all = state.articleState.discussions;
  const shown = all.filter(FILTERS[state.filter]);
  const compare = ORDERS[state.order];
  if (compare) shown.sort(compare);
  const show = choice('discussion-filter', 'Show', FILTER_CHOICES, state.filter, on.chooseFilter);
  const order = choice('discussion-order', 'Sort by', ORDER_CHOICES, state.order, on.chooseOrder);
  const items = repeat(shown, (d) => d.id, (d) => discussionItem(view, d));
  return html`<div><div class="list-controls" role="group" aria-label="Show and sort discussions"
    >${show}${order}</div><p class="empty" ?hidden=${all.length === 0 || shown.length > 0}
    >No discussion matches.</p></div><p class="empty"
    ?hidden=${state.phase === 'loading' || all.length > 0}
    >No discussions yet. Start the first one.</p><ol id="discussion-list" class="discussion-list"
    aria-labelledby="discussions-title">${items}</ol>`;
}
