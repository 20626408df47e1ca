/**
 * What a message from a sibling tab does in this one. The polling tab
 * answers a newcomer's hello with the state and wakes on a poke; the others
 * follow the leader's queue, cursor, status, events and signals. Events
 * from a sibling's own write reach every tab.
 */

/** @import { RealtimeStatus } from './client.js' */
/** @import { TabMessage, TabLeadership } from './leadership.js' */
/** @import { EventCursor } from './cursor.js' */
/** @import { StatusTracker } from './status.js' */
/** @import { LeaderPoller } from './leader-loop.js' */
/** @import { RealtimeEvent } from './apply-event.js' */

/**
 * @typedef {object} TabMessageParts
 * @property {TabLeadership} tabs
 * @property {EventCursor} cursor
 * @property {StatusTracker} status
 * @property {LeaderPoller} poller
 * @property {(reason: string, gap: boolean) => void} cursorKnown
 * @property {(event: RealtimeEvent, source: 'server' | 'tab') => void} deliver
 * @property {(signals: unknown) => void} deliverSignals
 */

/**
 * The polling tab's state, for a tab that just opened.
 * @param {TabMessageParts} parts
 */
function postState({ tabs, cursor, status }) {
  tabs.post({
    kind: 'state',
    queueId: cursor.queueId,
    cursor: cursor.cursor,
    signalCursor: cursor.signalCursor,
    status: status.current,
  });
}

/**
 * @param {StatusTracker} status
 * @param {RealtimeStatus} leaders the leader's status
 */
function mirrorStatus(status, leaders) {
  if (!leaders || typeof leaders.state !== 'string') return;
  status.set({
    state: leaders.state,
    nextRetryAt: leaders.nextRetryAt ?? null,
    attempt: leaders.attempt ?? 0,
    lastError: leaders.lastError ?? null,
    role: 'follower',
  });
}

/**
 * @param {TabMessageParts} parts
 * @returns {(message: TabMessage) => void}
 */
export function tabMessageHandler(parts) {
  const { tabs, cursor, status, poller, cursorKnown, deliver, deliverSignals } = parts;
  return (message) => {
    const leader = tabs.polls;
    switch (message.kind) {
      case 'hello':
        if (leader) postState(parts);
        break;
      case 'poke':
        if (leader) poller.poke(Boolean(message.stale));
        break;
      case 'state':
        if (!leader) {
          cursor.adopt(message);
          mirrorStatus(status, message.status);
          if (message.queueId) cursorKnown('joined', false);
        }
        break;
      case 'status':
        if (!leader) mirrorStatus(status, message.status);
        break;
      case 'events':
        if (!leader) {
          cursor.adopt(message);
          if (Array.isArray(message.events)) {
            for (const event of cursor.fresh(message.events)) deliver(event, 'server');
          }
        }
        break;
      case 'signals':
        if (!leader) {
          cursor.adopt(message);
          deliverSignals(message.signals);
        }
        break;
      case 'resync':
        if (!leader) {
          cursor.adopt(message);
          cursor.restartAtCursor();
          cursorKnown(message.reason, true);
        }
        break;
      case 'local':
        if (message.event && typeof message.event === 'object') deliver(message.event, 'tab');
        break;
      default:
        break;
    }
  };
}
