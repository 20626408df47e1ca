/**
 * Reply drafts whose comment is gone (deleted, or "[deleted]"), each shown above
 * the discussion's comments with its text and a way to post it as a comment of
 * its own. The drafts live in storage (drafts.js); each notice keeps its element,
 * with the form and what is being written in it, while its draft is orphaned.
 */

import { nothing } from '../../vendor/lit-html/lit-html.js';
import { repeat } from '../../vendor/lit-html/directives/repeat.js';
import { h } from '../dom.js';
import { attachComposer } from './composer.js';
import { replyDrafts, replyPlace, saveDraft } from './drafts.js';
import { buildForm, errorLine, field } from './inline-forms.js';

/** @typedef {import('../../realtime/apply-event').Comment} Comment */
/** @typedef {import('./discussion-list.js').ArticleView} ArticleView */

/** @type {Map<number, Map<number, HTMLElement>>} discussion id → parent id → notice */
const notices = new Map();

/**
 * The notices of a discussion's orphaned reply drafts.
 * @param {ArticleView} view
 * @param {number} discussionId
 * @param {Comment[] | undefined} comments undefined while not loaded
 */
export function orphanedReplies(view, discussionId, comments) {
  if (!comments) return nothing;
  const drafts = replyDrafts(discussionId);
  const byId = drafts.length ? new Map(comments.map((c) => [c.id, c])) : null;
  const gone = drafts.filter(([parentId]) => {
    const parent = byId?.get(parentId);
    return !parent || parent.is_deleted;
  });
  const shown = notices.get(discussionId) ?? new Map();
  notices.set(discussionId, shown);
  for (const parentId of shown.keys()) {
    if (!gone.some(([id]) => id === parentId)) shown.delete(parentId);
  }
  return repeat(gone, ([parentId]) => parentId, ([parentId, text]) => {
    const notice = shown.get(parentId) ?? orphanNotice(view, discussionId, parentId, text);
    shown.set(parentId, notice);
    return notice;
  });
}

/**
 * @param {ArticleView} view
 * @param {number} discussionId
 * @param {number} parentId
 * @param {string} text
 */
function orphanNotice(view, discussionId, parentId, text) {
  const place = replyPlace(discussionId, parentId);
  const content = h('textarea', {
    id: `orphan-reply-${parentId}`, name: 'content', rows: 2, required: true,
  });
  const error = errorLine();
  const composer = attachComposer(content, { label: 'Comment', place, error, initial: text });
  const form = buildForm({
    label: 'Post as a comment',
    fields: [field(content, 'Your reply, kept as a draft')],
    submitText: 'Post as a comment',
    validate: () => (content.value.trim() ? null : 'Write something first.'),
    submit: () => view.actions.comment(discussionId, {
      content: content.value.trim(), parentId: null, pseudonymous: false,
    }),
    focus: content,
    onDone: view.on.replyDraftsChanged,
    composer,
    error,
  });
  // Not the form's Cancel: Escape would throw the text away with it.
  const discard = h('button', { type: 'button', class: 'button link small' }, 'Discard draft');
  discard.addEventListener('click', () => {
    saveDraft(place, '');
    view.on.replyDraftsChanged();
  });
  return h(
    'div',
    { class: 'orphaned-reply notice', role: 'status' },
    h('p', {}, 'The comment you were replying to has been deleted. Your reply is kept; '
      + 'you can post it as a comment of its own.'),
    form,
    discard,
  );
}
