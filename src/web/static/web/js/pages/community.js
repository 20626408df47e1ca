import { ApiError, api, apiAll } from '../api.js';
import { articleActivity, awaySection, newsSinceLastVisit } from '../community/activity.js';
import { communityForm } from '../community/community-form.js';
import { disclosure } from '../community/disclosure.js';
import { invitesSection } from '../community/invites.js';
import { ROLE_LABELS, membersSection, membersText } from '../community/members.js';
import { joinRequestsSection } from '../community/requests.js';
import { badge, busy, byId, h, replaceChildren, showError, timeEl } from '../dom.js';
import { checkRequired, clearErrors, field, formAlert, showApiError } from '../forms.js';
import { setUpPage, signInUrl } from '../layout.js';
import { onOwnMembershipChanged } from '../inbox/own-membership.js';
import { pageRealtime } from '../page-realtime.js';
import { articlePath } from '../paths.js';

/** @import { RealtimeClient } from '../../realtime/client.js' */
/** @import { Article, Community, CommunityArticle, NewsPage } from '../api-types.js' */
/** @import { MembersSection } from '../community/members.js' */

const { config, session } = setUpPage();
const root = byId('community');
let stopRequests = () => {}; // the requests section of the previous render refreshes until stopped
/** @type {Promise<NewsPage> | null} */
let awayNews = null; // fetched once a page load: a render after an action records no visit
let awayDismissed = false;
/** @type {number | null} */
let shownCommunityId = null; // the community of the last render
/** @type {string | null | undefined} */
let shownRole = null; // the reader's role in it then
/** @type {(count: number | null) => void} */
let showMemberCount = () => {}; // the header's, of the last render

/**
 * Call `listener` whenever the community's join requests may have changed: a
 * `join_requests` signal (sent to its admins only) or a resync of the stream,
 * after which signals may have been missed. Returns a function that stops it.
 * @param {Community} community
 * @param {() => void} listener
 * @returns {() => void}
 */
function onJoinRequestsChanged(community, listener) {
  // Only an admin's page asks, so someone is signed in and the page's client runs.
  const realtime = /** @type {RealtimeClient} */ (pageRealtime(config, session));
  const offSignal = realtime.onSignal((signal) => {
    if (signal.type === 'join_requests' && signal.data.community_id === community.id) listener();
  });
  const offResync = realtime.on('resync', () => listener());
  return () => {
    offSignal();
    offResync();
  };
}

/**
 * @param {string} title
 * @param {string} text
 */
function fail(title, text) {
  root.removeAttribute('aria-busy');
  replaceChildren(
    root,
    h('section', { class: 'notice-panel', role: 'alert' }, h('h1', {}, title), h('p', {}, text)),
  );
}

/**
 * What the caller can do about belonging to the community (sign in, join, ask to,
 * leave), and the line its failures show in.
 * @param {Community} community
 * @param {() => Promise<void>} refresh shows the page again once done
 */
