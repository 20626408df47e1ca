/** The "Start a discussion" form above an article's discussions. */

import { busy, h, showError } from '../dom.js';
import { attachComposer, explainFailure } from './composer.js';
import { keepDraft } from './drafts.js';
import { errorLine } from './inline-forms.js';
import { attachTopicCounter } from './topic-field.js';

/**
 * @param {(d: {topic: string, content: string, pseudonymous: boolean}) => Promise<unknown>}
 *   startDiscussion
 */
export function newDiscussionForm(startDiscussion) {
  const page = location.pathname; // the article in its community: where the draft belongs
  const topic = h('input', { id: 'new-topic', name: 'topic', required: true });
  const content = h('textarea', { id: 'new-content', name: 'content', rows: 3, required: true });
  const pseudo = h('input', { type: 'checkbox', id: 'new-pseudonymous', name: 'is_pseudonymous' });
  const error = errorLine();
  const forgetTopic = keepDraft(topic, `${page}.new-discussion-topic`);
  const topicCounter = attachTopicCounter(topic);
  const composer = attachComposer(content, {
    label: 'Message', place: `${page}.new-discussion`, error,
  });
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'aria-labelledby': 'new-discussion-title' },
    h('div', { class: 'field' }, h('label', { for: topic.id }, 'Topic'), topic, topicCounter.el),
    h('div', { class: 'field' }, h('label', { for: content.id }, 'Message'), content),
    composer.el,
    h('div', { class: 'check' }, pseudo, h('label', { for: pseudo.id }, 'Post under my pseudonym')),
    error,
    h('div', { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'button primary' }, 'Start discussion')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    if (!topic.value.trim() || !content.value.trim()) {
      showError(error, 'Give the discussion a topic and a message.');
      (topic.value.trim() ? content : topic).focus();
      return;
    }
    const topicTooLong = topicCounter.problem();
    const tooLong = topicTooLong ?? composer.problem();
    if (tooLong) {
      showError(error, tooLong);
      (topicTooLong ? topic : content).focus();
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
      topicCounter.refresh();
      forgetTopic();
      composer.forget();
      topic.focus();
    } catch (e) {
      showError(error, explainFailure(e));
    }
  });
  return h(
    'section',
    { class: 'card new-discussion', 'aria-labelledby': 'new-discussion-title' },
    h('h3', { id: 'new-discussion-title' }, 'Start a discussion'),
    form,
  );
}
