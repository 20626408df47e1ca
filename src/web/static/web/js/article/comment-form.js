/** The comment form: opened under a discussion (discussion.js) or to reply to a comment. */

import { h } from '../dom.js';
import { attachComposer } from './composer.js';
import { replyPlace } from './drafts.js';
import { errorLine, field } from './inline-forms.js';

/** @typedef {import('./discussion-list.js').ArticleActions} ArticleActions */
/** @typedef {import('../../realtime/apply-event').Comment} Comment */

/**
 * @param {ArticleActions} actions
 * @param {number} discussionId
 * @param {Comment | null} parent the comment replied to; null for a new comment
 * @param {(() => void) | null} onCancel
 * @returns {import('./inline-forms.js').FormParts}
 */
export function commentFormParts(actions, discussionId, parent, onCancel) {
  const key = parent ? `reply-${parent.id}` : `new-comment-${discussionId}`;
  const replyTo = parent?.author ? parent.author.username : 'comment';
  const label = parent ? `Reply to ${replyTo}` : 'Add a comment';
  const content = h('textarea', { id: `${key}-content`, name: 'content', rows: 2, required: true });
  const pseudo = h('input', {
    type: 'checkbox', id: `${key}-pseudonymous`, name: 'is_pseudonymous',
  });
  content.addEventListener('input', () =>
    actions.typing?.(discussionId, { pseudonymous: pseudo.checked }));
  const error = errorLine();
  const place = parent ? replyPlace(discussionId, parent.id) : `discussion-${discussionId}.comment`;
  const composer = attachComposer(content, { label: parent ? 'Reply' : 'Comment', place, error });
  return {
    label,
    fields: [
      field(content, label),
      h('div', { class: 'check' }, pseudo,
        h('label', { for: pseudo.id }, 'Post under my pseudonym')),
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
    composer,
    error,
  };
}
