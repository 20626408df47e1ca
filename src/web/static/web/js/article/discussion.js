/**
 * One discussion: its card (topic, status, author, times, content folded when
 * long, actions), its comment thread, and the comment form opened on demand.
 */

import { badge, h, replaceChildren } from '../dom.js';
import { createFold } from './collapsible.js';
import { commentFormParts } from './comment-form.js';
import { createCommentThread } from './comment-thread.js';
import { authorLabel, discussionDomId, newMark } from './elements.js';
import { attachComposer } from './composer.js';
import { keepDraft } from './drafts.js';
import { actionButton, errorLine, field, openConfirm, openForm, showSlotError } from './inline-forms.js';
import { showRendered } from './rendered-content.js';
import { postedTimes } from './times.js';

/** @typedef {import('../../realtime/apply-event').Discussion} Discussion */
/** @typedef {import('../../realtime/apply-event').Comment} Comment */
/** @typedef {import('./discussion-list.js').ViewContext} ViewContext */

/**
 * @param {ViewContext} context
 * @param {Discussion} discussion
 */
export function createDiscussion(context, discussion) {
  const { permissions, actions } = context;
  const id = discussion.id;
  /** @type {Discussion | null} */
  let data = null;
  const el = h('li', { class: 'discussion', id: discussionDomId(id), tabindex: '-1', dataset: { id } });
  const topic = h('h3', { class: 'discussion-topic', id: `discussion-${id}-topic` });
  const status = h('span', { class: 'discussion-status' });
  const meta = h('p', { class: 'meta' });
  const content = h('div', { class: 'discussion-content prose', id: `discussion-${id}-content` });
  const fold = createFold(content, `discussion “${discussion.topic}”`);
  const buttons = h('div', { class: 'item-actions' });
  const slot = h('div', { class: 'form-slot' });
  const commentsTitle = h('h4', { class: 'comments-title', id: `discussion-${id}-comments` });
  const commentList = h('ol', { class: 'comment-list' });
  // Who is writing a reply; announced politely, without moving focus.
  const typing = h('p', { class: 'typing-line', id: `discussion-${id}-typing`, 'aria-live': 'polite', hidden: true });
  const thread = createCommentThread(context, id, commentList, el);
  const commenting = permissions.canPost ? commentOpener() : null;

  el.setAttribute('aria-labelledby', topic.id);
  el.append(
    h(
      'article',
      { class: 'discussion-card' },
      h('header', { class: 'discussion-header' }, h('div', { class: 'title-row' }, topic, status), meta),
      content,
      fold.button,
      buttons,
      slot,
      h(
        'section',
        { class: 'comments', 'aria-labelledby': commentsTitle.id },
        commentsTitle,
        commentList,
        typing,
        commenting ? [commenting.opener, commenting.slot] : null,
      ),
    ),
  );

  /** @param {Discussion} next */
  function update(next) {
    const old = data;
    data = next;
    el.dataset.version = String(next.version);
    const isNew = context.isNew(el.id, next);
    if (!old || old.topic !== next.topic) topic.textContent = next.topic;
    replaceChildren(status, next.is_resolved ? badge('Resolved', 'resolved') : null);
    replaceChildren(
      meta,
      authorLabel(next.author, next),
      ' · ',
      postedTimes(next),
      isNew ? newMark(el.id) : null,
    );
    el.classList.toggle('is-new', isNew);
    if (!old || old.content !== next.content) showRendered(content, next, `/api/discussions/${next.id}/content_html`);
    if (!old || old.content !== next.content || old.topic !== next.topic) fold.refresh(`discussion “${next.topic}”`);
    commenting?.opener.setAttribute('aria-label', `Comment on “${next.topic}”`);
    const n = next.comments_count;
    commentsTitle.textContent = n === 0 ? 'No comments yet' : `${n} comment${n === 1 ? '' : 's'}`;
    renderActions(next);
  }

  /** @param {Discussion} d */
  function renderActions(d) {
    const current = () => /** @type {Discussion} */ (data);
    const mine = permissions.isMine(d);
    const list = [];
    if (mine) list.push(actionButton('Edit', `Edit discussion “${d.topic}”`, () => openEdit()));
    if (mine || permissions.isAdmin) {
      const label = d.is_resolved ? 'Reopen' : 'Resolve';
      list.push(
        actionButton(label, `${label} discussion “${d.topic}”`, async (button) => {
          button.disabled = true;
          try {
            await actions.setResolved(current(), !current().is_resolved);
          } catch (error) {
            showSlotError(slot, error.message);
          } finally {
            button.disabled = false;
          }
        }),
      );
    }
    if (mine || permissions.isManager) {
      list.push(
        actionButton('Delete', `Delete discussion “${d.topic}”`, () =>
          openConfirm(slot, 'Delete this discussion and all its comments?', () =>
            actions.deleteDiscussion(current()),
          ),
        ),
      );
    }
    replaceChildren(buttons, list);
    buttons.hidden = list.length === 0;
  }

  /** The "Comment" button, and the slot where it opens the comment form. */
  function commentOpener() {
    const commentSlot = h('div', { class: 'form-slot comment-form' });
    const opener = h('button', { type: 'button', class: 'button small comment-opener', 'aria-expanded': 'false' }, 'Comment');
    opener.setAttribute('aria-controls', (commentSlot.id = `discussion-${id}-comment-slot`));
    // The form closes itself (sent, cancelled, Escape): the button follows it.
    new MutationObserver(() => {
      opener.setAttribute('aria-expanded', String(commentSlot.childElementCount > 0));
    }).observe(commentSlot, { childList: true });
    opener.addEventListener('click', () => {
      const open = /** @type {HTMLElement | null} */ (commentSlot.querySelector('textarea'));
      if (open) open.focus();
      else openForm(commentSlot, commentFormParts(actions, id, null, null));
    });
    return { opener, slot: commentSlot };
  }

  function openEdit() {
    const d = /** @type {Discussion} */ (data);
    const topicInput = h('input', { id: `edit-topic-${id}`, name: 'topic', required: true, maxlength: 300 });
    const forgetTopic = keepDraft(topicInput, `discussion-${id}.edit-topic`, d.topic);
    const contentInput = h('textarea', { id: `edit-content-${id}`, name: 'content', rows: 4, required: true });
    const error = errorLine();
    const composer = attachComposer(contentInput, {
      label: 'Message', place: `discussion-${id}.edit`, error, initial: d.content,
    });
    openForm(slot, {
      label: 'Edit discussion',
      fields: [field(topicInput, 'Topic'), field(contentInput, 'Message')],
      submitText: 'Save',
      validate: () => (topicInput.value.trim() && contentInput.value.trim() ? null : 'Topic and message are required.'),
      submit: () =>
        actions.editDiscussion(/** @type {Discussion} */ (data), {
          topic: topicInput.value.trim(),
          content: contentInput.value.trim(),
        }),
      focus: topicInput,
      composer,
      otherDrafts: [forgetTopic],
      error,
    });
  }

  update(discussion);
  return {
    el,
    /** The discussion as last rendered. */
    get data() {
      return /** @type {Discussion} */ (data);
    },
    update,
    /** @param {Comment[] | undefined} comments undefined while not loaded */
    renderComments: (comments) => thread.render(comments),
  };
}
