/**
 * An article in a community, with its discussions and their threaded
 * comments. In a private community the page stays live: realtime events go
 * through applyEvent into the same state the page renders, and the page's own
 * writes are applied from their HTTP responses (the server spares this
 * browser's queue their echo) and passed to the user's other tabs.
 */

import { ApiError, api, apiAll, apiComments, authFetch } from '../api.js';
import { busy, h, replaceChildren, showError, timeEl } from '../dom.js';
import { setUpPage, signInUrl } from '../layout.js';
import {
  applyEvent,
  createArticleState,
  deletedPlaceholder,
  hasLiveReply,
  liveCount,
} from '../../realtime/apply-event.js';
import { createRealtimeClient } from '../../realtime/client.js';
import { createIndicator } from '../article/indicator.js';
import { createNotifier, preferences } from '../article/notify.js';
import { createPresence } from '../article/presence.js';
import { createTypingIndicators, createTypingReporter } from '../article/typing.js';
import { commentDomId, createArticleView, discussionDomId } from '../article/view.js';

const { config, session } = setUpPage();
const root = document.getElementById('article-page');
const me = session?.user ?? null;
const articleId = Number(config.articleId);

let community = null;
let scope = null;
let state = createArticleState();
let view = null;
let client = null;
let notifier = null;
let indicator = null;
let myPseudonym = null;
let presence = null;
let typingIndicators = null;
let reportTyping = null;

// Events that arrive while a snapshot is being fetched wait here, then apply
// on top of it (versions make the order of the two irrelevant).
let loading = true;
let buffered = [];
let refetching = false;
let refetchAgain = false;
const commentsRequested = new Set();
let retryTimer = null;

// ------------------------------------------------------------------ helpers

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
    me ? 'Go to the community to request to join' : 'Go to the community',
  );
  fail(
    'Members only',
    'This article is in a private community. Only its members can read it and its discussions.',
    h('p', { class: 'actions' }, me ? null : h('a', { class: 'button primary', href: signInUrl() }, 'Sign in'), communityLink),
  );
}

function isMine(item) {
  if (!me || !item?.author) return false;
  if (item.author.is_pseudonymous) return myPseudonym !== null && item.author.username === myPseudonym;
  return item.author.id === me.id;
}

function localEvent(type, data) {
  return {
    type,
    data: { article_id: articleId, community_id: community.id, ...data },
    community_ids: [community.id],
    timestamp: new Date().toISOString(),
  };
}

function targetOf(event) {
  const d = event.data ?? {};
  switch (event.type) {
    case 'new_discussion':
    case 'updated_discussion':
      return { kind: 'discussion', id: d.discussion?.id };
    case 'deleted_discussion':
      return { kind: 'discussion', id: d.discussion_id ?? d.discussion?.id, deleted: true };
    case 'new_comment':
    case 'updated_comment':
      return { kind: 'comment', id: d.comment?.id };
    case 'deleted_comment':
      return { kind: 'comment', id: d.comment_id ?? d.comment?.id, deleted: true };
    default:
      return null;
  }
}

function topicOf(discussionId, fallbackState = state) {
  return fallbackState.discussions.find((d) => d.id === discussionId)?.topic ?? 'a discussion';
}

function describe(event, before) {
  const d = event.data;
  const who = (item) => item?.author?.username ?? 'Someone';
  switch (event.type) {
    case 'new_discussion':
      return `${who(d.discussion)} started “${d.discussion.topic}”`;
    case 'updated_discussion': {
      const old = before.discussions.find((x) => x.id === d.discussion.id);
      if (old && old.is_resolved !== d.discussion.is_resolved) {
        return `“${d.discussion.topic}” was ${d.discussion.is_resolved ? 'resolved' : 'reopened'}`;
      }
      return `“${d.discussion.topic}” was edited`;
    }
    case 'deleted_discussion':
      return `“${topicOf(d.discussion_id ?? d.discussion?.id, before)}” was deleted`;
    case 'new_comment':
      return `${who(d.comment)} ${d.comment.parent_id ? 'replied' : 'commented'} in “${topicOf(d.comment.discussion_id)}”`;
    case 'updated_comment':
      if (d.comment.is_deleted) return `A comment in “${topicOf(d.comment.discussion_id)}” was deleted`;
      return `${who(d.comment)} edited a comment in “${topicOf(d.comment.discussion_id)}”`;
    case 'deleted_comment':
      return `A comment in “${topicOf(d.discussion_id)}” was deleted`;
    default:
      return 'Something changed';
  }
}

