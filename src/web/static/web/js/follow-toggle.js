/**
 * A "Follow" / "Following" toggle for an article or a discussion, for a signed-in
 * reader. Its state is read from the server when the toggle is made (one request, so
 * it is made only where it shows: once in the article's header, on demand on a
 * discussion's card). Pressing "Following" mutes: an automatic follow (the
 * submitter's, an admin's, a writer's) ends too.
 */

import { api } from './api.js';
import { h } from './dom.js';

/**
 * @param {string} path the follow endpoint (GET, PUT, DELETE)
 * @param {string} what said after the button's words to screen readers: "this article"
 * @returns {HTMLElement}
 */
export function followToggle(path, what) {
  const words = h('span', {}, 'Follow');
  const button = /** @type {HTMLButtonElement} */ (h('button', {
    type: 'button', class: 'button small follow-toggle', 'aria-pressed': 'false',
    'aria-disabled': 'true',
  }, words, h('span', { class: 'sr-only' }, ` ${what}`)));
  const problem = h('span', { class: 'form-error', role: 'alert' });
  const show = (/** @type {boolean} */ following) => {
    button.setAttribute('aria-pressed', String(following));
    words.textContent = following ? 'Following' : 'Follow';
  };
  /** @param {() => Promise<{following: boolean}>} ask */
  const settle = async (ask) => {
    // aria-disabled, not disabled: a disabled button would drop the focus to the page.
    button.setAttribute('aria-disabled', 'true');
    try {
      show((await ask()).following);
      problem.textContent = '';
    } catch (failure) {
      problem.textContent = `Could not change following: ${/** @type {Error} */ (failure).message}`;
    }
    button.removeAttribute('aria-disabled');
  };
  button.addEventListener('click', () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    const follow = button.getAttribute('aria-pressed') !== 'true';
    settle(() => api(path, { method: follow ? 'PUT' : 'DELETE' }));
  });
  settle(() => api(path));
  return h('span', { class: 'follow' }, button, problem);
}
