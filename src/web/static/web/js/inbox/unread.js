/**
 * The unread count as the realtime signals move it: a new line adds one, a line that
 * gathered one more comment into itself adds none, and reading anywhere (another tab,
 * another device) says the count outright. Pure, so it is tested without a page.
 */

/**
 * @typedef {object} PersonalSignal
 * @property {string} type 'notification' | 'notifications_read' (others are not personal)
 * @property {{adds_unread?: boolean, unread_count?: number}} data
 */

/**
 * The count after a signal; the same count for a signal that is not about the inbox.
 * @param {number} count
 * @param {PersonalSignal} signal
 */
export function countAfter(count, signal) {
  if (signal.type === 'notification') return signal.data.adds_unread ? count + 1 : count;
  if (signal.type === 'notifications_read' && typeof signal.data.unread_count === 'number') {
    return signal.data.unread_count;
  }
  return count;
}

/**
 * The tab's title with the count in front ("(3) Marginalia"), or without one at 0.
 * @param {string} title
 * @param {number} count
 */
export function titleWithCount(title, count) {
  const bare = title.replace(/^\(\d+\+?\) /, '');
  if (count <= 0) return bare;
  return `(${count > 99 ? '99+' : count}) ${bare}`;
}