function isOwnEvent(event) {
  const item = event.data?.comment ?? event.data?.discussion;
  return isMine(item);
}

// ------------------------------------------------------------------- state

function setState(next) {
  if (next === state) return false;
  state = next;
  view.render(state);
  ensureComments();
  return true;
}

function applyIncoming(event, info) {
  if (event.type === 'new_comment' && event.data.comment?.author) {
    typingIndicators?.commented(event.data.comment.discussion_id, event.data.comment.author.username);
  }
  const before = state;
  if (!setState(applyEvent(state, event, scope))) return;
  const target = targetOf(event);
  if (target && !target.deleted) view.highlight(target.kind, target.id);
  if (info.source === 'server' && !isOwnEvent(event)) {
    const domId = target && !target.deleted
      ? (target.kind === 'comment' ? commentDomId : discussionDomId)(target.id)
      : null;
    notifier.changed({
      text: describe(event, before),
      targetId: domId,
      element: domId ? document.getElementById(domId) : null,
    });
  }
}

function onSignal(signal) {
  if (signal.type === 'presence') presence?.signal(signal);
  else if (signal.type === 'typing') typingIndicators?.signal(signal);
}

function onRealtimeEvent(event, info) {
  if (loading || refetching) {
    buffered.push([event, info]);
    return;
  }
  applyIncoming(event, info);
}

/** Apply this tab's own write and pass it to the user's other tabs. */
function applyOwn(event) {
  if (loading || refetching) buffered.push([event, { source: 'self' }]);
  if (setState(applyEvent(state, event, scope))) {
    const target = targetOf(event);
    if (target && !target.deleted) view.highlight(target.kind, target.id);
  }
  client?.shareLocalEvent(event);
}

async function fetchComments(discussionId) {
  try {
    return await apiComments(discussionId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null; // deleted meanwhile
    throw error;
  }
}

async function fetchSnapshot() {
  const discussions = await apiAll(
    `/api/communities/${community.id}/articles/${articleId}/discussions`,
  );
  const comments = {};
  const gone = new Set();
  const queue = [...discussions];
  const worker = async () => {
    while (queue.length) {
      const d = queue.shift();
      const items = await fetchComments(d.id);
      if (items === null) gone.add(d.id);
      else comments[d.id] = items;
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, queue.length) }, worker));
  return createArticleState(
    discussions.filter((d) => !gone.has(d.id)),
    comments,
  );
}

