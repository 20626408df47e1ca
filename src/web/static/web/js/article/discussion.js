/**
 * One discussion: its card (topic, status, author, times, content folded when
 * long, actions), its comment thread, who is writing a comment, and the comment
 * form opened on demand.
 */

import { html, nothing } from '../../vendor/lit-html/lit-html.js';
import { guard } from '../../vendor/lit-html/directives/guard.js';
import { h } from '../dom.js';
import { followToggle } from '../follow-toggle.js';
import { foldedContent } from './collapsible.js';
import { commentFormParts } from './comment-form.js';
import { commentThread } from './comment-thread.js';
import { attachComposer } from './composer.js';
import { keepDraft } from './drafts.js';
import { discussionDomId } from './elements.js';
import {
  actionButton, errorLine, field, itemActions, openConfirm, openForm, showSlotError,
} from './inline-forms.js';
import { metaLine } from './meta-line.js';
import { orphanedReplies } from './orphaned-replies.js';
import { attachTopicCounter } from './topic-field.js';
import { typingText } from './typing.js';

/** @typedef {import('../../realtime/apply-event').Discussion} Discussion */
/** @typedef {import('./discussion-list.js').ArticleView} ArticleView */

/**
 * The discussion's <li>. Its card renders again only when the discussion, its
 * "New" mark or its fold changed, its comments section when they, who is typing,
 * their "New" marks, folds or orphaned drafts changed; its comments are keyed
 * (comment-thread.js).
 * @param {ArticleView} view
 * @param {Discussion} d
 */
export function discussionItem(view, d) {
  const { state } = view;
  const domId = discussionDomId(d.id);
  const isNew = view.isNew(domId);
  const unfolded = state.unfolded.has(`${domId}-content`);
  const how = { domId, isNew, unfolded };
  // The reader's role decides which actions show: a new one renders them again.
  const card = guard([d, isNew, unfolded, view.isAdmin, view.isManager],
    () => discussionCard(view, d, how));
  const items = state.articleState.commentsByDiscussion[d.id];
  const thread = guard(
    [d, items, state.typing[d.id], view.marksKey(d.id), state.unfolded, state.replyDrafts,
      state.openLevels, state.keptShown, state.arrived, view.isManager],
    () => comments(view, d, domId),
  );
  return html`<li class=${isNew ? 'discussion is-new' : 'discussion'} id=${domId} tabindex="-1"
    data-id=${d.id} data-version=${d.version} aria-labelledby="${domId}-topic"
    ><article class="discussion-card">${card}${thread}</article></li>`;
}

/**
 * @param {ArticleView} view
 * @param {Discussion} d
 * @param {{domId: string, isNew: boolean, unfolded: boolean}} how
 */
function discussionCard(view, d, { domId, isNew, unfolded }) {
  const contentId = `${domId}-content`;
  const status = d.is_resolved ? html`<span class="badge resolved">Resolved</span>` : nothing;
  const content = foldedContent({
    className: 'discussion-content',
    id: contentId,
    item: d,
    what: `discussion “${d.topic}”`,
    unfolded,
    onToggle: () => view.on.toggleFold(contentId),
  });
  return html`<header class="discussion-header"><div class="title-row"><h3 class="discussion-topic"
    id="${domId}-topic">${d.topic}</h3><span class="discussion-status">${status}</span></div>${
    metaLine(d, { domId, isNew })}</header>${content}${itemActions(discussionButtons(view, d))
    }<div class="form-slot"></div>`;
}

/**
 * The "Comment" button with the slot it opens the comment form in (at the top,
 * reachable without scrolling past a long thread), the reply drafts left without
 * their comment, the thread, and who is typing.
 * @param {ArticleView} view
 * @param {Discussion} d
 * @param {string} domId
 */
function comments(view, d, domId) {
  const items = view.state.articleState.commentsByDiscussion[d.id];
  const n = d.comments_count;
  const title = n === 0 ? 'No comments yet' : `${n} comment${n === 1 ? '' : 's'}`;
  const typists = view.state.typing[d.id] ?? [];
  // Who is writing a reply; announced politely, without moving focus.
  const typing = html`<p class="typing-line" id="${domId}-typing" aria-live="polite"
    ?hidden=${typists.length === 0}>${typists.length ? typingText(typists) : ''}</p>`;
  const open = (/** @type {Event} */ event) => openCommentForm(view, d.id, event);
  const opener = view.canPost
    ? html`<button type="button" class="button small comment-opener" aria-expanded="false"
        aria-controls="${domId}-comment-slot" aria-label="Comment on “${d.topic}”"
        @click=${open}>Comment</button><div class="form-slot comment-form"
        id="${domId}-comment-slot"></div>`
    : nothing;
  const orphans = orphanedReplies(view, d.id, items);
  return html`<section class="comments" aria-labelledby="${domId}-comments"><h4
    class="comments-title" id="${domId}-comments">${title}</h4>${opener}<div
    class="orphaned-replies">${orphans}</div><ol class="comment-list">${
    commentThread(view, items, domId)}</ol>${typing}</section>`;
}

