/**
 * A discussion's comments as a thread: each comment keeps its element (open
 * forms and focus survive updates); replies nest under their parent.
 */

import { h, replaceChildren } from '../dom.js';
import { createFold } from './collapsible.js';
import { commentFormParts } from './comment-form.js';
import { authorLabel, commentDomId, newMark, removeKeepingFocus } from './elements.js';
import { attachComposer } from './composer.js';
import { replyDrafts, replyPlace, saveDraft } from './drafts.js';
import { actionButton, buildForm, closeSlot, errorLine, field, openConfirm, openForm } from './inline-forms.js';
import { showRendered } from './rendered-content.js';
import { postedTimes } from './times.js';

/** @typedef {import('../../realtime/apply-event').Comment} Comment */
/** @typedef {import('./discussion-list.js').ViewContext} ViewContext */

// Replies nest three levels: a comment at depth 2 takes no reply.
const MAX_DEPTH = 2;

/**
 * @typedef {object} CommentEntry
 * @property {Comment} data
 * @property {HTMLLIElement} el
 * @property {HTMLElement} meta
 * @property {HTMLElement} content
 * @property {ReturnType<typeof createFold>} fold
 * @property {HTMLElement} actions
 * @property {HTMLElement} slot
 * @property {HTMLOListElement} replies
 */

/**
 * @param {ViewContext} context
 * @param {number} discussionId
 * @param {HTMLOListElement} list the thread's top-level <ol>
 * @param {HTMLElement} container where focus goes when a focused comment leaves
 */
