/**
 * An article in a community, with its discussions and their threaded
 * comments. In a private community the page stays live: realtime events go
 * into the page's store (article/store.js), which applies them to the state
 * the page renders, and the page's own writes are applied from their HTTP
 * responses (the server spares this browser's queue their echo) and passed to
 * the user's other tabs.
 *
 * This module wires the store, the realtime client and the components: after
 * every transition it renders the state (lit-html, article/article-view.js) and
 * reacts to what changed (highlights, toasts, typing). Items others wrote since
 * the reader's last visit, or while the page is open, are marked new until the
 * reader has seen them; opening the page records the visit.
 */

import { ApiError, api, authFetch } from '../api.js';
import { byId, h } from '../dom.js';
import { followToggle } from '../follow-toggle.js';
import { onSessionEnded, setUpPage } from '../layout.js';
import { onOwnMembershipChanged } from '../inbox/own-membership.js';
import { pageRealtime } from '../page-realtime.js';
import { loadPreferences } from '../notification-preferences.js';
import { render } from '../../vendor/lit-html/lit-html.js';
import { articlePage } from '../article/article-view.js';
import { describe, targetOf } from '../article/describe.js';
import { articleView } from '../article/discussion-list.js';
import { itemDomId, keepingFocus } from '../article/elements.js';
import { createHighlighter } from '../article/highlight.js';
import { createIndicator } from '../article/indicator.js';
import { suggestMentionsFrom } from '../article/mention-suggestions.js';
import { NewItemsWatcher } from '../article/new-items.js';
import { newDiscussionForm } from '../article/new-discussion-form.js';
import { membersOnly, snapshotNotice } from '../article/notices.js';
import { Notifier } from '../article/notify.js';
import { openArticle } from '../article/opening.js';
import { Presence } from '../article/presence.js';
import { fetchContentHtml } from '../article/rendered-content.js';
import { changedItems, fetchComments, fetchSnapshot } from '../article/snapshot.js';
import { ArticleStore, accessOf, newMarks } from '../article/store.js';
import { keepTimesCurrent } from '../article/times.js';
import { createTypingIndicators, createTypingReporter } from '../article/typing.js';
import { createActions } from '../article/writes.js';

/** @typedef {import('../../realtime/apply-event').RealtimeEvent} RealtimeEvent */
/** @typedef {import('../../realtime/client').RealtimeClient} RealtimeClient */
/** @typedef {import('../../realtime/client').RealtimeSignal} RealtimeSignal */
/** @typedef {import('../article/store.js').PageState} PageState */
/** @typedef {import('../article/store.js').Change} Change */
/** @typedef {import('../article/store.js').NewMarks} NewMarks */

const { config, session } = setUpPage();
const root = byId('article-page');
const me = session?.user ?? null;
const where = { slug: String(config.slug), signedIn: Boolean(me) };

const store = new ArticleStore({
  articleId: Number(config.articleId),
  me,
  fetchSnapshot,
  fetchComments,
  fetchHtml: fetchContentHtml,
  noticeFor: (error, during) => snapshotNotice(error, during, where),
});

const highlighter = createHighlighter();

/**
 * Scroll to an item, focus and flash it. A comment a folded thread hides shows
 * first: the store keeps it shown, and the render that follows puts it in place.
 * @param {string} domId
 */
function reveal(domId) {
  const [kind, id] = domId.split('-');
  if (kind !== 'comment' || document.getElementById(domId)) {
    highlighter.reveal(domId);
    return;
  }
  store.commentRevealed(Number(id));
  queueMicrotask(() => highlighter.reveal(domId)); // queued after that render
}

/** What the page makes once the article is known (none for a page that cannot show it). */
const parts = {
  /** @type {RealtimeClient | null} */
  client: null,
  /** @type {Notifier | null} */
  notifier: null,
  /** @type {NewItemsWatcher | null} */
  newItems: null,
  /** @type {ReturnType<typeof createIndicator> | null} */
  indicator: null,
  /** @type {Presence | null} */
  presence: null,
  /** @type {ReturnType<typeof createTypingIndicators> | null} */
  typingIndicators: null,
  /** @type {ReturnType<typeof createTypingReporter> | null} */
  reportTyping: null,
  /** @type {(() => void) | null} */
  stopAgeingTimes: null,
  // Elements that keep their own DOM, placed in the page as they are.
  /** @type {HTMLElement | null} */
  liveStatus: null,
  /** @type {HTMLElement | null} */
  newDiscussionForm: null,
  /** @type {HTMLElement | null} for signed-in readers */
  followArticle: null,
  jumpToNew: () => parts.newItems?.jumpToFirst(),
  checkForNew: () => store.newPostsRequested(),
};

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
      store.gapReported();
      throw new Error('This no longer exists; the page has been refreshed.');
    }
    throw error;
  }
}

/**
 * Apply this tab's own write and pass it to the user's other tabs.
 * @param {RealtimeEvent} event
 */
