/**
 * A refusal that names its wait ("Too many comments; try again in 52 s", as the API's
 * 429 answers say) counts down where it is shown, and says when the wait is over, so
 * nobody retries early or waits longer than needed.
 */

// The API's words for a wait (toolkit.errors.wait_in_words): whole seconds, minutes, hours.
const WAIT = /^(.*try again )in (\d+) (s|min|h)(\.?)$/s;
const UNIT_SECONDS = /** @type {Record<string, number>} */ ({ s: 1, min: 60, h: 3600 });

/**
 * @typedef {object} NamedWait
 * @property {string} before the message up to "try again "
 * @property {number} seconds the wait when the message was written
 * @property {string} after what followed the wait (a full stop, or nothing)
 */

/**
 * The wait a message names, or null.
 * @param {string} message
 * @returns {NamedWait | null}
 */
export function namedWait(message) {
  const match = WAIT.exec(message);
  if (!match) return null;
  return { before: match[1], seconds: Number(match[2]) * UNIT_SECONDS[match[3]], after: match[4] };
}

/**
 * What is left of a wait, in the unit a person would use (as the API words it).
 * @param {number} seconds
 */
export function waitInWords(seconds) {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}

/**
 * The message `elapsed` milliseconds after it was shown.
 * @param {NamedWait} wait
 * @param {number} elapsed
 */
export function messageAfter(wait, elapsed) {
  const left = Math.ceil(wait.seconds - elapsed / 1000);
  return left > 0 ? `${wait.before}in ${waitInWords(left)}${wait.after}` : `${wait.before}now.`;
}

/** @type {WeakMap<HTMLElement, ReturnType<typeof setInterval>>} */
const ticking = new WeakMap();

/**
 * Put `message` in `el`; a wait it names counts down each second. Screen readers hear
 * the message once as written and once more when the wait is over, not every tick:
 * the ticking figure is hidden from them.
 * @param {HTMLElement} el
 * @param {string} message
 */
export function showCountingDown(el, message) {
  clearInterval(ticking.get(el));
  ticking.delete(el);
  const wait = namedWait(message);
  if (!wait) {
    el.textContent = message;
    return;
  }
  const shownAt = Date.now();
  const seen = document.createElement('span');
  seen.setAttribute('aria-hidden', 'true');
  seen.textContent = message;
  const heard = document.createElement('span');
  heard.className = 'sr-only';
  heard.textContent = message;
  el.replaceChildren(seen, heard);
  const timer = setInterval(() => {
    // Another message took its place, or the element left the page: nothing to count.
    if (!el.isConnected || !el.contains(seen)) {
      clearInterval(timer);
      return;
    }
    const now = messageAfter(wait, Date.now() - shownAt);
    if (!now.endsWith('now.')) {
      seen.textContent = now;
      return;
    }
    clearInterval(timer);
    el.textContent = now;
  }, 1000);
  ticking.set(el, timer);
}
