/**
 * A discussion's or comment's content as the server rendered it (Markdown,
 * MathML), put in the page as HTML. The server sanitised it with an allow-list
 * (no script, style, event handler or javascript: link), so it goes in as it is;
 * `content` stays the source, for editing.
 *
 * An object whose content is too long for its HTML to ride along in a realtime
 * event carries `content_html: null`: its text shows at once and the HTML is
 * fetched from the object's content_html endpoint.
 */

import { api } from '../api.js';

/** The item each element shows now, so a late answer never overwrites a newer version. */
const shownIn = new WeakMap();

/**
 * @param {HTMLElement} el
 * @param {{content: string, content_html?: string | null}} item
 * @param {string} htmlPath where the HTML is fetched when the item came without it
 */
export function showRendered(el, item, htmlPath) {
  shownIn.set(el, item);
  if (typeof item.content_html === 'string') {
    putHtml(el, item.content_html);
    return;
  }
  el.classList.remove('rendered');
  el.textContent = item.content;
  api(htmlPath).then(
    (/** @type {{content_html: string}} */ answer) => {
      if (shownIn.get(el) === item) putHtml(el, answer.content_html);
    },
    () => {}, // the plain text stays readable; the item's next change tries again
  );
}

/**
 * @param {HTMLElement} el
 * @param {string} html
 */
function putHtml(el, html) {
  el.innerHTML = html;
  // A post of one paragraph is shown as its text alone, like the plain text was:
  // no paragraph margins in a short comment, and its element holds the text itself.
  const only = el.firstElementChild;
  if (el.childElementCount === 1 && only?.tagName === 'P') only.replaceWith(...only.childNodes);
  el.classList.add('rendered'); // HTML lays out its own lines; plain text keeps the typed ones
}
