/** Posts with their content, long ones folded, with a "Show more" / "Show less" button. */

import { html } from '../../vendor/lit-html/lit-html.js';
import { classNames } from './elements.js';
import { renderedContent } from './rendered-content.js';

// Longer texts than this start folded (about ten lines of a discussion card).
const FOLD_OVER_CHARS = 700;

/**
 * @typedef {object} FoldedContent
 * @property {string} className the content element's class: discussion-content or comment-content
 * @property {string} id the content element's id
 * @property {{content: string, content_html?: string | null}} item
 * @property {string | null} [text] shown instead of the item's content (a deleted comment)
 * @property {string} what names the post for screen readers, e.g. 'discussion “Methods”'
 * @property {boolean} unfolded the reader opened it
 * @property {() => void} onToggle
 */

/**
 * The content element and its toggle.
 * @param {FoldedContent} options
 */
export function foldedContent({ className, id, item, text = null, what, unfolded, onToggle }) {
  const shown = text === null
    ? renderedContent(item)
    : { body: text, rendered: false, length: text.length };
  const long = shown.length > FOLD_OVER_CHARS;
  const folded = long && !unfolded;
  const classes = classNames(
    className, 'prose', shown.rendered && 'rendered', folded && 'is-folded',
  );
  const action = unfolded ? 'Show less' : 'Show more';
  return html`<div class=${classes} id=${id}>${shown.body}</div><button
      type="button" class="button link small fold-toggle" ?hidden=${!long} aria-controls=${id}
      aria-expanded=${String(unfolded)} aria-label="${action} of ${what}" @click=${onToggle}
    >${action}</button>`;
}