/** Discussions that arrived by an update event without their comments. */
function ensureComments() {
  for (const d of state.discussions) {
    if (state.commentsByDiscussion[d.id] || commentsRequested.has(d.id)) continue;
    commentsRequested.add(d.id);
    fetchComments(d.id)
      .then((items) => {
        commentsRequested.delete(d.id);
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

function changedItems(before, after) {
  const out = [];
  const oldD = new Map(before.discussions.map((d) => [d.id, d.version]));
  for (const d of after.discussions) {
    if (oldD.get(d.id) !== d.version) out.push(['discussion', d.id]);
  }
  for (const [discussionId, comments] of Object.entries(after.commentsByDiscussion)) {
    const old = new Map((before.commentsByDiscussion[discussionId] ?? []).map((c) => [c.id, c.version]));
    for (const c of comments) if (old.get(c.id) !== c.version) out.push(['comment', c.id]);
  }
  return out;
}

/** Fetch everything again (after a gap in the event stream), keeping what arrives meanwhile. */
async function refetch() {
  if (loading || refetching) {
    // The snapshot under way may predate the gap: fetch once more afterwards.
    refetchAgain = true;
    return;
  }
  refetching = true;
  try {
    do {
      refetchAgain = false;
      const before = state;
      let fresh;
      try {
        fresh = await fetchSnapshot();
      } catch (error) {
        if (error instanceof ApiError && [401, 403, 404].includes(error.status)) {
          shutDown();
          membersOnly();
          return;
        }
        // The API is unreachable for now: try again shortly.
        retryTimer = setTimeout(() => {
          retryTimer = null;
          refetch();
        }, 3000);
        return;
      }
      let next = before.removed ? { ...fresh, removed: before.removed } : fresh;
      const pending = buffered;
      buffered = [];
      for (const [event] of pending) next = applyEvent(next, event, scope);
      setState(next);
      for (const [kind, id] of changedItems(before, state)) view.highlight(kind, id);
    } while (refetchAgain);
  } finally {
    refetching = false;
  }
}

function shutDown() {
  clearTimeout(retryTimer);
  client?.disconnect();
  presence?.destroy();
  typingIndicators?.destroy();
  indicator?.destroy();
  notifier?.destroy();
  view?.destroy();
}

// ------------------------------------------------------------------- writes

async function write(path, method, body) {
  const headers = client ? client.writeHeaders() : {};
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

const actions = {
  typing(discussionId, options) {
    reportTyping?.(discussionId, options);
  },
  async startDiscussion({ topic, content, pseudonymous }) {
    const discussion = await write(
      `/api/communities/${community.id}/articles/${articleId}/discussions`,
      'POST',
      { topic, content, is_pseudonymous: pseudonymous },
    );
    applyOwn(localEvent('new_discussion', { discussion }));
    return discussion;
  },
  async editDiscussion(d, patch) {
    const discussion = await write(`/api/discussions/${d.id}`, 'PATCH', patch);
    applyOwn(localEvent('updated_discussion', { discussion }));
  },
  async setResolved(d, resolved) {
    const discussion = await write(`/api/discussions/${d.id}/${resolved ? 'resolve' : 'unresolve'}`, 'POST');
    applyOwn(localEvent('updated_discussion', { discussion }));
  },
  async deleteDiscussion(d) {
    await write(`/api/discussions/${d.id}`, 'DELETE');
    // The server bumps the version on delete, as with any change.
    applyOwn(
      localEvent('deleted_discussion', {
        discussion: { id: d.id, version: d.version + 1 },
        discussion_id: d.id,
      }),
    );
  },
  async comment(discussionId, { content, parentId, pseudonymous }) {
    const comment = await write(`/api/discussions/${discussionId}/comments`, 'POST', {
      content,
      parent_id: parentId,
      is_pseudonymous: pseudonymous,
    });
    applyOwn(
      localEvent('new_comment', {
        comment,
        comment_id: comment.id,
        discussion_id: discussionId,
        parent_id: comment.parent_id,
      }),
    );
  },
  async editComment(c, content) {
    const comment = await write(`/api/comments/${c.id}`, 'PATCH', { content });
    applyOwn(
      localEvent('updated_comment', {
        comment,
        comment_id: comment.id,
        discussion_id: comment.discussion_id,
        parent_id: comment.parent_id,
      }),
    );
  },
  async deleteComment(c) {
    await write(`/api/comments/${c.id}`, 'DELETE');
    // As the server decides: with a live reply below it the comment stays as "[deleted]".
    const stays = hasLiveReply(state.commentsByDiscussion[c.discussion_id] ?? [], c.id);
    applyOwn(
      localEvent(stays ? 'updated_comment' : 'deleted_comment', {
        comment: deletedPlaceholder(c),
        comment_id: c.id,
        discussion_id: c.discussion_id,
        parent_id: c.parent_id,
      }),
    );
  },
};

// --------------------------------------------------------------------- page

function newDiscussionForm() {
  const topic = h('input', { id: 'new-topic', name: 'topic', required: true, maxlength: 300 });
  const content = h('textarea', { id: 'new-content', name: 'content', rows: 3, required: true });
  const pseudo = h('input', { type: 'checkbox', id: 'new-pseudonymous', name: 'is_pseudonymous' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'aria-labelledby': 'new-discussion-title' },
    h('div', { class: 'field' }, h('label', { for: topic.id }, 'Topic'), topic),
    h('div', { class: 'field' }, h('label', { for: content.id }, 'Message'), content),
    h('div', { class: 'check' }, pseudo, h('label', { for: pseudo.id }, 'Post under my pseudonym')),
    error,
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'button primary' }, 'Start discussion')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    if (!topic.value.trim() || !content.value.trim()) {
      showError(error, 'Give the discussion a topic and a message.');
      (topic.value.trim() ? content : topic).focus();
      return;
    }
    try {
      await busy(form, () =>
        actions.startDiscussion({
          topic: topic.value.trim(),
          content: content.value.trim(),
          pseudonymous: pseudo.checked,
        }),
      );
      form.reset();
      topic.focus();
    } catch (e) {
      showError(error, e.message);
    }
  });
  return h(
    'section',
    { class: 'card new-discussion', 'aria-labelledby': 'new-discussion-title' },
    h('h3', { id: 'new-discussion-title' }, 'Start a discussion'),
    form,
  );
}

function buildPage(article, { live, canPost }) {
  document.title = `${article.title} · Marginalia`;
  document.getElementById('crumb-article').textContent = article.title;

  const liveEl = h('div', { id: 'live-status', class: 'live-status' });
  const presenceEl = live ? h('div', { id: 'presence', role: 'status' }) : null;
  indicator = createIndicator(liveEl, { onRetry: () => client?.pollNow() });
  const list = h('ol', { id: 'discussion-list', class: 'discussion-list', 'aria-labelledby': 'discussions-title' });
  const empty = h('p', { class: 'empty', hidden: true }, 'No discussions yet. Start the first one.');
  view = createArticleView(list, {
    permissions: {
      canPost,
      isMine,
      isAdmin: community.my_role === 'admin',
      isManager: ['admin', 'moderator'].includes(community.my_role),
    },
    actions,
    empty,
  });
  notifier = createNotifier(document.getElementById('toasts'), { reveal: (id) => view.reveal(id) });

  let participate;
  if (canPost) participate = newDiscussionForm();
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
      empty,
      list,
    ),
  );
  if (live) startPresenceAndTyping(presenceEl);
}

