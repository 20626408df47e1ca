/**
 * The bell in every page's header: how many notifications are unread (also in front
 * of the tab's title), and a panel of the newest, each a link to its item. Opening an
 * item marks it read; "Mark all read" reads them all. Realtime signals keep the count
 * right as lines arrive and as they are read in another tab or on another device.
 */

import { api } from '../api.js';
import { h, relativeTime, replaceChildren, showError } from '../dom.js';
import { countAfter, titleWithCount } from './unread.js';

/** @typedef {import('../../realtime/client').RealtimeSignal} RealtimeSignal */

/**
 * @typedef {object} Line
 * @property {number} id
 * @property {string} kind
 * @property {string} created_at
 * @property {boolean} read
 * @property {string} text
 * @property {string} url
 */

const PANEL_SIZE = 20;

/**
 * @typedef {object} Bell
 * @property {(signal: RealtimeSignal) => void} signal hand it any realtime signal
 * @property {() => void} refresh read the count (and the open panel) again
 * @property {() => number} unread
 */

/**
 * @param {HTMLElement} container where the bell goes (the header's session corner)
 * @returns {Bell}
 */
export function createBell(container) {
  let unread = 0;
  /** @type {string | null} the newest signal `unread` includes */
  let countedUpTo = '0-0';
  const { count, unreadWords, button, list, problem, readAll, panel } = bellElements();
  container.prepend(h('div', { class: 'bell-wrap' }, button, panel));

  const show = () => {
    count.textContent = unread > 0 ? String(unread > 99 ? '99+' : unread) : '';
    unreadWords.textContent = unread > 0 ? 'unread' : '(none unread)';
    button.classList.toggle('has-unread', unread > 0);
    document.title = titleWithCount(document.title, unread);
  };

  // The count alone until the panel opens: most pages never show the lines.
  const load = async () => {
    const open = !panel.hidden;
    try {
      const body = await api(`/api/notifications?limit=${open ? PANEL_SIZE : 1}`);
      unread = body.unread_count;
      countedUpTo = body.signal_cursor;
      if (open) showLines(list, body.items, markRead);
      showError(problem, '');
    } catch (error) {
      showError(problem, `Could not load notifications: ${/** @type {Error} */ (error).message}`);
    }
    show();
  };

  /** @param {number[] | null} ids null: all */
  const markRead = async (ids) => {
    const body = await api('/api/notifications/read', {
      method: 'POST', body: ids ? { ids } : { all: true },
    });
    unread = body.unread_count;
    show();
  };

  button.addEventListener('click', () => {
    const opening = panel.hidden;
    panel.hidden = !opening;
    button.setAttribute('aria-expanded', String(opening));
    if (opening) load();
  });
  readAll.addEventListener('click', async () => {
    await markRead(null);
    await load();
  });
  closesLikeAMenu(panel, button);
  load();

  return {
    signal(signal) {
      if (signal.type !== 'notification' && signal.type !== 'notifications_read') return;
      const before = unread;
      unread = countAfter(unread, signal, countedUpTo);
      if (unread !== before || signal.type === 'notification') show();
      if (!panel.hidden) load();
    },
    refresh: load,
    unread: () => unread,
  };
}

/** The bell's button and its panel, empty. */
function bellElements() {
  // The name says what the eye sees ("Notifications 3") and what it infers ("unread");
  // the button lays its parts out as flex items, which names part with spaces.
  const count = h('span', { class: 'bell-count' });
  const unreadWords = h('span', { class: 'sr-only' });
  const button = /** @type {HTMLButtonElement} */ (h('button', {
    type: 'button', class: 'button small bell', id: 'bell',
    'aria-expanded': 'false', 'aria-controls': 'inbox-panel',
  }, 'Notifications', count, unreadWords));
  const list = h('ul', { class: 'inbox-list', id: 'inbox-list' });
  const problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const readAll = h('button', { type: 'button', class: 'button link small' }, 'Mark all read');
  const panel = h('div', { class: 'inbox-panel', id: 'inbox-panel', hidden: true },
    h('div', { class: 'inbox-head' }, h('h2', { class: 'inbox-title' }, 'Notifications'), readAll),
    problem, list);
  return { count, unreadWords, button, list, problem, readAll, panel };
}

/**
 * @param {HTMLElement} list
 * @param {Line[]} lines
 * @param {(ids: number[]) => Promise<void>} markRead
 */
function showLines(list, lines, markRead) {
  if (!lines.length) {
    replaceChildren(list, h('li', { class: 'inbox-empty' }, 'Nothing yet.'));
    return;
  }
  replaceChildren(list, ...lines.map((line) => {
    const link = h('a', { href: line.url, class: 'inbox-link' }, line.text);
    // Read before leaving; the page it opens may be this one, at another place.
    link.addEventListener('click', () => {
      if (!line.read) markRead([line.id]).catch(() => {});
    });
    return h('li', { class: line.read ? 'inbox-line' : 'inbox-line is-unread' },
      line.read ? null : h('span', { class: 'sr-only' }, 'Unread: '),
      link,
      h('time', { class: 'inbox-time', datetime: line.created_at },
        relativeTime(new Date(line.created_at))));
  }));
}

/**
 * The panel closes as other menus do: Escape from within it or from its button (focus
 * goes back to the button), and a click anywhere else (focus stays where it went).
 * @param {HTMLElement} panel
 * @param {HTMLElement} button
 */
function closesLikeAMenu(panel, button) {
  const close = () => {
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  };
  /** @param {KeyboardEvent} event */
  const closeOnEscape = (event) => {
    if (event.key !== 'Escape' || panel.hidden) return;
    close();
    button.focus();
  };
  panel.addEventListener('keydown', closeOnEscape);
  button.addEventListener('keydown', closeOnEscape);
  document.addEventListener('click', (event) => {
    // The click's path, not its target: a line re-rendered by the click has left the panel.
    const path = event.composedPath();
    if (!panel.hidden && !path.includes(panel) && !path.includes(button)) close();
  });
}
