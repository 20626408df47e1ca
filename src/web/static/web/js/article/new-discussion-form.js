/** The "Start a discussion" form above an article's discussions. */

import { busy, h, showError } from '../dom.js';

/**
 * @param {(d: {topic: string, content: string, pseudonymous: boolean}) => Promise<unknown>} startDiscussion
 */
export function newDiscussionForm(startDiscussion) {
  const topic = h('input', { id: 'new-topic', name: 'topic', required: true, maxlength: 300 });
  const content = h('textarea', { id: 'new-content', name: 'content', rows: 3, required: true });
  const pseudo = h('input', { type: 'checkbox', id: 'new-pseudonymous', name: 'is_pseudonymous' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'aria-labelledby': 'new-discussion-title' },
    h('div', { class: 'field' }, h('label', { for: topic.id }, 'Topic'), topic),
    h('div', { class: 'field' }, h('label', { for: content.id }, 'Message'), content),
    h('div', { class: 'check' }, pseudo, h('label', { for: pseudo.id }, 'Post under my pseudonym')),
    error,
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'button primary' }, 'Start discussion')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    if (!topic.value.trim() || !content.value.trim()) {
      showError(error, 'Give the discussion a topic and a message.');
      (topic.value.trim() ? content : topic).focus();
      return;
    }
    try {
      await busy(form, () =>
        startDiscussion({
          topic: topic.value.trim(),
          content: content.value.trim(),
          pseudonymous: pseudo.checked,
        }),
      );
      form.reset();
      topic.focus();
    } catch (e) {
      showError(error, e.message);
    }
  });
  return h(
    'section',
    { class: 'card new-discussion', 'aria-labelledby': 'new-discussion-title' },
    h('h3', { id: 'new-discussion-title' }, 'Start a discussion'),
    form,
  );
}
