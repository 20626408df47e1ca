// A minimal front end written only to the seed's requirements (shared/seed), served
// from an origin of its own, the way the seed's Next.js front end calls us:
// register -> poll -> apply, 404 -> register again, catchup_required -> refetch,
// deleted_* -> remove from the UI. It reads discussion.user and comment.author, as
// that front end does: a comment's author.username and author.profile_pic_url with no
// null check, so a comment without an author object would throw here as it does there.
// Configuration comes in the URL fragment.

const config = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
const articleId = Number(config.article);
const communityId = Number(config.community);
const auth = { Authorization: `Bearer ${config.token}` };

const seed = {
  events: [], // every event received for this article, as received
  registrations: 0,
  catchups: 0,
  notFound: 0,
  errors: [],
  queueId: null,
  lastEventId: 0,
  discussions: new Map(), // id -> discussion
  comments: new Map(), // id -> comment
  polling: false,
};
window.seed = seed;

async function api(path, options = {}) {
  const response = await fetch(`${config.api}${path}`, {
    ...options,
    headers: { ...auth, ...(options.body ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
  });
  if (!response.ok) throw Object.assign(new Error(`${path}: ${response.status}`), { status: response.status });
  return response.status === 204 ? null : response.json();
}

async function fetchAll() {
  const discussions = await api(`/api/communities/${communityId}/articles/${articleId}/discussions?limit=100`);
  seed.discussions = new Map(discussions.items.map((d) => [d.id, d]));
  seed.comments = new Map();
  for (const d of discussions.items) {
    const comments = await api(`/api/discussions/${d.id}/comments`);
    for (const c of comments.items) seed.comments.set(c.id, c);
  }
  render();
}

async function register() {
  const answer = await api('/api/realtime/register', { method: 'POST' });
  seed.registrations += 1;
  seed.queueId = answer.queue_id;
  seed.lastEventId = answer.last_event_id;
}

function removeComment(id) {
  seed.comments.delete(id);
  for (const c of [...seed.comments.values()]) if (c.parent_id === id) removeComment(c.id);
}

function apply(event) {
  // "Only process events for the current article/community."
  if (event.data.article_id !== articleId || !event.community_ids.includes(communityId)) return;
  seed.events.push(event);
  const { discussion, comment } = event.data;
  switch (event.type) {
    case 'new_discussion':
    case 'updated_discussion':
      seed.discussions.set(discussion.id, discussion);
      break;
    case 'deleted_discussion':
      seed.discussions.delete(event.data.discussion_id ?? discussion.id);
      for (const c of [...seed.comments.values()]) {
        if (c.discussion_id === (event.data.discussion_id ?? discussion.id)) seed.comments.delete(c.id);
      }
      break;
    case 'new_comment':
    case 'updated_comment':
      seed.comments.set(comment.id, comment);
      break;
    case 'deleted_comment':
      removeComment(event.data.comment_id ?? comment.id);
      break;
  }
}

function render() {
  const list = document.getElementById('discussions');
  list.replaceChildren(
    ...[...seed.discussions.values()].map((d) => {
      const item = document.createElement('li');
      item.dataset.discussionId = d.id;
      item.textContent = `${d.topic} by ${d.user?.username ?? 'Unknown user'}`;
      const comments = document.createElement('ul');
      for (const c of seed.comments.values()) {
        if (c.discussion_id !== d.id) continue;
        const line = document.createElement('li');
        line.dataset.commentId = c.id;
        const avatar = c.author.profile_pic_url ?? c.author.username.slice(0, 1).toUpperCase();
        line.textContent = `${avatar} ${c.author.username}: ${c.content}`;
        comments.append(line);
      }
      item.append(comments);
      return item;
    }),
  );
}

async function pollForever() {
  seed.polling = true;
  let delay = 500;
  for (;;) {
    try {
      const url = `${config.realtime}/realtime/poll?queue_id=${encodeURIComponent(seed.queueId)}&last_event_id=${seed.lastEventId}`;
      const response = await fetch(url); // no Authorization: the queue id is the capability
      if (response.status === 404) {
        seed.notFound += 1;
        await register();
        continue;
      }
      if (!response.ok) throw new Error(`poll: ${response.status}`);
      const answer = await response.json();
      if (answer.catchup_required) {
        seed.catchups += 1;
        await fetchAll();
      } else {
        for (const event of answer.events) apply(event);
        render();
      }
      seed.lastEventId = answer.last_event_id;
      document.getElementById('status').textContent = 'connected';
      delay = 500;
    } catch (error) {
      seed.errors.push(String(error));
      document.getElementById('status').textContent = 'reconnecting';
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

// Writes as a page would make them, naming its queue so that it is spared the echo.
window.seedComment = (discussionId, content) =>
  api(`/api/discussions/${discussionId}/comments`, {
    method: 'POST',
    body: JSON.stringify({ content }),
    headers: { 'X-Realtime-Queue-Id': seed.queueId },
  });

(async () => {
  try {
    await register();
    await fetchAll();
    pollForever();
  } catch (error) {
    seed.errors.push(String(error));
    document.getElementById('status').textContent = `failed: ${error}`;
  }
})();
