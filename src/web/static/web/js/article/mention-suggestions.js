/**
 * @mention suggestions in every composer: typing "@" and the start of a name lists
 * the community's members whose names start so. ArrowDown and ArrowUp move through
 * them, Enter or Tab puts the chosen name in, Escape closes the list. The focus stays
 * in the text (aria-activedescendant names the highlighted suggestion, which screen
 * readers read out), and a polite status says how many suggestions there are.
 */

import { h } from '../dom.js';

/** @typedef {(prefix: string) => Promise<string[]>} MentionSource */

const SHOWN = 8;
const PAUSE_MS = 120; // typing faster than this asks once, for the last prefix

// The names being typed: an "@" where a name could start, then the name so far, in
// the characters usernames have (any script's letters, as richtext.mentions reads them).
const TYPED_MENTION = /(?:^|[^\p{L}\p{M}\p{N}_@.+-])@([\p{L}\p{M}\p{N}_.@+-]{1,150})$/u;

/** @type {MentionSource | null} */
let source = null;

/**
 * Where suggestions come from on this page (the article's community's members).
 * @param {MentionSource} suggest
 */
export function suggestMentionsFrom(suggest) {
  source = suggest;
}

/**
 * The name being typed just before the caret, or null.
 * @param {string} text
 * @param {number} caret
 */
export function typedMention(text, caret) {
  const match = TYPED_MENTION.exec(text.slice(0, caret));
  return match ? match[1] : null;
}

let lists = 0;

/**
 * Suggestions under `textarea`; the element to put beside it.
 * @param {HTMLTextAreaElement} textarea
 */
export function attachMentionSuggestions(textarea) {
  const id = `mentions-${++lists}`;
  const list = h('ul', {
    id, class: 'mention-list', role: 'listbox', 'aria-label': 'People to mention', hidden: true,
  });
  const status = h('p', { class: 'sr-only', role: 'status' });
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', id);
  /** @type {string[]} */
  let names = [];
  let active = -1;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  const close = () => {
    names = [];
    active = -1;
    list.hidden = true;
    list.replaceChildren();
    textarea.removeAttribute('aria-activedescendant');
  };

  const highlight = (/** @type {number} */ index) => {
    active = index;
    [...list.children].forEach((option, i) => {
      option.setAttribute('aria-selected', String(i === index));
    });
    textarea.setAttribute('aria-activedescendant', `${id}-${index}`);
  };

  const choose = (/** @type {number} */ index) => {
    const caret = textarea.selectionStart;
    const typed = typedMention(textarea.value, caret);
    if (typed === null) return close();
    const start = caret - typed.length;
    const insert = `${names[index]} `;
    textarea.setRangeText(insert, start, caret, 'end');
    close();
    textarea.dispatchEvent(new Event('input', { bubbles: true })); // drafts, counter
  };

  const show = (/** @type {string[]} */ found) => {
    names = found.slice(0, SHOWN);
    if (!names.length) {
      close();
      return;
    }
    list.replaceChildren(...names.map((name, i) => {
      const option = h('li', {
        id: `${id}-${i}`, role: 'option', class: 'mention-option', 'aria-selected': 'false',
      }, `@${name}`);
      // mousedown, not click: the text keeps the focus and its caret.
      option.addEventListener('mousedown', (event) => {
        event.preventDefault();
        choose(i);
      });
      return option;
    }));
    list.hidden = false;
    highlight(0);
    const people = names.length === 1 ? 'person' : 'people';
    status.textContent = `${names.length} ${people} to mention; arrow keys to choose, `
      + 'Enter to insert.';
  };

  textarea.addEventListener('input', () => {
    clearTimeout(timer);
    const typed = typedMention(textarea.value, textarea.selectionStart);
    if (typed === null || source === null) {
      close();
      return;
    }
    const ask = source;
    timer = setTimeout(async () => {
      try {
        const found = await ask(typed);
        // Only if the text still ends with what was asked about.
        if (typedMention(textarea.value, textarea.selectionStart) === typed) show(found);
      } catch {
        close(); // suggestions are a help; typing the name works without them
      }
    }, PAUSE_MS);
  });
  textarea.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      highlight((active + step + names.length) % names.length);
    } else if ((event.key === 'Enter' && !event.ctrlKey && !event.metaKey) || event.key === 'Tab') {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation(); // closes the list, not the form around it
      close();
    }
  });
  textarea.addEventListener('blur', close);
  return h('div', { class: 'mention-suggestions' }, list, status);
}
