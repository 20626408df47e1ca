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

/** @typedef {import('../../realtime/client').TypingSignal} TypingSignal */
/** @typedef {(discussionId: number, options: {pseudonymous: boolean}) => void} Keystroke */

/** @param {string[]} names */
export function typingText(names) {
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/**
 * @param {object} options
 * @param {(discussionId: number, options: {pseudonymous: boolean}) => Promise<unknown>}
 *   options.send
 * @param {number} [options.intervalMs]
 * @param {() => number} [options.now]
 * @returns {Keystroke} call on each keystroke
 */
export function createTypingReporter({ send, intervalMs = 3000, now = () => Date.now() }) {
  /** @type {Map<number, number>} discussion id -> when */
  const lastSent = new Map();
  return function keystroke(discussionId, { pseudonymous }) {
    const last = lastSent.get(discussionId);
    if (last !== undefined && now() - last < intervalMs) return;
    lastSent.set(discussionId, now());
    send(discussionId, { pseudonymous }).catch(() => {
      // An indicator is a nicety: never bother the writer with its failure.
    });
  };
}

/**
 * Who is writing in which discussion, from `typing` signals.
 * @param {object} options
 * @param {number} options.articleId
 * @param {(discussionId: number, names: string[]) => void} options.onChange
 */
export function createTypingIndicators({ articleId, onChange }) {
  /** @type {Map<number, Map<string, ReturnType<typeof setTimeout>>>} discussion → user → timer */
  const typists = new Map();

  /** @param {number} discussionId */
  const changed = (discussionId) =>
    onChange(discussionId, [...(typists.get(discussionId)?.keys() ?? [])]);

  /**
   * @param {number} discussionId
   * @param {string} username
   */
  function stopShowing(discussionId, username) {
    const users = typists.get(discussionId);
    if (!users?.has(username)) return;
    clearTimeout(users.get(username));
    users.delete(username);
    if (!users.size) typists.delete(discussionId);
    changed(discussionId);
  }

  return {
    /**
     * A `typing` signal from the realtime client.
     * @param {TypingSignal} signal
     */
    signal({ data }) {
      if (data.article_id !== articleId) return;
      const { discussion_id: discussionId, user } = data;
      const users = typists.get(discussionId) ?? new Map();
      typists.set(discussionId, users);
      clearTimeout(users.get(user.username));
      const expire = () => stopShowing(discussionId, user.username);
      users.set(user.username, setTimeout(expire, data.expires_in * 1000));
      changed(discussionId);
    },
    /**
     * The user's comment arrived: they are done typing it.
     * @param {number} discussionId
     * @param {string} username
     */
    commented(discussionId, username) {
      stopShowing(discussionId, username);
    },
    destroy() {
      for (const users of typists.values()) for (const timer of users.values()) clearTimeout(timer);
      typists.clear();
    },
  };
}
