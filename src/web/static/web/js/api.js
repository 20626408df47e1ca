/**
 * The JSON API from the browser: the signed-in session (JWT pair and user in
 * localStorage), requests with the access token, and one refresh with
 * /api/auth/refresh when a request gets 401.
 */

/** @import { Comment } from '../realtime/apply-event.js' */

const STORAGE_KEY = 'marginalia.session';

/**
 * @typedef {{id: number, username: string, email?: string, display_name?: string}} SessionUser
 */
/** @typedef {{access: string, refresh: string, user: SessionUser}} Session */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {any} body the answer's JSON, if any: the API's `{message, errors?}`, or
   *   `{message}` with the start of an answer that was not JSON (a proxy's page);
   *   errorDetails() reads its `errors` without trusting them
   */
  constructor(status, body) {
    super(body?.message || `Request failed (HTTP ${status})`);
    this.status = status;
    this.body = body;
  }
}

/**
 * A failed request's reasons, item by item: a 422's validation errors name their
 * field (the last part of `loc`); other reasons (a weak password's) are plain text.
 * @param {unknown} error what a request threw
 * @returns {{field: string | null, message: string}[]} none for other failures
 */
export function errorDetails(error) {
  /** @type {unknown} */
  const errors = error instanceof ApiError ? error.body?.errors : undefined;
  return Array.isArray(errors) ? errors.map(readErrorDetail) : [];
}

/**
 * @param {unknown} detail `{loc, msg}` or a sentence
 * @returns {{field: string | null, message: string}}
 */
function readErrorDetail(detail) {
  if (typeof detail !== 'object' || detail === null) {
    return { field: null, message: String(detail) };
  }
  const { loc, msg } = /** @type {{loc?: unknown, msg?: unknown}} */ (detail);
  return {
    field: Array.isArray(loc) && loc.length ? String(loc[loc.length - 1]) : null,
    message: msg == null ? String(detail) : String(msg),
  };
}

/**
 * {access, refresh, user: {id, username, email}} or null.
 * @returns {Session | null}
 */
export function getSession() {
  try {
    /** @type {Session | null} as saveSession() stored it */
    const session = JSON.parse(localStorage.getItem(STORAGE_KEY) || 'null');
    return session && session.access && session.user ? session : null;
  } catch {
    return null;
  }
}

/**
 * Set when the server refused this browser's refresh token (signed out everywhere, a new
 * password, a reused token), until the next sign-in: every tab then says the session
 * ended, where a sign-out the person asked for simply reloads the page.
 */
const ENDED_KEY = 'marginalia.session-ended';
/** The event on window when this tab learns the session ended. */
export const SESSION_ENDED = 'marginalia:session-ended';

export function sessionWasEnded() {
  return localStorage.getItem(ENDED_KEY) !== null;
}

function endSession() {
  localStorage.setItem(ENDED_KEY, String(Date.now()));
  clearSession();
  window.dispatchEvent(new Event(SESSION_ENDED));
}

/** @param {Session} tokens */
export function saveSession(tokens) {
  localStorage.removeItem(ENDED_KEY);
  localStorage.setItem(
    STORAGE_KEY,
    JSON.stringify({ access: tokens.access, refresh: tokens.refresh, user: tokens.user }),
  );
}

/**
 * Keeps the stored user in step with a change the person made to their account (their
 * display name, their e-mail address); the tokens stay.
 * @param {SessionUser} user
 */
export function saveSessionUser(user) {
  const session = getSession();
  if (session) saveSession({ ...session, user });
}

export function clearSession() {
  localStorage.removeItem(STORAGE_KEY);
}

/**
 * Ends this browser's login on the server, so its tokens stop working anywhere they
 * were copied to, then forgets them here. Forgotten even when the server cannot be
 * reached: the person asked to be signed out of this browser.
 */
export async function signOut() {
  const refresh = getSession()?.refresh;
  clearSession();
  if (!refresh) return;
  try {
    await fetch('/api/auth/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh }),
      keepalive: true,
    });
  } catch {
    // Offline: the login ends by itself when its refresh token expires.
  }
}

/**
 * Ends every login of the person, this browser's included, then forgets this one's
 * tokens. Unlike signOut, it fails (ApiError) when the server did not do it: the
 * person must know their other browsers are still signed in.
 */
export async function signOutEverywhere() {
  await api('/api/auth/logout', { method: 'POST', body: { all: true } });
  clearSession();
}

/**
 * Calls back when another tab signs in or out.
 * @param {(session: Session | null) => void} callback
 */
