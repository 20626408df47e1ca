/**
 * A discussion's comments as a thread: replies nest under their parent, and each
 * comment is keyed by its id, so its element (with an open form, and focus) stays
 * from one render to the next. A comment's own part renders again only when the
 * comment, its "New" mark or its fold changed. Long levels fold (thread-folding.js).
 */

import { html, nothing } from '../../vendor/lit-html/lit-html.js';
import { guard } from '../../vendor/lit-html/directives/guard.js';
import { repeat } from '../../vendor/lit-html/directives/repeat.js';
import { commentTree } from '../../realtime/apply-event.js';
import { h } from '../dom.js';
import { foldedContent } from './collapsible.js';
import { commentFormParts } from './comment-form.js';
import { attachComposer } from './composer.js';
import { classNames, commentDomId } from './elements.js';
import {
  actionButton, closeSlot, errorLine, field, itemActions, openConfirm, openForm,
} from './inline-forms.js';
import { metaLine } from './meta-line.js';
import { foldLevel } from './thread-folding.js';

/** @typedef {import('../../realtime/apply-event').Comment} Comment */
/** @typedef {import('../../realtime/apply-event').CommentNode} CommentNode */
/** @typedef {import('./discussion-list.js').ArticleView} ArticleView */
/** @typedef {import('../../vendor/lit-html/lit-html.js').TemplateResult} TemplateResult */
/** @typedef {import('../../vendor/lit-html/directive.js').DirectiveResult} DirectiveResult */

// Replies nest three levels: a comment at depth 2 takes no reply.
const MAX_DEPTH = 2;

/** @type {WeakMap<Comment[], CommentNode[]>} the tree of each comment list the state holds */
const trees = new WeakMap();

/**
 * The items of a discussion's comment list.
 * @param {ArticleView} view
 * @param {Comment[] | undefined} comments undefined while not loaded
 * @param {string} discussionDomId
 */
export function commentThread(view, comments, discussionDomId) {
  if (!comments) return html`<li class="loading">Loading comments…</li>`;
  let tree = trees.get(comments);
  if (!tree) {
    tree = commentTree(comments);
    trees.set(comments, tree);
  }
  return commentItems(view, tree, discussionDomId);
}

/**
 * A level of the thread, folded when long: its "more" button stands where the
 * first folded comment would.
 * @param {ArticleView} view
 * @param {CommentNode[]} nodes
 * @param {string} levelId the element id of the discussion or comment the level is under
 * @returns {DirectiveResult}
 */
function commentItems(view, nodes, levelId) {
  const { openLevels, keptShown, arrived } = view.state;
  const mustShow = (/** @type {number} */ id) =>
    keptShown.has(id) || arrived.has(commentDomId(id));
  const level = foldLevel(nodes, openLevels.has(levelId), mustShow);
  /** @type {(CommentNode | null)[]} null: the button */
  const entries = [...level.shown];
  if (level.firstHiddenId !== null) entries.splice(level.moreAt, 0, null);
  return repeat(entries, (node) => node?.comment.id ?? 'more', (node) => (node
    ? commentItem(view, node)
    : moreButton(view, levelId, level.hiddenCount, /** @type {number} */ (level.firstHiddenId))));
}

/**
 * @param {ArticleView} view
 * @param {string} levelId
 * @param {number} count comments folded away
 * @param {number} firstHiddenId where focus goes once they show
 */
function moreButton(view, levelId, count, firstHiddenId) {
  const underComment = levelId.startsWith('comment-');
  const [one, many] = underComment ? ['reply', 'replies'] : ['comment', 'comments'];
  const text = `Show ${count} more ${count === 1 ? one : many}`;
  const open = () => view.on.openThreadLevel(levelId, commentDomId(firstHiddenId));
  return html`<li class="thread-more"><button type="button" class="button link small"
    @click=${open}>${text}</button></li>`;
}

/**
 * @param {ArticleView} view
 * @param {CommentNode} node
 * @returns {TemplateResult}
 */