function applyOwn(event) {
  store.ownWriteApplied(event);
  parts.client?.shareLocalEvent(event);
}

const actions = createActions(store, { write, applyOwn, typingReporter: () => parts.reportTyping });

/** @type {import('../article/discussion-list.js').ViewHandlers} */
const on = {
  toggleFold: (contentId) => store.foldToggled(contentId),
  chooseFilter: (filter) => store.filterChosen(filter),
  chooseOrder: (order) => store.orderChosen(order),
  replyDraftsChanged: () => store.replyDraftsChanged(),
  showPresenceNames: (shown) => store.presenceNamesShown(shown),
  openThreadLevel: (levelId, focusId) => {
    store.threadLevelOpened(levelId);
    // The button is gone with the fold: focus the first comment it showed, once rendered.
    queueMicrotask(() => document.getElementById(focusId)?.focus());
  },
};

// ---------------------------------------------------------- render and react

/** @param {PageState} state */
function paint(state) {
  const list = document.getElementById('discussion-list');
  keepingFocus(list, () => render(articlePage(articleView(state, actions, on), parts), root));
  if (state.notice) root.removeAttribute('aria-busy');
  parts.notifier?.render(state);
  watchNewItems(state);
}

/** @type {{marks: NewMarks | null, filter: string}} what the "N new" watcher was given last */
const watching = { marks: null, filter: '' };

/**
 * Have the items marked new watched until the reader has seen them: those the
 * reader's choice of discussions shows, given again when the marks or the choice changed.
 * @param {PageState} state
 */
function watchNewItems(state) {
  const marks = newMarks(state);
  if (!parts.newItems || (marks === watching.marks && state.filter === watching.filter)) return;
  Object.assign(watching, { marks, filter: state.filter });
  const shown = [...marks.ids].map((id) => document.getElementById(id));
  parts.newItems.track(shown.filter((el) => el !== null));
}

/**
 * An event from the stream changed the state: flash what it changed, and tell the
 * reader about changes by others.
 * @param {Extract<Change, {type: 'applied'}>} change
 */
function reactToIncoming({ event, before, after, byOthers }) {
  const { comment } = event.data;
  if (event.type === 'new_comment' && comment?.author) {
    parts.typingIndicators?.commented(comment.discussion_id, comment.author.username);
  }
  const target = targetOf(event);
  const shown = target && !target.deleted && target.id !== undefined ? target : null;
  const domId = shown ? itemDomId(shown.kind, /** @type {number} */ (shown.id)) : null;
  if (shown) highlighter.highlight(shown.kind, /** @type {number} */ (shown.id));
  if (!byOthers) return;
  const isNew = event.type === 'new_comment' || event.type === 'new_discussion';
  parts.notifier?.changed({
    sentence: describe(event, before, after),
    targetId: domId,
    element: domId ? document.getElementById(domId) : null,
    addedKind: isNew && target ? target.kind : null,
  });
}

/**
 * What the page does once a change shows.
 * @param {Change} change
 */
function react(change) {
  switch (change.type) {
    case 'applied':
      reactToIncoming(change);
      break;
    case 'own': {
      const target = targetOf(change.event);
      if (target && !target.deleted && target.id !== undefined) {
        highlighter.highlight(target.kind, target.id);
      }
      break;
    }
    case 'refetched':
      for (const [kind, id] of changedItems(change.before, change.after)) {
        highlighter.highlight(kind, id);
      }
      break;
    case 'closed':
      shutDown();
      break;
    default:
  }
}

/** Changes made since the page last rendered, to react to once it has. */
const untold = /** @type {Change[]} */ ([]);

/**
 * Render once for every change made in one go (the events of one poll answer, a
 * change and the toast it raises), then react to each.
 */
function renderAndReact() {
  const changes = untold.splice(0);
  paint(store.state);
  for (const change of changes) react(change);
}

store.subscribe((_, change) => {
  if (untold.push(change) === 1) queueMicrotask(renderAndReact);
});

/** Release what the page's components hold. */
function releaseComponents() {
  store.release();
  highlighter.destroy();
  parts.indicator?.destroy();
  parts.notifier?.destroy();
  parts.newItems?.destroy();
  parts.stopAgeingTimes?.();
  parts.typingIndicators?.destroy();
}

function shutDown() {
  parts.client?.disconnect();
  parts.presence?.destroy();
  releaseComponents();
}

// --------------------------------------------------------------------- page

/**
 * The components of an article the reader may see.
 * @param {{canPost: boolean}} access
 */
function startComponents({ canPost }) {
  parts.liveStatus = h('div', { id: 'live-status', class: 'live-status' });
  parts.indicator = createIndicator(parts.liveStatus, { onRetry: () => parts.client?.pollNow() });
  parts.newDiscussionForm = canPost ? newDiscussionForm(actions.startDiscussion) : null;
  parts.notifier = new Notifier(store, byId('toasts'), { reveal });
  parts.newItems = new NewItemsWatcher({
    reveal,
    onSeen: (item) => store.itemSeen(item.id),
    onCount: (count) => store.newItemsCounted(count),
  });
  parts.stopAgeingTimes = keepTimesCurrent(root);
}