/** @type {WeakSet<HTMLElement>} comment slots whose opener follows them */
const followed = new WeakSet();

/**
 * The "Comment" button opens the comment form, or focuses it when it is open. The
 * form closes itself (sent, cancelled, Escape): the button's aria-expanded follows
 * its slot, which is not part of any template.
 * @param {ArticleView} view
 * @param {number} discussionId
 * @param {Event} event
 */
function openCommentForm(view, discussionId, event) {
  const opener = /** @type {HTMLButtonElement} */ (event.currentTarget);
  const slotId = opener.getAttribute('aria-controls') ?? '';
  const slot = /** @type {HTMLElement} */ (document.getElementById(slotId));
  if (!followed.has(slot)) {
    followed.add(slot);
    new MutationObserver(() => {
      opener.setAttribute('aria-expanded', String(slot.childElementCount > 0));
    }).observe(slot, { childList: true });
  }
  const open = slot.querySelector('textarea');
  if (open) open.focus();
  else openForm(slot, commentFormParts(view.actions, discussionId, null, null));
}

/**
 * @param {ArticleView} view
 * @param {Discussion} d
 */
function discussionButtons(view, d) {
  const mine = view.isMine(d);
  const buttons = [];
  if (mine) {
    buttons.push(actionButton('Edit', `Edit discussion “${d.topic}”`, (_, slot) =>
      openEdit(view, d, slot)));
  }
  if (mine || view.isAdmin) {
    const label = d.is_resolved ? 'Reopen' : 'Resolve';
    buttons.push(actionButton(label, `${label} discussion “${d.topic}”`, async (button, slot) => {
      if (button.getAttribute('aria-disabled') === 'true') return;
      // Not `disabled`: a disabled button drops focus to the page, and keyboard users
      // their place; the button stays and its label turns to Reopen or Resolve.
      button.setAttribute('aria-disabled', 'true');
      try {
        await view.actions.setResolved(d, !d.is_resolved);
      } catch (error) {
        showSlotError(slot, error.message);
      } finally {
        button.removeAttribute('aria-disabled');
      }
    }));
  }
  if (mine || view.isManager) {
    const question = 'Delete this discussion and all its comments?';
    buttons.push(actionButton('Delete', `Delete discussion “${d.topic}”`, (_, slot) =>
      openConfirm(slot, question, () => view.actions.deleteDiscussion(d))));
  }
  if (view.state.me) {
    buttons.push(actionButton('Notifications', `Notifications of discussion “${d.topic}”`,
      (_, slot) => openFollow(d, slot)));
  }
  return buttons;
}

/**
 * Whether the reader follows the discussion, read only now: a page of a hundred
 * discussions asks for none of them until one is opened.
 * @param {Discussion} d
 * @param {HTMLElement} slot
 */
function openFollow(d, slot) {
  const open = slot.querySelector('.follow-toggle');
  if (open instanceof HTMLElement) {
    open.focus();
    return;
  }
  const toggle = followToggle(`/api/discussions/${d.id}/follow`, `discussion “${d.topic}”`);
  slot.replaceChildren(h('div', { class: 'follow-panel' }, toggle,
    h('p', { class: 'hint' }, 'Following, you hear of its new comments and replies to you; '
      + 'muted, only of mentions of you.')));
  toggle.querySelector('button')?.focus();
}

/**
 * @param {ArticleView} view
 * @param {Discussion} d
 * @param {HTMLElement} slot
 */
function openEdit(view, d, slot) {
  const topicInput = h('input', {
    id: `edit-topic-${d.id}`, name: 'topic', required: true,
  });
  const forgetTopic = keepDraft(topicInput, `discussion-${d.id}.edit-topic`, d.topic);
  const topicCounter = attachTopicCounter(topicInput);
  const contentInput = h('textarea', {
    id: `edit-content-${d.id}`, name: 'content', rows: 4, required: true,
  });
  const error = errorLine();
  const composer = attachComposer(contentInput, {
    label: 'Message', place: `discussion-${d.id}.edit`, error, initial: d.content,
  });
  openForm(slot, {
    label: 'Edit discussion',
    fields: [field(topicInput, 'Topic'), topicCounter.el, field(contentInput, 'Message')],
    submitText: 'Save',
    validate: () => (topicInput.value.trim() && contentInput.value.trim()
      ? topicCounter.problem()
      : 'Topic and message are required.'),
    submit: () => view.actions.editDiscussion(d, {
      topic: topicInput.value.trim(),
      content: contentInput.value.trim(),
    }),
    focus: topicInput,
    composer,
    otherDrafts: [forgetTopic],
    error,
  });
}
