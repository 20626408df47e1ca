/**
 * "N members here": a button that shows who they are, so the names reach touch
 * screens and keyboards as well as a mouse's hover (presence.js keeps the count current).
 */

import { html, nothing } from '../../vendor/lit-html/lit-html.js';
import { presenceText } from './presence.js';

/** @typedef {import('./store.js').Presence} Presence */
/** @typedef {import('../api.js').SessionUser} SessionUser */

const NAMES_SHOWN = 20;

/**
 * The names of those here, this reader marked, and how many more the list leaves out.
 * @param {Presence} presence
 * @param {SessionUser} me
 */
function namesOf(presence, me) {
  const names = presence.members
    .map((m) => (m.id === me.id ? `${m.username} (you)` : m.username))
    .sort()
    .slice(0, NAMES_SHOWN);
  return { names, more: presence.count - names.length };
}

/**
 * @param {Presence | null} presence null until the first report is answered
 * @param {SessionUser} me
 * @param {{shown: boolean, show: (shown: boolean) => void}} list whether the names show
 */
export function presenceStatus(presence, me, { shown, show }) {
  const text = presence ? presenceText(presence.count) : '';
  const { names, more } = presence ? namesOf(presence, me) : { names: [], more: 0 };
  const andMore = more > 0 ? ` and ${more} more` : '';
  const summary = presence ? names.join(', ') + andMore : null;
  /** @param {KeyboardEvent} event */
  const closeOnEscape = (event) => {
    if (event.key !== 'Escape' || !shown) return;
    const box = /** @type {HTMLElement} */ (event.currentTarget);
    box.querySelector('button')?.focus();
    show(false);
  };
  return html`<div class="presence-box" ?hidden=${!presence?.count}
    @keydown=${closeOnEscape}><div id="presence" class="presence" role="status"
    title=${summary ?? nothing} aria-label=${summary === null ? nothing : `${text}: ${summary}`}
    ><button type="button" class="presence-count" aria-expanded=${shown ? 'true' : 'false'}
    aria-controls="presence-names" @click=${() => show(!shown)}>${text}</button></div><ul
    id="presence-names" class="presence-names" aria-label="Members here" ?hidden=${!shown}
    >${names.map((name) => html`<li>${name}</li>`)}${
    andMore ? html`<li>${andMore.trim()}</li>` : nothing}</ul></div>`;
}
