/**
 * When a discussion or comment was posted and, if its text was edited since,
 * when: relative times ("2 minutes ago") with the absolute time on hover,
 * kept current while the page stays open.
 */

import { absoluteTime, relativeTime } from '../dom.js';
import { html } from '../../vendor/lit-html/lit-html.js';

const AGE_EVERY_MS = 15000;

/**
 * The server moves updated_at only when the text is edited (a new post has
 * both stamps equal; resolving or deleting keeps it).
 * @param {{created_at: string, updated_at: string}} item
 */
function isEdited(item) {
  return new Date(item.updated_at).getTime() > new Date(item.created_at).getTime();
}

/**
 * A <time> with an absolute title and a relative text. The text is a property, not
 * a child, so that keepTimesCurrent may replace it between renders.
 * @param {string} iso
 */
export function timeTemplate(iso) {
  const date = new Date(iso);
  return html`<time datetime=${iso} title=${absoluteTime(date)}
    .textContent=${relativeTime(date)}></time>`;
}

/**
 * The item's times for its meta line: posted, and edited when it was.
 * @param {{created_at: string, updated_at: string}} item
 */
export function postedTimes(item) {
  const posted = timeTemplate(item.created_at);
  if (!isEdited(item)) return posted;
  return html`${posted} · <span class="edited">edited ${timeTemplate(item.updated_at)}</span>`;
}

/**
 * Age every relative time under `root` ("just now" becomes "1 minute ago").
 * @param {HTMLElement} root
 * @returns {() => void} stops the ageing
 */
export function keepTimesCurrent(root) {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const el of root.querySelectorAll('time[datetime]')) {
      const text = relativeTime(new Date(/** @type {string} */ (el.getAttribute('datetime'))), now);
      if (el.textContent !== text) el.textContent = text;
    }
  }, AGE_EVERY_MS);
  return () => clearInterval(timer);
}
