/**
 * Requests to join a private community, for its admins, arriving live.
 *
 * The poll server sends the community's admins a `join_requests` signal when a
 * request is filed or decided; it names no one, and the section then fetches
 * the list from the requests endpoint, which answers admins only. A signal is
 * short-lived (lost while Redis is away), so the list is also fetched every
 * REFRESH_MS while the page is visible and at once when it becomes visible again.
 */

import { api, apiAll } from '../api.js';
import { h, replaceChildren, showError } from '../dom.js';
import { formAlert } from '../forms.js';

export const REFRESH_MS = 30000;

/** @import { Community, JoinRequest } from '../api-types.js' */

/**
 * What the rows of the requests section share: where a decision goes, and what
 * follows it.
 * @typedef {object} RequestsContext
 * @property {string} base the requests endpoint
 * @property {HTMLElement} error the section's alert
 * @property {HTMLElement} announce what a screen reader is told
 * @property {HTMLElement} heading takes the focus when a row it held goes
 * @property {() => Promise<void>} refresh
 */

/**
 * The requests section and a function that stops its refreshing. `onDecided` runs when
 * requests were decided, here or by another admin (the members may have changed);
 * `onChanged(listener)` calls the listener whenever the requests may have changed (a
 * signal, a resync) and returns a function that stops it.
 * @param {Community} community
 * @param {{onDecided: () => void, onChanged: (listener: () => void) => () => void}} options
 * @returns {{element: HTMLElement, stop: () => void}}
 */
export function joinRequestsSection(community, { onDecided, onChanged }) {
  const base = `/api/communities/${community.id}/requests`;
  const list = h('ul', { class: 'plain-list', 'aria-busy': 'true' });
  const error = formAlert();
  const announce = h('p', { class: 'sr-only', role: 'status' });
  const heading = h('h2', { id: 'requests-title', tabindex: '-1' }, 'Requests to join');
  /** @type {RequestsContext} */
  const context = { base, error, announce, heading, refresh };
  /** @type {Map<number, HTMLElement>} request id -> row */
  const shown = new Map();
  let first = true;

  // One refresh at a time: overlapping ones would each add the same new rows.
  let queue = Promise.resolve();
  function refresh() {
    queue = queue.then(update);
    return queue;
  }

  async function update() {
    /** @type {JoinRequest[]} */
    let requests;
    try {
      requests = await apiAll(base);
    } catch (e) {
      showError(error, `Could not load the requests: ${e.message}`);
      return;
    }
    showError(error, '');
    const arrived = requests.filter((r) => !shown.has(r.id));
    const current = new Set(requests.map((r) => r.id));
    const decided = [...shown.keys()].filter((id) => !current.has(id));
    for (const id of decided) {
      shown.get(id)?.remove();
      shown.delete(id);
    }
    for (const request of arrived) {
      const item = requestRow(request, context);
      shown.set(request.id, item);
      list.append(item);
    }
    list.querySelector('.empty')?.remove();
    if (!shown.size) {
      replaceChildren(list, h('li', { class: 'empty' }, 'No requests are waiting.'));
    }
    if (arrived.length && !first) {
      const names = arrived.map((r) => r.user.username).join(', ');
      announce.textContent = `New request to join from ${names}.`;
    }
    first = false;
    list.removeAttribute('aria-busy');
    if (decided.length) onDecided();
  }

  const refreshIfVisible = () => {
    if (document.visibilityState === 'visible') refresh();
  };
  const timer = setInterval(refreshIfVisible, REFRESH_MS);
  document.addEventListener('visibilitychange', refreshIfVisible);
  const stopListening = onChanged(refresh);
  refresh();

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'requests-title', id: 'requests' },
    heading,
    list,
    error,
    announce,
  );
  return {
    element,
    stop() {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', refreshIfVisible);
      stopListening();
    },
  };
}

/**
 * A request, with the buttons that approve and reject it.
 * @param {JoinRequest} request
 * @param {RequestsContext} context
 */
function requestRow(request, { base, error, announce, heading, refresh }) {
  const name = request.user.username;
  const approve = h('button', { type: 'button', class: 'button small primary' }, 'Approve');
  const reject = h('button', { type: 'button', class: 'button small' }, 'Reject');
  approve.setAttribute('aria-label', `Approve ${name}`);
  reject.setAttribute('aria-label', `Reject ${name}`);
  /** @param {'approve' | 'reject'} verb */
  const decide = async (verb) => {
    showError(error, '');
    approve.disabled = reject.disabled = true;
    try {
      await api(`${base}/${request.id}/${verb}`, { method: 'POST' });
      announce.textContent = `${name} was ${verb === 'approve' ? 'approved' : 'rejected'}.`;
      await refresh();
      heading.focus(); // the decided row held the focus
    } catch (e) {
      approve.disabled = reject.disabled = false;
      showError(error, `Could not ${verb} ${name}: ${e.message}`);
    }
  };
  approve.addEventListener('click', () => decide('approve'));
  reject.addEventListener('click', () => decide('reject'));
  return h(
    'li',
    { class: 'request-row', dataset: { requestId: request.id } },
    h('span', {}, name),
    approve,
    reject,
  );
}