function commentItem(view, { comment: c, replies }) {
  const domId = commentDomId(c.id);
  const isNew = view.isNew(domId);
  const unfolded = view.state.unfolded.has(`${domId}-content`);
  const classes = classNames('comment', c.is_deleted && 'is-deleted', isNew && 'is-new');
  return html`<li class=${classes} id=${domId} tabindex="-1" data-id=${c.id} data-depth=${c.depth}
    data-version=${c.version} aria-label=${c.is_deleted ? 'Deleted comment' : `Comment by ${
    authorName(c)}`}
    >${guard([c, isNew, unfolded, view.isManager, view.canPost],
    // The reader's role and right to post decide the buttons: a new role renders them again.
    () => commentBody(view, c, { domId, isNew, unfolded }))}<ol
    class="replies">${replies.length ? commentItems(view, replies, domId) : nothing}</ol></li>`;
}

/**
 * A deleted comment's author is "[deleted]" (or null from older servers): no name.
 * @param {Comment} c
 */
function authorName(c) {
  return c.is_deleted || !c.author ? 'deleted' : c.author.username;
}

/**
 * The comment itself: meta line, content, actions and the slot their forms open in.
 * @param {ArticleView} view
 * @param {Comment} c
 * @param {{domId: string, isNew: boolean, unfolded: boolean}} how
 */
function commentBody(view, c, { domId, isNew, unfolded }) {
  const contentId = `${domId}-content`;
  const content = foldedContent({
    className: 'comment-content',
    id: contentId,
    item: c,
    text: c.is_deleted ? 'This comment was deleted.' : null,
    what: `comment by ${authorName(c)}`,
    unfolded,
    onToggle: () => view.on.toggleFold(contentId),
  });
  // A comment deleted while a form of it is open loses the form.
  const slot = c.is_deleted ? nothing : html`<div class="form-slot"></div>`;
  const meta = metaLine(c, { domId, isNew, deleted: c.is_deleted });
  const actions = itemActions(commentButtons(view, c));
  return html`<div class="comment-body">${meta}${content}${actions}${deepestNote(view, c)
    }${slot}</div>`;
}

/**
 * Why a reply at the deepest level has no Reply button, for those who could reply.
 * A note, not a Reply that quietly answers the comment above: the reader sees where
 * their answer will go before writing it.
 * @param {ArticleView} view
 * @param {Comment} c
 */
function deepestNote(view, c) {
  if (!view.canPost || c.is_deleted || c.depth < MAX_DEPTH) return nothing;
  return html`<p class="deepest-note muted">Replies go three levels deep: to answer this,
    reply to the comment it answers.</p>`;
}

/**
 * @param {ArticleView} view
 * @param {Comment} c
 */
function commentButtons(view, c) {
  if (c.is_deleted) return [];
  const who = authorName(c);
  const mine = view.isMine(c);
  const buttons = [];
  if (view.canPost && c.depth < MAX_DEPTH) {
    buttons.push(actionButton('Reply', `Reply to ${who}`, (_, slot) =>
      openForm(slot, commentFormParts(view.actions, c.discussion_id, c, () => closeSlot(slot)))));
  }
  if (mine) {
    buttons.push(actionButton('Edit', `Edit comment by ${who}`, (_, slot) =>
      openEdit(view, c, slot)));
  }
  if (mine || view.isManager) {
    buttons.push(actionButton('Delete', `Delete comment by ${who}`, (_, slot) =>
      openConfirm(slot, 'Delete this comment?', () => view.actions.deleteComment(c))));
  }
  return buttons;
}

/**
 * @param {ArticleView} view
 * @param {Comment} c
 * @param {HTMLElement} slot
 */
function openEdit(view, c, slot) {
  const content = h('textarea', {
    id: `edit-comment-${c.id}`, name: 'content', rows: 3, required: true,
  });
  const error = errorLine();
  const composer = attachComposer(content, {
    label: 'Comment', place: `comment-${c.id}.edit`, error, initial: c.content,
  });
  openForm(slot, {
    label: 'Edit comment',
    fields: [field(content, 'Edit comment')],
    submitText: 'Save',
    validate: () => (content.value.trim() ? null : 'The comment cannot be empty.'),
    submit: () => view.actions.editComment(c, content.value.trim()),
    focus: content,
    composer,
    error,
  });
}
