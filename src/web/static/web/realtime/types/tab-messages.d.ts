/**
 * @param {TabMessageParts} parts
 * @returns {(message: TabMessage) => void}
 */
export function tabMessageHandler(parts: TabMessageParts): (message: TabMessage) => void;
export type TabMessageParts = {
    tabs: TabLeadership;
    cursor: EventCursor;
    status: StatusTracker;
    poller: LeaderPoller;
    cursorKnown: (reason: string, gap: boolean) => void;
    deliver: (event: RealtimeEvent, source: "server" | "tab") => void;
    deliverSignals: (signals: unknown) => void;
};
import type { TabMessage } from './leadership.js';
import type { TabLeadership } from './leadership.js';
import type { EventCursor } from './cursor.js';
import type { StatusTracker } from './status.js';
import type { LeaderPoller } from './leader-loop.js';
import type { RealtimeEvent } from './apply-event.js';
