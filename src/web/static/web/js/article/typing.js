/**
 * "Alice is typing…" under a discussion.
 *
 * Sending: a keystroke in a comment form reports at most once per
 * `intervalMs` per discussion; the server also throttles, and the indicator
 * expires on its own, so nothing is sent when typing stops.
 * Showing: each `typing` signal shows its user under the discussion for
 * `expires_in` seconds (a new signal restarts the clock); a comment by that
 * user in that discussion ends it at once. The server never sends a typist
 * their own signal, and a pseudonymous reply is announced by pseudonym.
 */

export function typingText(names) {
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

export function createTypingReporter({ send, intervalMs = 3000, now = () => Date.now() }) {
  const lastSent = new Map(); // discussion id -> when
  return function keystroke(discussionId, { pseudonymous }) {
    const last = lastSent.get(discussionId);
    if (last !== undefined && now() - last < intervalMs) return;
    lastSent.set(discussionId, now());
    send(discussionId, { pseudonymous }).catch(() => {
      // An indicator is a nicety: never bother the writer with its failure.
    });
  };
}

export function createTypingIndicators({ lineFor, articleId }) {
  const typists = new Map(); // discussion id -> Map(username -> timer)

  function render(discussionId) {
    const line = lineFor(discussionId);
    const names = [...(typists.get(discussionId)?.keys() ?? [])];
    if (!line) return;
    line.textContent = names.length ? typingText(names) : '';
    line.hidden = names.length === 0;
  }

  function stopShowing(discussionId, username) {
    const users = typists.get(discussionId);
    if (!users?.has(username)) return;
    clearTimeout(users.get(username));
    users.delete(username);
    if (!users.size) typists.delete(discussionId);
    render(discussionId);
  }

  return {
    /** A `typing` signal from the realtime client. */
    signal({ data }) {
      if (data.article_id !== articleId) return;
      const { discussion_id: discussionId, user } = data;
      const users = typists.get(discussionId) ?? new Map();
      typists.set(discussionId, users);
      clearTimeout(users.get(user.username));
      users.set(user.username, setTimeout(() => stopShowing(discussionId, user.username), data.expires_in * 1000));
      render(discussionId);
    },
    /** The user's comment arrived: they are done typing it. */
    commented(discussionId, username) {
      stopShowing(discussionId, username);
    },
    destroy() {
      for (const users of typists.values()) for (const timer of users.values()) clearTimeout(timer);
      typists.clear();
    },
  };
}
