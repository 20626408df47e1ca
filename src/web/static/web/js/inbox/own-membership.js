/**
 * The reader's own membership of a community changed (approved, added, a new role,
 * removed): the inbox line's personal signal tells every open page of theirs, and a
 * page about that community shows the change without a reload.
 */

/** @typedef {import('../../realtime/client').RealtimeClient} RealtimeClient */

const MEMBERSHIP_KINDS = new Set(['join_approved', 'join_rejected', 'added', 'role_changed',
  'removed']);

/**
 * Call `changed(text)` (the line's words) when the reader's membership of the community
 * `communityId()` names changes; `communityId` is read at each signal (null: none yet).
 * @param {RealtimeClient | null} client the page's (page-realtime.js)
 * @param {() => number | null | undefined} communityId
 * @param {(text: string) => void} changed
 */
export function onOwnMembershipChanged(client, communityId, changed) {
  client?.onSignal((signal) => {
    if (signal.type !== 'notification' || !MEMBERSHIP_KINDS.has(signal.data.kind)) return;
    if (signal.data.community_id === communityId()) changed(signal.data.text);
  });
}
