/**
 * The discussions of an article, rendered from state and patched in place:
 * each discussion and comment keeps its element, so open forms, focus and
 * scroll position survive updates, and changed items can be highlighted.
 */

import { badge, busy, h, replaceChildren, showError, timeEl } from '../dom.js';

const MAX_DEPTH = 2;
const HIGHLIGHT_MS = 2600;

export const discussionDomId = (id) => `discussion-${id}`;
export const commentDomId = (id) => `comment-${id}`;

/**
 * @param {HTMLElement} list the <ol> that holds the discussions
 * @param {object} options
 *   permissions: {canPost, isMine(item), isManager, isAdmin}
 *   actions: {editDiscussion, deleteDiscussion, setResolved, comment, editComment, deleteComment}
 *     each returns a promise; a rejection's message is shown next to the form;
 *     optional typing(discussionId, {pseudonymous}) is called on each keystroke in a comment form
 */
export function createArticleView(list, { permissions, actions, empty }) {
  const discussions = new Map(); // id -> entry
  const timers = new Set();

  function render(state) {
    const seen = new Set();
    state.discussions.forEach((discussion, index) => {
      seen.add(discussion.id);
      let entry = discussions.get(discussion.id);
      if (!entry) {
        entry = createDiscussion(discussion);
        discussions.set(discussion.id, entry);
      } else if (entry.data !== discussion) {
        updateDiscussion(entry, discussion);
      }
      const at = list.children[index];
      if (at !== entry.el) list.insertBefore(entry.el, at ?? null);
      renderComments(entry, state.commentsByDiscussion[discussion.id]);
    });
    for (const [id, entry] of discussions) {
      if (!seen.has(id)) {
        removeKeepingFocus(entry.el, list);
        discussions.delete(id);
      }
    }
    if (empty) empty.hidden = state.discussions.length > 0;
  }

  // ------------------------------------------------------------ discussions

  function createDiscussion(discussion) {
    const id = discussion.id;
    const entry = {
      data: null,
      comments: new Map(),
      el: h('li', { class: 'discussion', id: discussionDomId(id), tabindex: '-1', dataset: { id } }),
      topic: h('h3', { class: 'discussion-topic', id: `discussion-${id}-topic` }),
      status: h('span', { class: 'discussion-status' }),
      meta: h('p', { class: 'meta' }),
      content: h('div', { class: 'discussion-content prose' }),
      actions: h('div', { class: 'item-actions' }),
      slot: h('div', { class: 'form-slot' }),
      commentsTitle: h('h4', { class: 'comments-title', id: `discussion-${id}-comments` }),
      commentList: h('ol', { class: 'comment-list' }),
      // Who is writing a reply; announced politely, without moving focus.
      typing: h('p', { class: 'typing-line', id: `discussion-${id}-typing`, 'aria-live': 'polite', hidden: true }),
      commentForm: null,
    };
    entry.el.setAttribute('aria-labelledby', entry.topic.id);
    entry.commentForm = permissions.canPost ? commentForm(entry, null) : null;
    entry.el.append(
      h(
        'article',
        { class: 'discussion-card' },
        h('header', { class: 'discussion-header' }, h('div', { class: 'title-row' }, entry.topic, entry.status), entry.meta),
        entry.content,
        entry.actions,
        entry.slot,
        h(
          'section',
          { class: 'comments', 'aria-labelledby': entry.commentsTitle.id },
          entry.commentsTitle,
          entry.commentList,
          entry.typing,
          entry.commentForm,
        ),
      ),
    );
    updateDiscussion(entry, discussion);
    return entry;
  }

  function updateDiscussion(entry, discussion) {
    const old = entry.data;
    entry.data = discussion;
    entry.el.dataset.version = discussion.version;
    if (!old || old.topic !== discussion.topic) entry.topic.textContent = discussion.topic;
    replaceChildren(entry.status, discussion.is_resolved ? badge('Resolved', 'resolved') : null);
    replaceChildren(entry.meta, authorLabel(discussion.author, discussion), ' · ', timeEl(discussion.created_at));
    if (!old || old.content !== discussion.content) entry.content.textContent = discussion.content;
    const n = discussion.comments_count;
    entry.commentsTitle.textContent = n === 0 ? 'No comments yet' : `${n} comment${n === 1 ? '' : 's'}`;
    renderDiscussionActions(entry);
  }

  function renderDiscussionActions(entry) {
    const d = entry.data;
    const mine = permissions.isMine(d);
    const buttons = [];
    if (mine) buttons.push(actionButton('Edit', `Edit discussion “${d.topic}”`, () => openEditDiscussion(entry)));
    if (mine || permissions.isAdmin) {
      const label = d.is_resolved ? 'Reopen' : 'Resolve';
      buttons.push(
        actionButton(label, `${label} discussion “${d.topic}”`, async (button) => {
          button.disabled = true;
          try {
            await actions.setResolved(entry.data, !entry.data.is_resolved);
          } catch (error) {
            showSlotError(entry.slot, error.message);
          } finally {
            button.disabled = false;
          }
        }),
      );
    }
    if (mine || permissions.isManager) {
      buttons.push(
        actionButton('Delete', `Delete discussion “${d.topic}”`, () =>
          openConfirm(entry.slot, 'Delete this discussion and all its comments?', () =>
            actions.deleteDiscussion(entry.data),
          ),
        ),
      );
    }
    replaceChildren(entry.actions, buttons);
    entry.actions.hidden = buttons.length === 0;
  }

  function openEditDiscussion(entry) {
    const d = entry.data;
    const id = d.id;
    const topic = h('input', { id: `edit-topic-${id}`, name: 'topic', required: true, maxlength: 300 });
    topic.value = d.topic;
    const content = h('textarea', { id: `edit-content-${id}`, name: 'content', rows: 4, required: true });
    content.value = d.content;
    openForm(entry.slot, {
      label: 'Edit discussion',
      fields: [field(topic, 'Topic'), field(content, 'Message')],
      submitText: 'Save',
      validate: () => (topic.value.trim() && content.value.trim() ? null : 'Topic and message are required.'),
      submit: () =>
        actions.editDiscussion(entry.data, { topic: topic.value.trim(), content: content.value.trim() }),
      focus: topic,
    });
  }

  // --------------------------------------------------------------- comments

  function renderComments(entry, comments) {
    if (!comments) {
      if (!entry.commentList.dataset.loading) {
        entry.commentList.dataset.loading = '1';
        replaceChildren(entry.commentList, h('li', { class: 'loading' }, 'Loading comments…'));
      }
      return;
    }
    if (entry.commentList.dataset.loading) {
      delete entry.commentList.dataset.loading;
      replaceChildren(entry.commentList);
    }
    const seen = new Set();
    for (const comment of comments) {
      seen.add(comment.id);
      let c = entry.comments.get(comment.id);
      if (!c) {
        c = createComment(entry, comment);
        entry.comments.set(comment.id, c);
      } else if (c.data !== comment) {
        updateComment(entry, c, comment);
      }
      const parent = comment.parent_id == null ? null : entry.comments.get(comment.parent_id);
      const container = parent ? parent.replies : entry.commentList;
      if (c.el.parentElement !== container) insertById(container, c.el, comment.id);
    }
    for (const [id, c] of entry.comments) {
      if (!seen.has(id)) {
        removeKeepingFocus(c.el, entry.el);
        entry.comments.delete(id);
      }
    }
  }

  function insertById(container, el, id) {
    const next = [...container.children].find((child) => Number(child.dataset.id) > id);
    container.insertBefore(el, next ?? null);
  }

  function createComment(entry, comment) {
    const id = comment.id;
    const c = {
      data: null,
      el: h('li', { class: 'comment', id: commentDomId(id), tabindex: '-1', dataset: { id, depth: comment.depth } }),
      meta: h('p', { class: 'meta' }),
      content: h('div', { class: 'comment-content prose' }),
      actions: h('div', { class: 'item-actions' }),
      slot: h('div', { class: 'form-slot' }),
      replies: h('ol', { class: 'replies' }),
    };
    c.el.setAttribute('aria-label', 'Comment');
    c.el.append(h('div', { class: 'comment-body' }, c.meta, c.content, c.actions, c.slot), c.replies);
    updateComment(entry, c, comment);
    return c;
  }

  function updateComment(entry, c, comment) {
    c.data = comment;
    c.el.dataset.version = comment.version;
    c.el.classList.toggle('is-deleted', comment.is_deleted);
    const who = comment.author ? comment.author.username : 'deleted';
    c.el.setAttribute('aria-label', `Comment by ${who}`);
    replaceChildren(
      c.meta,
      comment.is_deleted ? h('span', { class: 'author muted' }, 'Deleted comment') : authorLabel(comment.author, comment),
      ' · ',
      timeEl(comment.created_at),
    );
    c.content.textContent = comment.is_deleted ? 'This comment was deleted.' : comment.content;
    const buttons = [];
    if (!comment.is_deleted) {
      const mine = permissions.isMine(comment);
      if (permissions.canPost && comment.depth < MAX_DEPTH) {
        buttons.push(actionButton('Reply', `Reply to ${who}`, () => openReply(entry, c)));
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

  function openReply(entry, c) {
    openForm(c.slot, commentFormParts(entry, c.data, () => closeSlot(c.slot)));
  }

  function openEditComment(c) {
    const id = c.data.id;
    const content = h('textarea', { id: `edit-comment-${id}`, name: 'content', rows: 3, required: true });
    content.value = c.data.content;
    openForm(c.slot, {
      label: 'Edit comment',
      fields: [field(content, 'Edit comment')],
      submitText: 'Save',
      validate: () => (content.value.trim() ? null : 'The comment cannot be empty.'),
      submit: () => actions.editComment(c.data, content.value.trim()),
      focus: content,
    });
  }

  /** The always-visible "Add a comment" form of a discussion. */
  function commentForm(entry) {
    const parts = commentFormParts(entry, null, null);
    const form = buildForm(parts, { persistent: true });
    form.classList.add('comment-form');
    return form;
  }

  function commentFormParts(entry, parent, onCancel) {
    const discussionId = Number(entry.el.dataset.id);
    const key = parent ? `reply-${parent.id}` : `new-comment-${discussionId}`;
    const label = parent ? `Reply to ${parent.author ? parent.author.username : 'comment'}` : 'Add a comment';
    const content = h('textarea', { id: `${key}-content`, name: 'content', rows: 2, required: true });
    const pseudo = h('input', { type: 'checkbox', id: `${key}-pseudonymous`, name: 'is_pseudonymous' });
    content.addEventListener('input', () => actions.typing?.(discussionId, { pseudonymous: pseudo.checked }));
    return {
      label,
      fields: [
        field(content, label),
        h('div', { class: 'check' }, pseudo, h('label', { for: pseudo.id }, 'Post under my pseudonym')),
      ],
      submitText: parent ? 'Reply' : 'Comment',
      validate: () => (content.value.trim() ? null : 'Write something first.'),
      submit: () =>
        actions.comment(discussionId, {
          content: content.value.trim(),
          parentId: parent ? parent.id : null,
          pseudonymous: pseudo.checked,
        }),
      focus: content,
      onCancel,
      reset: () => {
        content.value = '';
        pseudo.checked = false;
      },
    };
  }

  // ------------------------------------------------------------ form helpers

  function field(control, label) {
    return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  }

  function actionButton(text, ariaLabel, onClick) {
    const button = h('button', { type: 'button', class: 'button link small', 'aria-label': ariaLabel }, text);
    button.addEventListener('click', () => onClick(button));
    return button;
  }

  function buildForm(parts, { persistent = false } = {}) {
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: 'button primary small' }, parts.submitText);
    const cancel = parts.onCancel
      ? h('button', { type: 'button', class: 'button small' }, 'Cancel')
      : null;
    const form = h(
      'form',
      { class: 'inline-form stack', novalidate: true },
      parts.fields,
      error,
      h('div', { class: 'form-buttons' }, submit, cancel),
    );
    cancel?.addEventListener('click', () => parts.onCancel());
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && parts.onCancel) {
        event.preventDefault();
        parts.onCancel();
      }
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showError(error, '');
      const problem = parts.validate();
      if (problem) {
        showError(error, problem);
        parts.focus?.focus();
        return;
      }
      try {
        await busy(form, parts.submit);
        if (persistent) {
          parts.reset?.();
          parts.focus?.focus();
        } else {
          parts.onDone?.();
        }
      } catch (e) {
        showError(error, e.message);
        parts.focus?.focus();
      }
    });
    return form;
  }

  function openForm(slot, parts) {
    const opener = document.activeElement;
    const close = () => {
      closeSlot(slot);
      if (opener && opener.isConnected) opener.focus();
    };
    const form = buildForm({ ...parts, onCancel: close, onDone: close });
    replaceChildren(slot, form);
    parts.focus?.focus();
  }

  function openConfirm(slot, question, confirmAction) {
    const opener = document.activeElement;
    const close = () => {
      closeSlot(slot);
      if (opener && opener.isConnected) opener.focus();
    };
    const yes = h('button', { type: 'button', class: 'button danger small' }, 'Delete');
    const no = h('button', { type: 'button', class: 'button small' }, 'Cancel');
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const box = h(
      'div',
      { class: 'confirm', role: 'group', 'aria-label': 'Confirm delete' },
      h('p', {}, question),
      error,
      h('div', { class: 'form-buttons' }, yes, no),
    );
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') close();
    });
    no.addEventListener('click', close);
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        await confirmAction();
        closeSlot(slot);
      } catch (e) {
        showError(error, e.message);
        yes.disabled = false;
        no.disabled = false;
      }
    });
    replaceChildren(slot, box);
    no.focus();
  }

  function closeSlot(slot) {
    replaceChildren(slot);
  }

  function showSlotError(slot, message) {
    replaceChildren(slot, h('p', { class: 'form-error', role: 'alert' }, message));
  }

  function removeKeepingFocus(el, fallbackContainer) {
    const hadFocus = el.contains(document.activeElement);
    el.remove();
    if (hadFocus) {
      const target = fallbackContainer.isConnected ? fallbackContainer : list;
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    }
  }

  // -------------------------------------------------------------- highlight

  function elementFor(kind, id) {
    return document.getElementById(kind === 'comment' ? commentDomId(id) : discussionDomId(id));
  }

  function highlight(kind, id) {
    const el = elementFor(kind, id);
    if (!el) return;
    const target = kind === 'comment' ? el.querySelector(':scope > .comment-body') : el.querySelector('.discussion-card');
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

  /** The "is typing" line of a discussion, if it is shown. */
  function typingLine(discussionId) {
    return document.getElementById(`discussion-${discussionId}-typing`);
  }

  return { render, highlight, reveal, elementFor, typingLine, destroy };
}

export function authorLabel(author, item) {
  if (!author) return h('span', { class: 'author muted' }, 'deleted');
  return h(
    'span',
    { class: 'author' },
    author.username,
    item?.is_pseudonymous ? h('span', { class: 'pseudonym-note' }, ' (pseudonym)') : null,
  );
}
