/**
 * What every writing box has: a counter against the content limits, a preview
 * rendered by the server exactly as the post will show, the draft kept across
 * reloads, and errors that say which field and which limit, cleared once fixed.
 */

import { api, ApiError } from '../api.js';
import { h, showError } from '../dom.js';
import { keepDraft } from './drafts.js';
import { attachMentionSuggestions } from './mention-suggestions.js';

// The API's limits of `content` (discussions/schemas.py): both must hold.
export const MAX_CHARS = 20_000;
export const MAX_BYTES = 32 * 1024;

const encoder = new TextEncoder();
const number = new Intl.NumberFormat('en');

/**
 * The problem with a text's length, naming the field and the limit, or null.
 * @param {string} label
 * @param {string} text
 */
export function lengthProblem(label, text) {
  const chars = [...text].length;
  if (chars > MAX_CHARS) {
    return `${label} is too long: at most ${number.format(MAX_CHARS)} characters `
      + `(it has ${number.format(chars)}).`;
  }
  const bytes = encoder.encode(text).length;
  if (bytes > MAX_BYTES) {
    return `${label} is too long: at most 32 KiB (${number.format(MAX_BYTES)} bytes; `
      + `it has ${number.format(bytes)}; emoji take 4 each).`;
  }
  return null;
}

/**
 * Whether a write failed for want of a connection (fetch rejects with a TypeError).
 * @param {unknown} error
 */
export function isConnectionFailure(error) {
  return !(error instanceof ApiError) && (error instanceof TypeError || !navigator.onLine);
}

/**
 * A failed write as a sentence a person can act on.
 * @param {unknown} error
 */
export function explainFailure(error) {
  if (error instanceof ApiError) {
    const detail = error.body?.errors?.[0];
    if (error.status === 422 && detail) {
      const fieldName = Array.isArray(detail.loc) ? detail.loc[detail.loc.length - 1] : 'input';
      return `${fieldName}: ${detail.msg}`;
    }
    return error.message;
  }
  if (isConnectionFailure(error)) {
    return 'Could not reach the server: you seem to be offline. '
      + 'Your text is kept here; try again once connected.';
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * @typedef {object} Composer
 * @property {HTMLElement} el the counter, preview button and preview, to put under the textarea
 * @property {() => string | null} problem the length problem to show before sending, or null
 * @property {() => void} forget forgets the draft and the preview (the text was sent or given up)
 */

/**
 * The preview button and the preview it opens: the text rendered by the server
 * exactly as the post will show.
 * @param {HTMLTextAreaElement} textarea
 * @param {HTMLElement} error the form's error line
 */
function createPreview(textarea, error) {
  const button = h('button', {
    type: 'button', class: 'button link small composer-preview-button', 'aria-expanded': 'false',
  }, 'Preview');
  const preview = h('div', {
    class: 'composer-preview prose', hidden: true, 'aria-label': 'Preview',
  });
  /** @param {boolean} open */
  const show = (open) => {
    preview.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Hide preview' : 'Preview';
  };
  button.addEventListener('click', async () => {
    show(preview.hidden);
    if (preview.hidden) return;
    if (!textarea.value.trim()) {
      preview.replaceChildren(h('p', { class: 'muted' }, 'Nothing to preview yet.'));
      return;
    }
    preview.replaceChildren(h('p', { class: 'muted' }, 'Rendering…'));
    try {
      const body = { content: textarea.value };
      const answer = await api('/api/render', { method: 'POST', body });
      preview.innerHTML = answer.content_html; // sanitised by the server, like every post
      preview.classList.add('rendered');
    } catch (e) {
      preview.replaceChildren();
      show(false);
      showError(error, explainFailure(e));
    }
  });
  // A stale preview never stands beside changed text.
  return { button, preview, hide: () => show(false) };
}

/**
 * @param {HTMLTextAreaElement} textarea
 * @param {object} options
 * @param {string} options.label the field's name in messages
 * @param {string} options.place where the draft is kept (see drafts.js)
 * @param {HTMLElement} options.error the form's error line
 * @param {string} [options.initial] the text an edit starts from, when there is no draft
 * @returns {Composer}
 */
export function attachComposer(textarea, { label, place, error, initial = '' }) {
  const forgetDraft = keepDraft(textarea, place, initial);
  const counter = h('p', {
    class: 'composer-counter muted', id: `${textarea.id}-counter`, 'aria-live': 'polite',
  });
  const preview = createPreview(textarea, error);
  const suggestions = attachMentionSuggestions(textarea);
  textarea.setAttribute('aria-describedby', counter.id);
  let shownProblem = /** @type {string | null} */ (null);

  function refresh() {
    const text = textarea.value;
    const chars = [...text].length;
    const bytes = encoder.encode(text).length;
    counter.textContent = `${number.format(chars)} / ${number.format(MAX_CHARS)} characters` +
      (bytes > chars ? ` · ${number.format(bytes)} / ${number.format(MAX_BYTES)} bytes` : '');
    const problem = lengthProblem(label, text);
    counter.classList.toggle('over-limit', problem !== null);
    textarea.setAttribute('aria-invalid', String(problem !== null));
    // Show a length problem as soon as it exists, and take away whatever error is up
    // once the text is fixed.
    if (problem) {
      showError(error, problem);
      shownProblem = problem;
    } else if (shownProblem || !error.hidden) {
      showError(error, '');
      shownProblem = null;
    }
  }

  textarea.addEventListener('input', () => {
    preview.hide();
    refresh();
  });
  // Ctrl+Enter (Cmd+Enter on a Mac) sends, as in most writing boxes; Enter alone is a newline.
  textarea.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    textarea.form?.requestSubmit();
  });
  refresh();
  return {
    el: h('div', { class: 'composer-tools' }, suggestions, counter, preview.button,
      preview.preview),
    problem: () => lengthProblem(label, textarea.value),
    forget() {
      forgetDraft();
      preview.hide();
      refresh();
    },
  };
}
