/**
 * The topic's counter against its limit. The field has no maxlength: a pasted
 * topic over the limit stays whole and the counter says by how much, where the
 * browser would cut it without a word.
 */

import { h } from '../dom.js';

// The API's limit of `topic` (discussions/schemas.py).
export const MAX_TOPIC_CHARS = 300;
// From here on the counter is read out as it changes; before, it would only chatter.
const NEAR_LIMIT = 30;

/**
 * @param {HTMLInputElement} input
 * @returns {{el: HTMLElement, problem: () => string | null, refresh: () => void}} el: the
 *   counter, to put under the field; problem: the length problem to show before sending,
 *   or null; refresh: count again after the field was changed by a script (a form's
 *   reset fires no input event)
 */
export function attachTopicCounter(input) {
  const counter = h('p', { class: 'topic-counter muted', id: `${input.id}-counter` });
  input.setAttribute('aria-describedby', counter.id);
  const problem = () => {
    const chars = [...input.value].length;
    return chars > MAX_TOPIC_CHARS
      ? `The topic is too long: at most ${MAX_TOPIC_CHARS} characters (it has ${chars}).`
      : null;
  };
  const refresh = () => {
    const chars = [...input.value].length;
    const over = chars - MAX_TOPIC_CHARS;
    counter.textContent = `${chars} / ${MAX_TOPIC_CHARS}`
      + (over > 0 ? ` · ${over} too many: shorten the topic` : '');
    counter.setAttribute('aria-live', chars >= MAX_TOPIC_CHARS - NEAR_LIMIT ? 'polite' : 'off');
    counter.classList.toggle('over-limit', over > 0);
    input.setAttribute('aria-invalid', String(over > 0));
  };
  input.addEventListener('input', refresh);
  refresh();
  return { el: counter, problem, refresh };
}