/** Presence and typing: private communities only, like every live feature. */
function startPresenceAndTyping(presenceEl) {
  const where = { community_id: community.id, article_id: articleId };
  presence = createPresence({ element: presenceEl, communityId: community.id, articleId, me, authFetch });
  typingIndicators = createTypingIndicators({ lineFor: (id) => view.typingLine(id), articleId });
  reportTyping = createTypingReporter({
    send: (discussionId, { pseudonymous }) =>
      api('/api/realtime/typing', { method: 'POST', body: { ...where, discussion_id: discussionId, pseudonymous } }),
  });
}

async function main() {
  try {
    community = await api(`/api/communities/by-slug/${encodeURIComponent(config.slug)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) fail('Community not found', 'There is no community at this address.');
    else fail('Something went wrong', error.message);
    return;
  }
  document.getElementById('crumb-community').textContent = community.name;
  const isPrivate = community.type === 'private';
  if (isPrivate && !community.my_role) {
    membersOnly();
    return;
  }
  scope = { articleId, communityId: community.id };

  let article;
  try {
    article = await api(`/api/articles/${articleId}`);
  } catch (error) {
    if (error instanceof ApiError && [401, 403].includes(error.status)) membersOnly();
    else if (error instanceof ApiError && [400, 404].includes(error.status)) fail('Article not found', 'There is no article at this address.');
    else fail('Something went wrong', error.message);
    return;
  }
  if (!article.communities.some((c) => c.id === community.id)) {
    fail('Article not found', `This article is not in ${community.name}.`);
    return;
  }
  const live = isPrivate && Boolean(me);
  const canPost = Boolean(me) && (!isPrivate || Boolean(community.my_role));
  if (me) {
    myPseudonym = await api(`/api/articles/${articleId}/pseudonym`).then((r) => r.pseudonym, () => null);
  }
  buildPage(article, { live, canPost });

  if (live) {
    client = createRealtimeClient({
      pollUrl: config.realtimeUrl,
      authFetch,
      userKey: me.id,
      signals: true,
    });
    client.subscribe(onRealtimeEvent);
    client.onSignal(onSignal);
    client.on('resync', () => refetch());
    client.onStatus((status) => indicator.update(status));
    client.connect();
    // Start the stream first, then fetch: nothing falls between the two.
    await Promise.race([client.ready(), new Promise((resolve) => setTimeout(resolve, 4000))]);
  } else {
    indicator.off();
  }

  try {
    const snapshot = await fetchSnapshot();
    let next = snapshot;
    for (const [event] of buffered) next = applyEvent(next, event, scope);
    buffered = [];
    loading = false;
    setState(next);
    view.render(state);
  } catch (error) {
    shutDown();
    if (error instanceof ApiError && [401, 403].includes(error.status)) membersOnly();
    else if (error instanceof ApiError && error.status === 404) fail('Article not found', 'There is no article at this address.');
    else fail('Could not load the discussions', error.message);
    return;
  }
  root.removeAttribute('aria-busy');
  root.dataset.ready = 'true';
  if (refetchAgain) {
    refetchAgain = false;
    refetch();
  }
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) view.reveal(target.id);
  }
}

window.addEventListener('pagehide', () => {
  // The realtime client releases its own resources on pagehide.
  // Presence says goodbye on pagehide by itself.
  clearTimeout(retryTimer);
  indicator?.destroy();
  notifier?.destroy();
  typingIndicators?.destroy();
  view?.destroy();
});

main();