/**
 * Presence and typing: private communities only, like every live feature.
 * @param {number} communityId
 * @param {number} articleId
 */
function startPresenceAndTyping(communityId, articleId) {
  parts.presence = new Presence({
    communityId, articleId, authFetch, onChange: (snapshot) => store.presenceChanged(snapshot),
  });
  parts.typingIndicators = createTypingIndicators({
    articleId, onChange: (discussionId, names) => store.typistsChanged(discussionId, names),
  });
  const typingTo = { community_id: communityId, article_id: articleId };
  parts.reportTyping = createTypingReporter({
    send: (discussionId, { pseudonymous }) => api('/api/realtime/typing', {
      method: 'POST', body: { ...typingTo, discussion_id: discussionId, pseudonymous },
    }),
  });
}

/** @param {RealtimeSignal} signal */
function onSignal(signal) {
  if (signal.type === 'presence') parts.presence?.signal(signal);
  else if (signal.type === 'typing') parts.typingIndicators?.signal(signal);
}

/**
 * Follow the article live: start the stream, then fetch, so that nothing falls between.
 * The page's client (page-realtime.js) may already run for the bell: what arrived
 * before this subscribes is in the fetch that follows.
 * @param {ReturnType<typeof createIndicator>} indicator
 */
async function goLive(indicator) {
  const client = /** @type {RealtimeClient} */ (pageRealtime(config, session));
  parts.client = client;
  client.subscribe((event, info) => store.eventArrived(event, info));
  client.onSignal(onSignal);
  client.on('resync', () => store.gapReported());
  client.onStatus((status) => indicator.update(status));
  client.connect();
  await Promise.race([client.ready(), new Promise((resolve) => setTimeout(resolve, 4000))]);
}

// Live updates need a live login: when the server ends it, the page stops polling
// and the indicator says why, instead of failing its way to "Not connected".
onSessionEnded(() => {
  parts.client?.disconnect();
  parts.presence?.destroy();
  parts.indicator?.ended();
});

/**
 * The community's members whose names start with a prefix, for @mention suggestions.
 * @param {number} communityId
 * @returns {import('../article/mention-suggestions.js').MentionSource}
 */
function membersNamed(communityId) {
  return async (prefix) => {
    const query = `q=${encodeURIComponent(prefix)}&limit=8`;
    const members = await api(`/api/communities/${communityId}/members?${query}`);
    return members.map((/** @type {{user: {username: string}}} */ m) => m.user.username);
  };
}

/**
 * The reader's own membership of this community changed while the page is open: removed
 * from a private one, the page closes as for any non-member; a new role shows or hides
 * the controls it gives, without a reload.
 */
async function membershipChanged() {
  const community = await api(`/api/communities/by-slug/${encodeURIComponent(where.slug)}`);
  if (community.type === 'private' && !community.my_role) {
    // The page's client goes on for the bell; the community's events stop coming.
    parts.presence?.destroy();
    store.close(membersOnly({ slug: where.slug, signedIn: true }));
  } else {
    store.roleChanged(community);
  }
}

onOwnMembershipChanged(pageRealtime(config, session), () => store.state.community?.id,
  () => membershipChanged().catch(() => {}));

async function main() {
  root.replaceChildren();
  paint(store.state);
  const opening = await openArticle(where.slug, store.state.articleId, me);
  if (opening.community) byId('crumb-community').textContent = opening.community.name;
  if (opening.notice !== null) {
    store.close(opening.notice);
    return;
  }
  const { community, article } = opening;
  document.title = `${article.title} · Marginalia`;
  byId('crumb-article').textContent = article.title;
  const access = accessOf(community, me);
  if (access.canPost) suggestMentionsFrom(membersNamed(community.id));
  // Sound and desktop notifications (settings page) are for live pages; the page is
  // ready once it knows whether to use them.
  const preferencesLoaded = access.live && me ? loadPreferences() : null;
  startComponents(access);
  if (me) {
    parts.followArticle = followToggle(
      `/api/communities/${community.id}/articles/${store.state.articleId}/follow`, 'this article');
  }
  store.articleOpened(opening);
  const indicator = /** @type {ReturnType<typeof createIndicator>} */ (parts.indicator);
  if (access.live && me) {
    startPresenceAndTyping(community.id, store.state.articleId);
    await goLive(indicator);
  } else {
    indicator.off();
  }
  await store.loadSnapshot();
  if (store.state.phase === 'closed') return;
  await preferencesLoaded;
  root.removeAttribute('aria-busy');
  root.dataset.ready = 'true';
  if (location.hash) reveal(location.hash.slice(1));
}

// The realtime client releases its own resources on pagehide, and presence
// says goodbye on pagehide by itself.
window.addEventListener('pagehide', releaseComponents);

main();
