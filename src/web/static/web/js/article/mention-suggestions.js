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

/** The list under one composer, and what the keys do while it is open. */
class Suggestions {
  /** @param {HTMLTextAreaElement} textarea */
  constructor(textarea) {
    this.textarea = textarea;
    this.id = `mentions-${++lists}`;
    this.list = h('ul', {
      id: this.id, class: 'mention-list', role: 'listbox', 'aria-label': 'People to mention',
      hidden: true,
    });
    this.status = h('p', { class: 'sr-only', role: 'status' });
    /** @type {string[]} */
    this.names = [];
    this.active = -1;
    textarea.setAttribute('aria-autocomplete', 'list');
    textarea.setAttribute('aria-controls', this.id);
  }

  close() {
    this.names = [];
    this.active = -1;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.textarea.removeAttribute('aria-activedescendant');
  }

  /** @param {number} index */
  highlight(index) {
    this.active = index;
    [...this.list.children].forEach((option, i) => {
      option.setAttribute('aria-selected', String(i === index));
    });
    this.textarea.setAttribute('aria-activedescendant', `${this.id}-${index}`);
  }

  /** @param {number} index put that name in place of the one being typed */
  choose(index) {
    const { textarea } = this;
    const caret = textarea.selectionStart;
    const typed = typedMention(textarea.value, caret);
    if (typed !== null) textarea.setRangeText(`${this.names[index]} `, caret - typed.length, caret, 'end');
    this.close();
    textarea.dispatchEvent(new Event('input', { bubbles: true })); // drafts, counter
  }

  /** @param {string[]} found */
  show(found) {
    this.names = found.slice(0, SHOWN);
    if (!this.names.length) {
      this.close();
      return;
    }
    this.list.replaceChildren(...this.names.map((name, i) => {
      const option = h('li', {
        id: `${this.id}-${i}`, role: 'option', class: 'mention-option', 'aria-selected': 'false',
      }, `@${name}`);
      // mousedown, not click: the text keeps the focus and its caret.
      option.addEventListener('mousedown', (event) => {
        event.preventDefault();
        this.choose(i);
      });
      return option;
    }));
    this.list.hidden = false;
    this.highlight(0);
    const people = this.names.length === 1 ? 'person' : 'people';
    this.status.textContent = `${this.names.length} ${people} to mention; arrow keys to `
      + 'choose, Enter to insert.';
  }

  /**
   * The keys of an open list; true when the key was the list's.
   * @param {KeyboardEvent} event
   */
  keyDown(event) {
    if (this.list.hidden) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.highlight((this.active + step + this.names.length) % this.names.length);
    } else if ((event.key === 'Enter' && !event.ctrlKey && !event.metaKey) || event.key === 'Tab') {
      this.choose(this.active);
    } else if (event.key === 'Escape') {
      this.close();
    } else {
      return false;
    }
    return true;
  }
}

/**
 * Suggestions under `textarea`; the element to put beside it.
 * @param {HTMLTextAreaElement} textarea
 */
export function attachMentionSuggestions(textarea) {
  const suggestions = new Suggestions(textarea);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  textarea.addEventListener('input', () => {
    clearTimeout(timer);
    const typed = typedMention(textarea.value, textarea.selectionStart);
    const ask = source;
    if (typed === null || ask === null) {
      suggestions.close();
      return;
    }
    timer = setTimeout(async () => {
      try {
        const found = await ask(typed);
        // Only if the text still ends with what was asked about.
        if (typedMention(textarea.value, textarea.selectionStart) === typed) suggestions.show(found);
      } catch {
        suggestions.close(); // suggestions are a help; typing the name works without them
      }
    }, PAUSE_MS);
  });
  textarea.addEventListener('keydown', (event) => {
    if (!suggestions.keyDown(event)) return;
    event.preventDefault();
    event.stopPropagation(); // Escape closes the list, not the form around it
  });
  textarea.addEventListener('blur', () => suggestions.close());
  return h('div', { class: 'mention-suggestions' }, suggestions.list, suggestions.status);
}
