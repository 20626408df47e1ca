/**
 * A discussion's or comment's content as the server rendered it (Markdown,
 * MathML); `content` stays the source, for editing.
 *
 * The trust boundary: `content_html` is the one text the page inserts as HTML
 * (lit-html's unsafeHTML), here and nowhere else. The server rendered it and
 * sanitised it with an allow-list (no script, style, event handler or
 * javascript: link; src/richtext), so it goes in as it is. Everything else,
 * `content` included, goes into templates as values, which lit-html inserts as text.
 *
 * An object whose content is too long for its HTML to ride along in a realtime
 * event carries `content_html: null`: its text shows until the store has
 * fetched the HTML from the object's content_html endpoint.
 */

import { api } from '../api.js';
import { unsafeHTML } from '../../vendor/lit-html/directives/unsafe-html.js';

/** @typedef {import('./store.js').ItemKind} ItemKind */

/**
 * @param {ItemKind} kind
 * @param {number} id
 * @returns {Promise<string>}
 */
export async function fetchContentHtml(kind, id) {
  /** @type {{content_html: string}} */
  const answer = await api(`/api/${kind}s/${id}/content_html`);
  return answer.content_html;
}

/**
 * A post of one paragraph shows as its text alone, as the plain text does: no
 * paragraph margins in a short comment, and its element holds the text itself.
 * The server's HTML escapes every < and > that is not a tag's, so a second
 * paragraph shows as a `</p>` or `<p>` inside.
 * @param {string} html
 */
function withoutOnlyParagraph(html) {
  const inner = /^\s*<p>([\s\S]*)<\/p>\s*$/.exec(html)?.[1];
  return inner === undefined || /<\/?p[\s>]/.test(inner) ? html : inner;
}

/**
 * The length of the text the HTML shows (as textContent counts it): tags are all
 * there is between < and >, and each entity is one character.
 * @param {string} html
 */
function textLength(html) {
  return html.replace(/<[^>]*>/g, '').replace(/&[^;\s]*;/g, '_').length;
}

/**
 * What a post's content element shows.
 * @param {{content: string, content_html?: string | null}} item
 * @returns {{body: unknown, rendered: boolean, length: number}} body: a template
 *   value; rendered: whether it is HTML (which lays out its own lines); length: of
 *   its text, which decides whether it starts folded
 */
export function renderedContent(item) {
  const source = item.content_html;
  if (typeof source !== 'string') {
    return { body: item.content, rendered: false, length: item.content.length };
  }
  const shown = withoutOnlyParagraph(source);
  return { body: unsafeHTML(shown), rendered: true, length: textLength(shown) };
}