export function createCommentThread(context, discussionId, list, container) {
  const { permissions, actions } = context;
  /** @type {Map<number, CommentEntry>} */
  const comments = new Map();

  /** @param {Comment[] | undefined} items undefined while not loaded */
  function render(items) {
    if (!items) {
      if (!list.dataset.loading) {
        list.dataset.loading = '1';
        replaceChildren(list, h('li', { class: 'loading' }, 'Loading comments…'));
      }
      return;
    }
    if (list.dataset.loading) {
      delete list.dataset.loading;
      replaceChildren(list);
    }
    const seen = new Set();
    for (const comment of items) {
      seen.add(comment.id);
      let c = comments.get(comment.id);
      if (!c) {
        c = createComment(comment);
        comments.set(comment.id, c);
      } else if (c.data !== comment) {
        updateComment(c, comment);
      }
      const parent = comment.parent_id == null ? null : comments.get(comment.parent_id);
      const into = parent ? parent.replies : list;
      if (c.el.parentElement !== into) insertById(into, c.el, comment.id);
    }
    for (const [id, c] of comments) {
      if (!seen.has(id)) {
        removeKeepingFocus(c.el, container, context.list);
        comments.delete(id);
      }
    }
    showOrphanedReplies();
  }

  /** Reply drafts whose comment is gone, shown with a way to post them at the top level. */
  const orphans = h('div', { class: 'orphaned-replies' });
  /** @type {Map<number, HTMLElement>} */
  const orphanNotices = new Map();

  function showOrphanedReplies() {
    if (!orphans.isConnected) list.before(orphans);
    const gone = replyDrafts(discussionId).filter(([parentId]) => {
      const parent = comments.get(parentId);
      return !parent || parent.data.is_deleted;
    });
    const goneIds = new Set(gone.map(([parentId]) => parentId));
    for (const [parentId, notice] of orphanNotices) {
      if (!goneIds.has(parentId)) {
        notice.remove();
        orphanNotices.delete(parentId);
      }
    }
    for (const [parentId, text] of gone) {
      if (!orphanNotices.has(parentId)) {
        const notice = orphanNotice(parentId, text);
        orphanNotices.set(parentId, notice);
        orphans.append(notice);
      }
    }
  }

  /**
   * @param {number} parentId
   * @param {string} text
   */
  function orphanNotice(parentId, text) {
    const place = replyPlace(discussionId, parentId);
    const forget = () => {
      saveDraft(place, '');
      showOrphanedReplies();
    };
    const content = h('textarea', { id: `orphan-reply-${parentId}`, name: 'content', rows: 2, required: true });
    const error = errorLine();
    const composer = attachComposer(content, { label: 'Comment', place, error, initial: text });
    const form = buildForm({
      label: 'Post as a comment',
      fields: [field(content, 'Your reply, kept as a draft')],
      submitText: 'Post as a comment',
      validate: () => (content.value.trim() ? null : 'Write something first.'),
      submit: () => actions.comment(discussionId, { content: content.value.trim(), parentId: null, pseudonymous: false }),
      focus: content,
      onDone: showOrphanedReplies,
      composer,
      error,
    });
    // Not the form's Cancel: Escape would throw the text away with it.
    const discard = h('button', { type: 'button', class: 'button link small' }, 'Discard draft');
    discard.addEventListener('click', forget);
    return h(
      'div',
      { class: 'orphaned-reply notice', role: 'status' },
      h('p', {}, 'The comment you were replying to has been deleted. Your reply is kept; you can post it as a comment of its own.'),
      form,
      discard,
    );
  }

  /**
   * @param {HTMLElement} into
   * @param {HTMLElement} el
   * @param {number} id
   */
  function insertById(into, el, id) {
    const next = [...into.children].find((child) => Number(/** @type {HTMLElement} */ (child).dataset.id) > id);
    into.insertBefore(el, next ?? null);
  }

  /** @param {Comment} comment */
  function createComment(comment) {
    const id = comment.id;
    const content = h('div', { class: 'comment-content prose', id: `comment-${id}-content` });
    /** @type {CommentEntry} */
    const c = {
      data: comment,
      el: h('li', { class: 'comment', id: commentDomId(id), tabindex: '-1', dataset: { id, depth: comment.depth } }),
      meta: h('p', { class: 'meta' }),
      content,
      fold: createFold(content, `comment by ${comment.author ? comment.author.username : 'deleted'}`),
      actions: h('div', { class: 'item-actions' }),
      slot: h('div', { class: 'form-slot' }),
      replies: h('ol', { class: 'replies' }),
    };
    c.el.setAttribute('aria-label', 'Comment');
    c.el.append(h('div', { class: 'comment-body' }, c.meta, c.content, c.fold.button, c.actions, c.slot), c.replies);
    updateComment(c, comment);
    return c;
  }

  /**
   * @param {CommentEntry} c
   * @param {Comment} comment
   */
  function updateComment(c, comment) {
    c.data = comment;
    c.el.dataset.version = String(comment.version);
    c.el.classList.toggle('is-deleted', comment.is_deleted);
    const who = comment.author ? comment.author.username : 'deleted';
    const isNew = context.isNew(c.el.id, comment);
    c.el.setAttribute('aria-label', `Comment by ${who}`);
    replaceChildren(
      c.meta,
      comment.is_deleted ? h('span', { class: 'author muted' }, 'Deleted comment') : authorLabel(comment.author, comment),
      ' · ',
      postedTimes(comment),
      isNew ? newMark(c.el.id) : null,
    );
    c.el.classList.toggle('is-new', isNew);
    if (comment.is_deleted) c.content.textContent = 'This comment was deleted.';
    else showRendered(c.content, comment, `/api/comments/${comment.id}/content_html`);
    c.fold.refresh();
    const buttons = [];
    if (!comment.is_deleted) {
      const mine = permissions.isMine(comment);
      if (permissions.canPost && comment.depth < MAX_DEPTH) {
        buttons.push(actionButton('Reply', `Reply to ${who}`, () => openReply(c)));
      }
      if (mine) buttons.push(actionButton('Edit', `Edit comment by ${who}`, () => openEditComment(c)));
      if (mine || permissions.isManager) {
        buttons.push(
          actionButton('Delete', `Delete comment by ${who}`, () =>
            openConfirm(c.slot, 'Delete this comment?', () => actions.deleteComment(c.data)),
          ),
        );
      }
    } else {
      replaceChildren(c.slot);
    }
    replaceChildren(c.actions, buttons);
    c.actions.hidden = buttons.length === 0;
  }

  /** @param {CommentEntry} c */
  function openReply(c) {
    openForm(c.slot, commentFormParts(actions, discussionId, c.data, () => closeSlot(c.slot)));
  }

  /** @param {CommentEntry} c */
  function openEditComment(c) {
    const id = c.data.id;
    const content = h('textarea', { id: `edit-comment-${id}`, name: 'content', rows: 3, required: true });
    const error = errorLine();
    const composer = attachComposer(content, {
      label: 'Comment', place: `comment-${id}.edit`, error, initial: c.data.content,
    });
    openForm(c.slot, {
      label: 'Edit comment',
      fields: [field(content, 'Edit comment')],
      submitText: 'Save',
      validate: () => (content.value.trim() ? null : 'The comment cannot be empty.'),
      submit: () => actions.editComment(c.data, content.value.trim()),
      focus: content,
      composer,
      error,
    });
  }

  return { render };
}
