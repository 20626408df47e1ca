/** Long posts shown folded, with a "Show more" / "Show less" button. */

import { h } from '../dom.js';

// Longer texts than this start folded (about ten lines of a discussion card).
const FOLD_OVER_CHARS = 700;

/**
 * The toggle for a content element; call refresh() after the content changes.
 * @param {HTMLElement} content
 * @param {string} what names the post for screen readers, e.g. 'discussion “Methods”'
 */
export function createFold(content, what) {
  const button = h('button', { type: 'button', class: 'button link small fold-toggle', hidden: true });
  if (!content.id) throw new Error('a folded element needs an id');
  button.setAttribute('aria-controls', content.id);
  let folded = true;
  const show = () => {
    content.classList.toggle('is-folded', folded && !button.hidden);
    button.textContent = folded ? 'Show more' : 'Show less';
    button.setAttribute('aria-expanded', String(!folded));
    button.setAttribute('aria-label', `${folded ? 'Show more' : 'Show less'} of ${what}`);
  };
  button.addEventListener('click', () => {
    folded = !folded;
    show();
  });
  return {
    button,
    /** @param {string} [name] a new name for the post (its topic changed) */
    refresh(name) {
      if (name) what = name;
      button.hidden = (content.textContent ?? '').length <= FOLD_OVER_CHARS;
      show();
    },
  };
}
