/** Small DOM helpers. Text always goes in as text, never as HTML. */

import { showCountingDown } from './waits.js';

/**
 * What may stand as a child: nodes, text, numbers; nested arrays are
 * flattened and null, undefined and false skipped.
 * @typedef {Node | string | number | null | undefined | false | readonly unknown[]} Child
 */

/**
 * h('a', {href: '/x', class: 'link'}, 'text', child) -> element.
 * Attributes: `class`, `dataset`, `on` ({click: fn}), booleans, anything else
 * as an attribute; null/undefined/false skip it.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') {
      for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    } else if (key === 'text') el.textContent = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  el.append(...nodes(children));
  return el;
}

/**
 * Children as nodes: nested lists flattened, null, undefined and false left out,
 * text and numbers as text nodes.
 * @param {Child[]} children
 * @returns {(Node | string)[]}
 */
function nodes(children) {
  /** @type {(Node | string)[]} */
  const out = [];
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    out.push(child instanceof Node ? child : String(child));
  }
  return out;
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {...Child} children
 * @returns {E}
 */
export function replaceChildren(el, ...children) {
  el.replaceChildren(...nodes(children));
  return el;
}

/**
 * The element of the page's template with this id (the templates always have it).
 * @param {string} id
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element;
}

/**
 * The page's settings, written by the server into a JSON <script> (not run).
 * @returns {Record<string, any>}
 */
export function readConfig() {
  const script = byId('page-config');
  return JSON.parse(/** @type {string} */ (script.textContent));
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The date and time, as the title of a relative time.
 * @param {Date} date
 */
export function absoluteTime(date) {
  return dateFormat.format(date);
}

/**
 * A <time> with an absolute title and a relative text ("3 min ago").
 * @param {string} iso
 */
export function timeEl(iso) {
  const date = new Date(iso);
  return h('time', { datetime: iso, title: absoluteTime(date) }, relativeTime(date));
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/**
 * @param {Date} date
 * @param {number} [now] epoch milliseconds
 */
export function relativeTime(date, now = Date.now()) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return relative.format(Math.round(seconds / 86400), 'day');
  return dateFormat.format(date);
}

/**
 * Show a message in a [role=alert] element (hidden when empty); a wait it names
 * counts down (waits.js).
 * @param {HTMLElement | null | undefined} el
 * @param {string | null | undefined} message
 */
export function showError(el, message) {
  if (!el) return;
  showCountingDown(el, message || '');
  el.hidden = !message;
}

/**
 * Disable a form's controls while `work` runs.
 * @template T
 * @param {HTMLElement} form
 * @param {() => T | Promise<T>} work
 * @returns {Promise<T>}
 */
export async function busy(form, work) {
  /** @type {NodeListOf<HTMLButtonElement | HTMLInputElement | HTMLTextAreaElement
   *   | HTMLSelectElement>} */
  const found = form.querySelectorAll('button, input, textarea, select');
  const controls = [...found];
  const previous = controls.map((c) => c.disabled);
  controls.forEach((c) => {
    c.disabled = true;
  });
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    controls.forEach((c, i) => {
      c.disabled = previous[i];
    });
    form.removeAttribute('aria-busy');
  }
}

/**
 * @param {string} text
 * @param {string} [kind] a class that colours it
 */
export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}
