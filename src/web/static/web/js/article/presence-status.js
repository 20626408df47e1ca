/** "N members here", with the names on hover (presence.js keeps the count current). */

import { html, nothing } from '../../vendor/lit-html/lit-html.js';
import { presenceText } from './presence.js';

/** @typedef {import('./store.js').Presence} Presence */
/** @typedef {import('../api.js').SessionUser} SessionUser */

const NAMES_SHOWN = 20;

/**
 * @param {Presence} presence
 * @param {SessionUser} me
 */
function namesOf(presence, me) {
  const names = presence.members
    .map((m) => (m.id === me.id ? `${m.username} (you)` : m.username))
    .sort();
  const more = presence.count - names.length;
  return names.slice(0, NAMES_SHOWN).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/**
 * @param {Presence | null} presence null until the first report is answered
 * @param {SessionUser} me
 */
export function presenceStatus(presence, me) {
  const text = presence ? presenceText(presence.count) : '';
  const names = presence ? namesOf(presence, me) : null;
  return html`<div id="presence" class="presence" role="status" ?hidden=${!presence?.count}
    title=${names ?? nothing} aria-label=${names === null ? nothing : `${text}: ${names}`}
    ><span class="presence-count">${text}</span></div>`;
}