export function onSessionChange(callback) {
  /** @param {string | null} stored a session as saveSession() stored it */
  const userIdIn = (stored) =>
    (stored ? /** @type {Session | null} */ (JSON.parse(stored))?.user?.id : undefined);
  const listener = (/** @type {StorageEvent} */ event) => {
    if (event.key === STORAGE_KEY || event.key === null) {
      if (userIdIn(event.oldValue) !== userIdIn(event.newValue)) callback(getSession());
    }
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}

/** @type {Promise<Session | null> | null} */
let refreshing = null;

/**
 * Runs `task` while no other tab of this origin runs one. Without Web Locks
 * (insecure origins) it runs at once.
 * @template T
 * @param {() => Promise<T>} task
 * @returns {Promise<T>}
 */
function withRefreshLock(task) {
  // The lock's promise settles with the task's result, not with the task's promise.
  return navigator.locks
    ? /** @type {Promise<T>} */ (navigator.locks.request('marginalia.session-refresh', task))
    : task();
}

/**
 * Exchange the refresh token for new tokens, storing the new refresh token: each
 * one works once, and the server takes a second use (past a few seconds' grace)
 * for theft and logs the session out everywhere. So one request at a time per
 * tab, tabs take turns, and a tab whose turn comes after another tab refreshed
 * uses that tab's tokens.
 * @param {string} staleAccess the access token the server refused
 * @returns {Promise<Session | null>}
 */
async function refreshTokens(staleAccess) {
  if (!refreshing) {
    refreshing = withRefreshLock(async () => {
      const session = getSession();
      if (!session?.refresh) return null;
      if (session.access !== staleAccess) return session;
      const res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh: session.refresh }),
      });
      if (!res.ok) {
        if (res.status === 401) endSession();
        return null;
      }
      /** @type {Session} */
      const tokens = await res.json();
      saveSession(tokens);
      return getSession();
    }).finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/**
 * fetch with the access token; on 401 refreshes once and retries.
 * Returns the Response (any status).
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
export async function authFetch(url, init = {}) {
  const session = getSession();
  const withToken = (/** @type {string | undefined} */ access) => {
    const headers = new Headers(init.headers || {});
    if (access) headers.set('Authorization', `Bearer ${access}`);
    return { ...init, headers };
  };
  const res = await fetch(url, withToken(session?.access));
  if (res.status !== 401 || !session) return res;
  const renewed = await refreshTokens(session.access);
  if (!renewed) return res;
  return fetch(url, withToken(renewed.access));
}

/**
 * JSON request to the API. Resolves with the parsed body (null for 204);
 * rejects with ApiError for any non-2xx answer.
 * @template [T=any] the answer's JSON as the API documents it (api-types.js), named by
 *   the type of the variable the caller puts it in
 * @param {string} path
 * @param {{method?: string, body?: unknown, headers?: Record<string, string>,
 *   signal?: AbortSignal}} [options]
 * @returns {Promise<T>}
 */
export async function api(path, { method = 'GET', body, headers = {}, signal } = {}) {
  /** @type {RequestInit & {headers: Record<string, string>}} */
  const init = { method, headers: { Accept: 'application/json', ...headers }, signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await authFetch(path, init);
  /** @type {unknown} */
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return /** @type {T} */ (data);
}

/**
 * A discussion's whole comment tree (oldest first), page after page.
 * @param {number} discussionId
 * @returns {Promise<Comment[]>}
 */
export async function apiComments(discussionId) {
  /** @type {Comment[]} */
  const items = [];
  /** @type {number | null} */
  let after = 0;
  do {
    /** @type {{items: Comment[], next_after: number | null}} */
    const page = await api(`/api/discussions/${discussionId}/comments?after=${after}`);
    items.push(...page.items);
    after = page.next_after;
  } while (after != null);
  return items;
}

/**
 * @template T
 * @typedef {{readonly done: boolean, next: () => Promise<T[]>}} Pages
 */

/**
 * A list the API answers a page at a time (limit and offset), either as
 * {items, count} or, for the lists whose shape predates paging, as a plain
 * array. `next()` fetches the following page; `done` says whether there is one.
 * @template [T=any] an item, as api() names its answer
 * @param {string} path
 * @param {{pageSize?: number}} [options] at most 100, the API's largest page
 * @returns {Pages<T>}
 */
export function pagesOf(path, { pageSize = 100 } = {}) {
  const separator = path.includes('?') ? '&' : '?';
  let offset = 0;
  let done = false;
  return {
    get done() {
      return done;
    },
    /** @returns {Promise<T[]>} */
    async next() {
      /** @type {T[] | {items: T[], count: number}} */
      const answer = await api(`${path}${separator}limit=${pageSize}&offset=${offset}`);
      const items = Array.isArray(answer) ? answer : answer.items;
      offset += items.length;
      done = items.length === 0
        || (Array.isArray(answer) ? items.length < pageSize : offset >= answer.count);
      return items;
    },
  };
}

/**
 * Every item of a paged list (see pagesOf), page after page.
 * @template [T=any] an item, as api() names its answer
 * @param {string} path
 * @param {{pageSize?: number}} [options]
 * @returns {Promise<T[]>}
 */
export async function apiAll(path, options) {
  /** @type {Pages<T>} */
  const pages = pagesOf(path, options);
  /** @type {T[]} */
  const items = [];
  while (!pages.done) items.push(...(await pages.next()));
  return items;
}