function membershipActions(community, refresh) {
  const box = h('div', { class: 'actions' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  /**
   * @param {HTMLButtonElement} button
   * @param {() => Promise<unknown>} work
   */
  const act = async (button, work) => {
    showError(error, '');
    button.disabled = true;
    try {
      await work();
      await refresh();
    } catch (e) {
      showError(error, e.message);
      button.disabled = false;
    }
  };
  if (!session) {
    box.append(h('a', { class: 'button primary', href: signInUrl() }, 'Sign in to join'));
  } else if (community.can_leave) {
    const leave = h('button', { type: 'button', class: 'button' }, 'Leave community');
    leave.addEventListener('click', () =>
      act(leave, () => api(`/api/communities/${community.id}/leave`, { method: 'POST' })),
    );
    box.append(leave);
  } else if (community.my_role) {
    // The server refuses to let the last admin leave; the page does not offer it.
    box.append(h('p', { class: 'status-text' },
      'You are the only admin: make another member admin before you can leave.'));
  } else if (community.join_requested) {
    box.append(h('p', { class: 'status-text' }, 'Your request to join is waiting for an admin.'));
  } else {
    const label = community.type === 'private' ? 'Request to join' : 'Join';
    const join = h('button', { type: 'button', class: 'button primary' }, label);
    join.addEventListener('click', () =>
      act(join, () => api(`/api/communities/${community.id}/join`, { method: 'POST' })),
    );
    box.append(join);
  }
  return [box, error];
}

/**
 * The requests to join a private community, for its admins. The members are listed
 * again whenever requests are decided, here or by another admin.
 * @param {Community} community
 * @param {MembersSection | null} members
 */
function requestsSection(community, members) {
  const requests = joinRequestsSection(community, {
    onDecided: () => members?.reload(),
    onChanged: (listener) => onJoinRequestsChanged(community, listener),
  });
  stopRequests = requests.stop;
  return requests.element;
}

/**
 * The admins' part of the page below the members: invite links, the community's
 * settings.
 * @param {Community} community
 */
function adminSections(community) {
  return [
    invitesSection(community),
    h(
      'details',
      { class: 'card disclosure', id: 'settings' },
      h('summary', {}, 'Edit community'),
      communityForm({
        idPrefix: 'edit-community',
        submitLabel: 'Save changes',
        community,
        send: (body) => api(`/api/communities/${community.id}`, { method: 'PATCH', body }),
        done: () => load(),
      }),
    ),
  ];
}

/**
 * @param {Community} community
 * @param {CommunityArticle} article
 */
function articleCard(community, article) {
  return h(
    'li',
    { class: 'card' },
    h(
      'h3',
      { class: 'card-title' },
      h('a', { href: articlePath(community.slug, article.id) }, article.title),
    ),
    article.authors.length ? h('p', { class: 'meta' }, article.authors.join(', ')) : null,
    article.abstract ? h('p', { class: 'description clamp' }, article.abstract) : null,
    h('p', { class: 'meta' }, 'Added ', timeEl(article.created_at)),
    articleActivity(article),
  );
}

/**
 * @param {Community} community
 * @param {CommunityArticle[]} articles
 */
function articleList(community, articles) {
  if (!articles.length) return h('p', { class: 'empty' }, 'No articles in this community yet.');
  return h('ul', { class: 'card-list' },
    articles.map((article) => articleCard(community, article)));
}

/**
 * What others wrote since the member's previous visit, at the top of the page until
 * dismissed; null when there is nothing.
 * @param {Community} community
 */
async function awayPart(community) {
  if (awayDismissed || !community.my_role) return null;
  awayNews ??= newsSinceLastVisit(community.id);
  const news = await awayNews;
  if (!news.items.length) return null;
  return awaySection(community.slug, news, () => {
    awayDismissed = true;
    document.getElementById('articles-title')?.focus();
  });
}

/** @param {Community} community */
function submitArticleForm(community) {
  const error = formAlert();
  const title = h('input', { name: 'title', required: true, maxlength: 500 });
  const authors = h('input', { name: 'authors', maxlength: 5000 });
  const link = h('input', { name: 'link', type: 'url', placeholder: 'https://' });
  const abstract = h('textarea', { name: 'abstract', rows: 4 });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field('article-title', 'Title', title),
    field('article-authors', 'Authors (comma-separated)', authors),
    field('article-link', 'Link', link),
    field('article-abstract', 'Abstract', abstract),
    error,
    h('button', { type: 'submit', class: 'button primary' }, 'Add article'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, error);
    if (!checkRequired(form)) return;
    const body = {
      title: title.value.trim(),
      abstract: abstract.value.trim(),
      authors: authors.value.split(',').map((a) => a.trim()).filter(Boolean),
      link: link.value.trim() || null,
      community_ids: [community.id],
    };
    try {
      /** @type {Article} */
      const article = await busy(form, () => api('/api/articles', { method: 'POST', body }));
      location.assign(articlePath(community.slug, article.id));
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}

/**
 * The page's header, with a member count the members section keeps up to date
 * (`showCount`).
 * @param {Community} community
 */
function pageHeader(community) {
  const count = h('span', { class: 'member-count' });
  /** @param {number | null} members */
  const showCount = (members) => {
    count.textContent = members === null ? '' : ` ${membersText(members)}`;
  };
  showCount(community.member_count);
  const element = h(
    'header',
    { class: 'page-header' },
    h('h1', {}, community.name),
    h(
      'p',
      { class: 'meta' },
      community.type === 'private' ? badge('Private', 'private') : badge('Public', 'public'),
      count,
      community.my_role ? ` · ${ROLE_LABELS[community.my_role]}` : '',
    ),
    community.description ? h('p', { class: 'description' }, community.description) : null,
    ...membershipActions(community, load),
  );
  return { element, showCount };
}

/**
 * The articles, first on the page, under a button that opens the form adding one
 * for those who may.
 * @param {Community} community
 * @param {boolean} readable
 */
async function articlesSection(community, readable) {
  // Focused when the summary above it is dismissed.
  const title = h('h2', { id: 'articles-title', tabindex: -1 }, 'Articles');
  const head = h('div', { class: 'section-head' }, title);
  const section = h('section', { 'aria-labelledby': 'articles-title', id: 'articles' }, head);
  if (!readable) {
    section.append(
      h(
        'p',
        { class: 'notice', role: 'status' },
        'This community is private: its articles and discussions are for members only.',
      ),
    );
    return section;
  }
  if (session) {
    const adding = disclosure({
      id: 'add-article',
      label: 'Add an article',
      content: submitArticleForm(community),
      panelClass: 'card',
    });
    head.append(adding.button);
    section.append(adding.panel);
  }
  try {
    /** @type {CommunityArticle[]} */
    const articles = await apiAll(`/api/communities/${community.id}/articles`);
    section.append(articleList(community, articles));
  } catch (error) {
    section.append(h('p', { class: 'form-error', role: 'alert' }, error.message));
  }
  return section;
}

/** @returns {Promise<Community>} */
function fetchCommunity() {
  return api(`/api/communities/by-slug/${encodeURIComponent(config.slug)}`);
}

async function load() {
  /** @type {Community} */
  let community;
  try {
    community = await fetchCommunity();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      fail('Community not found', 'There is no community at this address.');
    } else {
      fail('Something went wrong', error.message);
    }
    return;
  }
  await show(community);
}

/** @param {Community} community */
async function show(community) {
  stopRequests();
  stopRequests = () => {};
  shownCommunityId = community.id;
  shownRole = community.my_role;
  document.title = `${community.name} · Marginalia`;
  byId('crumb-community').textContent = community.name;
  const readable = community.type === 'public' || Boolean(community.my_role);
  const header = pageHeader(community);
  showMemberCount = header.showCount;
  const isAdmin = community.my_role === 'admin';
  // Who the members are is for members (and anyone, in a public community).
  const members = readable
    ? membersSection(community, {
      isAdmin, me: session?.user.id, onAdminsChanged: load, onCountChanged: header.showCount,
    })
    : null;
  // The articles come first: an admin's sections follow them, not the other way round.
  const [away, articles] = await Promise.all([
    awayPart(community), articlesSection(community, readable),
  ]);
  const parts = [header.element, away, articles];
  if (isAdmin && community.type === 'private') parts.push(requestsSection(community, members));
  if (members) {
    await members.loaded;
    parts.push(members.element);
  }
  if (isAdmin) parts.push(...adminSections(community));
  root.removeAttribute('aria-busy');
  // A render after an action keeps the keyboard focus where it was, when that control is
  // still here.
  const focused = document.activeElement;
  const focusedId = focused && root.contains(focused) ? focused.id : '';
  replaceChildren(root, ...parts);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

// Approved, added, given a role or removed while the page is open: it shows the change
// (the community opens, the controls come or go, members-only) and says what happened.
onOwnMembershipChanged(pageRealtime(config, session), () => shownCommunityId, async (text) => {
  // A poll replays the last seconds of signals: one the page already shows (a join just
  // before it opened) changes nothing, and must not redraw what the reader has open.
  const now = await fetchCommunity();
  if (now.my_role === shownRole) return;
  await show(now);
  root.prepend(h('p', { class: 'notice', role: 'status' }, text));
});

// Someone joined or left (a private community's members hear it): the count stays right.
pageRealtime(config, session)?.onSignal((signal) => {
  if (signal.type === 'members' && signal.data.community_id === shownCommunityId) {
    showMemberCount(signal.data.member_count);
  }
});

load();
// Back from an article, a page kept whole by the browser would still count it unread.
window.addEventListener('pageshow', (event) => {
  if (event.persisted && session) load();
});
