/**
 * The unread count as the realtime signals move it: a new line adds one, a line that
 * gathered one more comment into itself adds none, and reading anywhere (another tab,
 * another device) says the count outright. Pure, so it is tested without a page.
 */

/** @typedef {import('../../realtime/client').RealtimeSignal} RealtimeSignal */

/**
 * Whether signal id `id` ("1700000000000-3") comes after `cursor`; null: after anything.
 * @param {string} id
 * @param {string | null} cursor
 */
export function isAfter(id, cursor) {
  if (cursor === null) return true;
  const [ms, seq] = id.split('-').map(Number);
  const [cursorMs, cursorSeq] = cursor.split('-').map(Number);
  return ms > cursorMs || (ms === cursorMs && (seq || 0) > (cursorSeq || 0));
}

/**
 * The count after a signal: the same count for a signal that is not about the inbox,
 * or that the count already includes (at or before `countedUpTo`, the answer's
 * signal_cursor: a poll replays its last seconds of signals).
 * @param {number} count
 * @param {RealtimeSignal} signal
 * @param {string | null} countedUpTo
 */
export function countAfter(count, signal, countedUpTo) {
  if (!isAfter(signal.id, countedUpTo)) return count;
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

/**
 * A new title for a page whose title changes while it is open (a new search), keeping
 * the count the bell put in front of the current one.
 * @param {string} current the tab's title now
 * @param {string} title
 */
export function retitled(current, title) {
  const count = /^\(\d+\+?\) /.exec(current);
  return count ? `${count[0]}${title}` : title;
}
