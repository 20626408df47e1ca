/**
 * An article in a community, with its discussions and their threaded
 * comments. In a private community the page stays live: realtime events go
 * through applyEvent into the same state the page renders, and the page's own
 * writes are applied from their HTTP responses (the server spares this
 * browser's queue their echo) and passed to the user's other tabs.
 *
 * The page's state is one object (article/page-state.js); the components
 * (discussion list, discussions, comment threads and forms, toasts, the
 * "N new" pill, live indicator, presence, typing) render from it. Items
 * others wrote since the reader's last visit, or while the page is open, are
 * marked new until the reader has seen them; opening the page records the visit.
 */

import { ApiError, api, authFetch } from '../api.js';
import { byId, h, replaceChildren, timeEl } from '../dom.js';
import { setUpPage, signInUrl } from '../layout.js';
import { applyEvent, liveCount } from '../../realtime/apply-event.js';
import { createRealtimeClient } from '../../realtime/client.js';
import { describe, targetOf } from '../article/describe.js';
import { createDiscussionList } from '../article/discussion-list.js';
import { clearNewMark, commentDomId, discussionDomId } from '../article/elements.js';
import { createIndicator } from '../article/indicator.js';
import { createNewItems } from '../article/new-items.js';
import { newDiscussionForm } from '../article/new-discussion-form.js';
import { createNotifier, preferences } from '../article/notify.js';
import { createPageState, isMine, isNewToReader } from '../article/page-state.js';
import { createPresence } from '../article/presence.js';
import { changedItems, fetchComments, fetchSnapshot } from '../article/snapshot.js';
import { keepTimesCurrent } from '../article/times.js';
import { createTypingIndicators, createTypingReporter } from '../article/typing.js';
import { createActions } from '../article/writes.js';

/** @typedef {import('../../realtime/apply-event').ArticleState} ArticleState */
/** @typedef {import('../../realtime/apply-event').RealtimeEvent} RealtimeEvent */
/** @typedef {import('../../realtime/client').RealtimeClient} RealtimeClient */

const { config, session } = setUpPage();
const root = byId('article-page');
const page = createPageState(Number(config.articleId), session?.user ?? null);

/**
 * The page's components, made once the article is known (none for a page
 * that cannot show it).
 */
const parts = {
  /** @type {ReturnType<typeof createDiscussionList> | null} */
  view: null,
  /** @type {RealtimeClient | null} */
  client: null,
  /** @type {ReturnType<typeof createNotifier> | null} */
  notifier: null,
  /** @type {ReturnType<typeof createNewItems> | null} */
  newItems: null,
  /** @type {(() => void) | null} */
  stopAgeingTimes: null,
  /** @type {ReturnType<typeof createIndicator> | null} */
  indicator: null,
  /** @type {ReturnType<typeof createPresence> | null} */
  presence: null,
  /** @type {ReturnType<typeof createTypingIndicators> | null} */
  typingIndicators: null,
  /** @type {ReturnType<typeof createTypingReporter> | null} */
  reportTyping: null,
};

/** The discussion list; it exists whenever anything renders. */
function view() {
  return /** @type {ReturnType<typeof createDiscussionList>} */ (parts.view);
}

// ------------------------------------------------------------------ notices

/**
 * @param {string} title
 * @param {string} text
 * @param {...import('../dom.js').Child} extra
 */
function fail(title, text, ...extra) {
  root.removeAttribute('aria-busy');
  replaceChildren(
    root,
    h('section', { class: 'notice-panel', role: 'alert' }, h('h1', {}, title), h('p', {}, text), ...extra),
  );
}

function membersOnly() {
  const communityLink = h(
    'a',
    { class: 'button', href: `/c/${encodeURIComponent(config.slug)}/` },
    page.me ? 'Go to the community to request to join' : 'Go to the community',
  );
  fail(
    'Members only',
    'This article is in a private community. Only its members can read it and its discussions.',
    h('p', { class: 'actions' }, page.me ? null : h('a', { class: 'button primary', href: signInUrl() }, 'Sign in'), communityLink),
  );
}

// ------------------------------------------------------------------- state

/**
 * Show a new article state; false when nothing changed.
 * @param {ArticleState} next
 */
function setState(next) {
  if (next === page.articleState) return false;
  page.articleState = next;
  view().render(next);
  ensureComments();
  return true;
}

/**
 * @param {RealtimeEvent} event
 * @param {{source: string}} info
 */
function applyIncoming(event, info) {
  if (event.type === 'new_comment' && event.data.comment?.author) {
    parts.typingIndicators?.commented(event.data.comment.discussion_id, event.data.comment.author.username);
  }
  const target = targetOf(event);
  const domId = target && !target.deleted
    ? (target.kind === 'comment' ? commentDomId : discussionDomId)(/** @type {number} */ (target.id))
    : null;
  const item = event.data?.comment ?? event.data?.discussion;
  const byOthers = info.source === 'server' && !isMine(page, item);
  const isNew = event.type === 'new_comment' || event.type === 'new_discussion';
  // Marked before it renders: an arrival is new even on a first visit.
  if (byOthers && isNew && domId) page.arrived.add(domId);
  const before = page.articleState;
  if (!setState(applyEvent(before, event, page.scope ?? {}))) return;
  if (target && !target.deleted) view().highlight(target.kind, /** @type {number} */ (target.id));
  if (byOthers) {
    const element = domId ? document.getElementById(domId) : null;
    parts.notifier?.changed({
      text: describe(event, before, page.articleState),
      targetId: domId,
      element,
      added: isNew && target ? { kind: target.kind, author: /** @type {any} */ (item)?.author?.username ?? 'someone' } : null,
    });
  }
}

/** @param {import('../../realtime/client').RealtimeSignal} signal */
function onSignal(signal) {
  if (signal.type === 'presence') parts.presence?.signal(signal);
  else if (signal.type === 'typing') parts.typingIndicators?.signal(signal);
}

/**
 * @param {RealtimeEvent} event
 * @param {{source: string}} info
 */
function onRealtimeEvent(event, info) {
  if (page.loading || page.refetching) {
    page.buffered.push([event, info]);
    return;
  }
  applyIncoming(event, info);
}

/**
 * Apply this tab's own write and pass it to the user's other tabs.
 * @param {RealtimeEvent} event
 */
function applyOwn(event) {
  if (page.loading || page.refetching) page.buffered.push([event, { source: 'self' }]);
  if (setState(applyEvent(page.articleState, event, page.scope ?? {}))) {
    const target = targetOf(event);
    if (target && !target.deleted) view().highlight(target.kind, /** @type {number} */ (target.id));
  }
  parts.client?.shareLocalEvent(event);
}

/** Discussions that arrived by an update event without their comments. */
function ensureComments() {
  const { commentsRequested } = page;
  for (const d of page.articleState.discussions) {
    if (page.articleState.commentsByDiscussion[d.id] || commentsRequested.has(d.id)) continue;
    commentsRequested.add(d.id);
    fetchComments(d.id)
      .then((items) => {
        commentsRequested.delete(d.id);
        const state = page.articleState;
        if (!items || state.commentsByDiscussion[d.id]) return;
        setState({
          ...state,
          commentsByDiscussion: { ...state.commentsByDiscussion, [d.id]: items },
          discussions: state.discussions.map((x) =>
            x.id === d.id ? { ...x, comments_count: liveCount(items) } : x,
          ),
        });
      })
      .catch(() => commentsRequested.delete(d.id));
  }
}

/**
 * A fresh snapshot with the events buffered meanwhile applied on top.
 * @param {ArticleState} fresh
 */
function withBuffered(fresh) {
  let next = fresh;
  for (const [event] of page.buffered) next = applyEvent(next, event, page.scope ?? {});
  page.buffered = [];
  return next;
}

/** Fetch everything again (after a gap in the event stream), keeping what arrives meanwhile. */
async function refetch() {
  if (page.loading || page.refetching) {
    // The snapshot under way may predate the gap: fetch once more afterwards.
    page.refetchAgain = true;
    return;
  }
  page.refetching = true;
  try {
    do {
      page.refetchAgain = false;
      const before = page.articleState;
      let fresh;
      try {
        fresh = await fetchSnapshot(page.community.id, page.articleId);
      } catch (error) {
        if (error instanceof ApiError && [401, 403, 404].includes(error.status)) {
          shutDown();
          membersOnly();
          return;
        }
        // The API is unreachable for now: try again shortly.
        page.retryTimer = setTimeout(() => {
          page.retryTimer = undefined;
          refetch();
        }, 3000);
        return;
      }
      setState(withBuffered(before.removed ? { ...fresh, removed: before.removed } : fresh));
      for (const [kind, id] of changedItems(before, page.articleState)) view().highlight(kind, id);
    } while (page.refetchAgain);
  } finally {
    page.refetching = false;
  }
}

/** Release what the page's components hold. */
function releaseComponents() {
  clearTimeout(page.retryTimer);
  parts.indicator?.destroy();
  parts.notifier?.destroy();
  parts.newItems?.destroy();
  parts.stopAgeingTimes?.();
  parts.typingIndicators?.destroy();
  parts.view?.destroy();
}

function shutDown() {
  parts.client?.disconnect();
  parts.presence?.destroy();
  releaseComponents();
}

// ------------------------------------------------------------------- writes

/**
 * @param {string} path
 * @param {string} method
 * @param {object} [body]
 */
async function write(path, method, body) {
  const headers = parts.client ? parts.client.writeHeaders() : {};
  try {
    return await api(path, { method, body, headers });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      refetch();
      throw new Error('This no longer exists; the page has been refreshed.');
    }
    throw error;
  }
}

const actions = createActions(page, { write, applyOwn, typingReporter: () => parts.reportTyping });

// --------------------------------------------------------------------- page

/**
 * @param {any} article as the API returns it
 * @param {{live: boolean, canPost: boolean}} how
 */
function buildPage(article, { live, canPost }) {
  const { community, me } = page;
  document.title = `${article.title} · Marginalia`;
  byId('crumb-article').textContent = article.title;

  const liveEl = h('div', { id: 'live-status', class: 'live-status' });
  const presenceEl = live ? h('div', { id: 'presence', role: 'status' }) : null;
  parts.indicator = createIndicator(liveEl, { onRetry: () => parts.client?.pollNow() });
  const list = h('ol', { id: 'discussion-list', class: 'discussion-list', 'aria-labelledby': 'discussions-title' });
  const empty = h('p', { class: 'empty', hidden: true }, 'No discussions yet. Start the first one.');
  const discussions = createDiscussionList(list, {
    permissions: {
      canPost,
      isMine: (item) => isMine(page, item),
      isAdmin: community.my_role === 'admin',
      isManager: ['admin', 'moderator'].includes(community.my_role),
    },
    actions,
    empty,
    isNew: (domId, item) => isNewToReader(page, domId, item),
    showingNew: (items) => newItems.track(items),
  });
  const newItems = createNewItems({
    reveal: (id) => discussions.reveal(id),
    onSeen: (item) => {
      page.seen.add(item.id);
      clearNewMark(item);
    },
  });
  parts.view = discussions;
  parts.newItems = newItems;
  parts.stopAgeingTimes = keepTimesCurrent(root);
  parts.notifier = createNotifier(byId('toasts'), {
    reveal: (id) => discussions.reveal(id),
  });

  let participate;
  if (canPost) participate = newDiscussionForm(actions.startDiscussion);
  else if (!me) {
    participate = h('p', { class: 'notice' }, h('a', { href: signInUrl() }, 'Sign in'), ' to start a discussion or comment.');
  } else {
    participate = null;
  }
  replaceChildren(
    root,
    h(
      'article',
      { class: 'article-header', 'aria-labelledby': 'article-title' },
      h('h1', { id: 'article-title' }, article.title),
      article.authors.length ? h('p', { class: 'authors' }, article.authors.join(', ')) : null,
      h(
        'p',
        { class: 'meta' },
        article.submitter ? `Submitted by ${article.submitter.username} · ` : '',
        timeEl(article.created_at),
        article.link
          ? [' · ', h('a', { href: article.link, rel: 'noopener noreferrer', target: '_blank' }, 'Read the article', h('span', { class: 'sr-only' }, ' (opens in a new tab)'))]
          : null,
      ),
      article.abstract ? h('p', { class: 'abstract prose' }, article.abstract) : null,
    ),
    h(
      'section',
      { class: 'discussions-section', 'aria-labelledby': 'discussions-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'discussions-title' }, 'Discussions'), presenceEl, liveEl),
      live ? preferences() : null,
      participate,
      discussions.controls,
      empty,
      list,
      newItems.el,
    ),
  );
  if (presenceEl) startPresenceAndTyping(presenceEl);
}

/**
 * Presence and typing: private communities only, like every live feature.
 * @param {HTMLElement} presenceEl
 */
function startPresenceAndTyping(presenceEl) {
  const { community, articleId, me } = page;
  const where = { community_id: community.id, article_id: articleId };
  parts.presence = createPresence({ element: presenceEl, communityId: community.id, articleId, me, authFetch });
  parts.typingIndicators = createTypingIndicators({ lineFor: (id) => view().typingLine(id), articleId });
  parts.reportTyping = createTypingReporter({
    send: (discussionId, { pseudonymous }) =>
      api('/api/realtime/typing', { method: 'POST', body: { ...where, discussion_id: discussionId, pseudonymous } }),
  });
}

/**
 * Follow the article live: start the stream, then fetch, so that nothing falls between.
 * @param {import('../api.js').SessionUser} me
 * @param {ReturnType<typeof createIndicator>} indicator
 */
async function goLive(me, indicator) {
  const client = createRealtimeClient({
    pollUrl: config.realtimeUrl,
    authFetch,
    userKey: me.id,
    signals: true,
  });
  parts.client = client;
  client.subscribe(onRealtimeEvent);
  client.onSignal(onSignal);
  client.on('resync', () => refetch());
  client.onStatus((status) => indicator.update(status));
  client.connect();
  await Promise.race([client.ready(), new Promise((resolve) => setTimeout(resolve, 4000))]);
}

async function main() {
  const { articleId, me } = page;
  let community;
  try {
    community = await api(`/api/communities/by-slug/${encodeURIComponent(config.slug)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) fail('Community not found', 'There is no community at this address.');
    else fail('Something went wrong', error.message);
    return;
  }
  page.community = community;
  byId('crumb-community').textContent = community.name;
  const isPrivate = community.type === 'private';
  if (isPrivate && !community.my_role) {
    membersOnly();
    return;
  }
  page.scope = { articleId, communityId: community.id };

  let article;
  try {
    article = await api(`/api/articles/${articleId}`);
  } catch (error) {
    if (error instanceof ApiError && [401, 403].includes(error.status)) membersOnly();
    else if (error instanceof ApiError && [400, 404].includes(error.status)) fail('Article not found', 'There is no article at this address.');
    else fail('Something went wrong', error.message);
    return;
  }
  if (!article.communities.some((/** @type {{id: number}} */ c) => c.id === community.id)) {
    fail('Article not found', `This article is not in ${community.name}.`);
    return;
  }
  const live = isPrivate && Boolean(me);
  const canPost = Boolean(me) && (!isPrivate || Boolean(community.my_role));
  if (me) {
    // Recording this visit answers the previous one, which new items are marked against.
    const [pseudonymOf, visit] = await Promise.all([
      api(`/api/articles/${articleId}/pseudonym`).catch(() => null),
      api(`/api/articles/${articleId}/visit`, { method: 'PUT' }).catch(() => null),
    ]);
    page.myPseudonym = pseudonymOf?.pseudonym ?? null;
    page.lastVisit = visit?.previous_seen_at ? new Date(visit.previous_seen_at) : null;
  }
  buildPage(article, { live, canPost });
  const indicator = /** @type {ReturnType<typeof createIndicator>} */ (parts.indicator);
  if (live && me) await goLive(me, indicator);
  else indicator.off();

  try {
    const snapshot = await fetchSnapshot(community.id, articleId);
    const next = withBuffered(snapshot);
    page.loading = false;
    setState(next);
    view().render(page.articleState);
  } catch (error) {
    shutDown();
    if (error instanceof ApiError && [401, 403].includes(error.status)) membersOnly();
    else if (error instanceof ApiError && error.status === 404) fail('Article not found', 'There is no article at this address.');
    else fail('Could not load the discussions', error.message);
    return;
  }
  root.removeAttribute('aria-busy');
  root.dataset.ready = 'true';
  if (page.refetchAgain) {
    page.refetchAgain = false;
    refetch();
  }
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) view().reveal(target.id);
  }
}

// The realtime client releases its own resources on pagehide, and presence
// says goodbye on pagehide by itself.
window.addEventListener('pagehide', releaseComponents);

main();
