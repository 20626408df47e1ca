export { backoffDelay };
/** @typedef {import('./apply-event.js').RealtimeEvent} RealtimeEvent */
/**
 * Where the client stands:
 * - 'idle': not connected (before connect(), after disconnect());
 * - 'connecting': first registration and poll under way;
 * - 'connected': registered, the poll server answers, a poll is open;
 * - 'reconnecting': a failure; the next try is at nextRetryAt (null while trying);
 * - 'offline': the browser says it is offline; polling resumes when it is back online.
 * @typedef {'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline'} RealtimeState
 */
/**
 * This tab's part in polling:
 * - 'leader': it holds the lock and polls for every tab of this browser and user;
 * - 'follower': another tab polls; events and status arrive over BroadcastChannel;
 * - 'solo': Web Locks or BroadcastChannel missing: this tab polls alone.
 * @typedef {'leader' | 'follower' | 'solo'} RealtimeRole
 */
/**
 * @typedef {object} RealtimeStatusFields
 * @property {RealtimeState} state
 * @property {RealtimeRole | null} role
 * @property {number | null} nextRetryAt epoch milliseconds of the next retry while
 *   reconnecting, else null
 * @property {number} attempt failed attempts since the last success
 * @property {number} since epoch milliseconds when `state` last changed
 * @property {string | null} lastError
 */
/** @typedef {Readonly<RealtimeStatusFields>} RealtimeStatus */
/**
 * @typedef {object} EventInfo
 * @property {'server' | 'tab'} source 'server': from the poll server (possibly via the
 *   leader tab); 'tab': a sibling tab's own write
 */
/**
 * Why what the page holds may be incomplete: 'queue-expired' (404, registered again),
 * 'catchup' (catchup_required), 'registered' (the stream started after ready() gave up
 * waiting), 'resumed' (back from the back/forward cache).
 * @typedef {object} ResyncInfo
 * @property {'queue-expired' | 'catchup' | 'registered' | 'resumed' | string} reason
 */
/** @typedef {Error & {code?: string}} RealtimeError */
/**
 * The browser globals the client uses (env.js); tests replace them.
 * @typedef {object} RealtimeEnv
 * @property {typeof fetch} fetch
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: unknown) => void} clearTimeout
 * @property {() => number} now
 * @property {() => number} random
 * @property {EventTarget | null} window
 * @property {(EventTarget & {visibilityState?: string}) | null} document
 * @property {{onLine?: boolean, locks?: LockManager} | null} navigator
 * @property {typeof BroadcastChannel | null} BroadcastChannel
 * @property {typeof AbortController} AbortController
 * @property {Pick<Console, 'error'>} console
 * @property {() => string} makeId
 */
/**
 * @typedef {object} RealtimeClientOptions
 * @property {string} pollUrl base URL of the poll server, e.g. "http://localhost:8888"
 * @property {string} [apiBase] prefix of the API paths (default ""; same origin)
 * @property {(url: string, init: RequestInit) => Promise<Response>} [authFetch] fetch that
 *   adds the JWT and refreshes it on 401; used for register and heartbeat
 * @property {() => string | null | Promise<string | null>} [getAccessToken] alternative to
 *   authFetch: the current access token
 * @property {string | number} [userKey] scopes tab coordination: one poller per browser
 *   and userKey (use the user id)
 * @property {boolean} [multiTab] share one poller between tabs (default true)
 * @property {boolean} [signals] ask the poll for signals: presence, typing, join requests
 *   (default false)
 * @property {boolean} [notifications] ask the poll for the user's personal signals:
 *   notification, notifications_read (default false)
 * @property {number} [heartbeatMs] default 60000
 * @property {number} [pollTimeoutMs] abort a poll that got no answer after this long
 *   (default 65000)
 * @property {number} [backoffBaseMs] default 1000
 * @property {number} [backoffCapMs] default 30000
 * @property {number} [readyTimeoutMs] ready() resolves at the latest after this long
 *   (default 3000)
 * @property {number} [probeTimeoutMs] timeout of register, heartbeat and health requests
 *   (default 10000)
 * @property {number} [staleAfterHiddenMs] a tab hidden at least this long restarts its
 *   poll when shown again (default 10000)
 * @property {Partial<RealtimeEnv>} [env] replace browser globals (fetch, timers, window,
 *   document, navigator, ...) in tests
 */
/**
 * @typedef {object} RealtimeInspection
 * @property {boolean} connected
 * @property {boolean} running
 * @property {RealtimeRole | null} role
 * @property {string | null} queueId
 * @property {number} cursor
 * @property {number} timers
 * @property {number} domListeners
 * @property {number} lifecycleListeners
 * @property {boolean} polling
 * @property {number} requests
 * @property {boolean} channelOpen
 * @property {boolean} lockHeld
 * @property {boolean} lockRequested
 */
/** @typedef {() => void} Unsubscribe */
/**
 * A member as presence and typing show them.
 * @typedef {object} SignalUser
 * @property {number | null} id null when shown by the per-article pseudonym
 * @property {string} username
 * @property {boolean} [is_pseudonymous]
 */
/**
 * Who views an article now: a full snapshot, replacing any older one. `id` is the
 * signal's id ("<ms>-<seq>"); apply a snapshot only if its id is greater than the
 * `version` of what you hold. The sender is never told.
 * @typedef {object} PresenceSignal
 * @property {'presence'} type
 * @property {string} id
 * @property {{community_id: number, article_id: number, count: number,
 *   members: {id: number, username: string}[]}} data `count`: distinct members with a
 *   visible tab on the article; `members`: up to 20 of them
 */
/**
 * Someone is writing a reply in a discussion; show it for `expires_in` seconds.
 * @typedef {object} TypingSignal
 * @property {'typing'} type
 * @property {string} id
 * @property {{community_id: number, article_id: number, discussion_id: number,
 *   user: SignalUser, expires_in: number}} data
 */
/**
 * For a private community's admins only: its pending requests to join changed
 * (`pending` still wait); fetch the list again. Names no one.
 * @typedef {object} JoinRequestsSignal
 * @property {'join_requests'} type
 * @property {string} id
 * @property {{community_id: number, pending: number}} data
 */
/**
 * For the user it names, wherever they are: a line arrived in their inbox. A nudge
 * to fetch the inbox again (GET /api/notifications), which is the record.
 * `adds_unread` says whether it raised the unread count (false when it replaced a
 * line still unread).
 * @typedef {object} NotificationSignal
 * @property {'notification'} type
 * @property {string} id
 * @property {{kind: string, text: string, url: string, community_id: number,
 *   article_id: number | null, discussion_id: number | null, comment_id: number | null,
 *   adds_unread: boolean}} data
 */
/**
 * The user read notifications (in this tab or another): their unread count now.
 * @typedef {object} NotificationsReadSignal
 * @property {'notifications_read'} type
 * @property {string} id
 * @property {{unread_count: number}} data
 */
/**
 * Some of the user's logins ended: a page checks whether its own still lives.
 * @typedef {object} LoginsEndedSignal
 * @property {'logins_ended'} type
 * @property {string} id
 * @property {Record<string, never>} data
 */
/**
 * For a private community's members: how many they are now, after a join or a removal.
 * @typedef {object} MembersSignal
 * @property {'members'} type
 * @property {string} id
 * @property {{community_id: number, member_count: number}} data
 */
/**
 * Signals carry no event_id and never count as events.
 * @typedef {PresenceSignal | TypingSignal | JoinRequestsSignal | MembersSignal
 *   | NotificationSignal | NotificationsReadSignal | LoginsEndedSignal} RealtimeSignal
 */
export class RealtimeClient {
    /** @param {RealtimeClientOptions} options */
    constructor(options: RealtimeClientOptions);
    /**
     * The current status (a frozen object, replaced on every change).
     * @returns {RealtimeStatus}
     */
    get status(): RealtimeStatus;
    /**
     * The queue this browser polls (the leader's), or null before registration.
     * @returns {string | null}
     */
    get queueId(): string | null;
    /**
     * 'leader', 'follower', 'solo' or null when not connected.
     * @returns {RealtimeRole | null}
     */
    get role(): RealtimeRole | null;
    /** Start (idempotent). */
    connect(): void;
    /** Stop everything: poll, timers, listeners, channel, lock. Subscribers stay. */
    disconnect(): void;
    /**
     * Resolves once this tab knows where the event stream starts (queue
     * registered, or the leader tab told it), so data fetched afterwards misses
     * nothing; or after readyTimeoutMs / a failed first attempt, in which case a
     * "resync" follows when the stream starts.
     * @returns {Promise<void>}
     */
    ready(): Promise<void>;
    /**
     * @overload
     * @param {'event'} type
     * @param {(event: RealtimeEvent, info: EventInfo) => void} listener
     * @returns {Unsubscribe}
     */
    on(type: "event", listener: (event: RealtimeEvent, info: EventInfo) => void): Unsubscribe;
    /**
     * @overload
     * @param {'signal'} type
     * @param {(signal: RealtimeSignal) => void} listener
     * @returns {Unsubscribe}
     */
    on(type: "signal", listener: (signal: RealtimeSignal) => void): Unsubscribe;
    /**
     * @overload
     * @param {'status'} type
     * @param {(status: RealtimeStatus) => void} listener
     * @returns {Unsubscribe}
     */
    on(type: "status", listener: (status: RealtimeStatus) => void): Unsubscribe;
    /**
     * @overload
     * @param {'resync'} type
     * @param {(info: ResyncInfo) => void} listener
     * @returns {Unsubscribe}
     */
    on(type: "resync", listener: (info: ResyncInfo) => void): Unsubscribe;
    /**
     * @overload
     * @param {'error'} type
     * @param {(error: RealtimeError) => void} listener
     * @returns {Unsubscribe}
     */
    on(type: "error", listener: (error: RealtimeError) => void): Unsubscribe;
    /**
     * Listen to realtime events, each once, in event_id order: listener(event, {source}).
     * @param {(event: RealtimeEvent, info: EventInfo) => void} listener
     * @returns {Unsubscribe}
     */
    subscribe(listener: (event: RealtimeEvent, info: EventInfo) => void): Unsubscribe;
    /**
     * Listen to signals: listener(signal). Signals are short-lived state with no
     * event_id; presence, typing and join requests come only to a client created with
     * `signals: true`, the user's notification signals only with `notifications: true`.
     * @param {(signal: RealtimeSignal) => void} listener
     * @returns {Unsubscribe}
     */
    onSignal(listener: (signal: RealtimeSignal) => void): Unsubscribe;
    /**
     * Listen to status changes; the listener is called at once with the current status.
     * @param {(status: RealtimeStatus) => void} listener
     * @returns {Unsubscribe}
     */
    onStatus(listener: (status: RealtimeStatus) => void): Unsubscribe;
    /**
     * Headers to send with every write so the server spares this browser's queue the echo.
     * @returns {{'X-Realtime-Queue-Id': string}}
     */
    writeHeaders(): {
        "X-Realtime-Queue-Id": string;
    };
    /**
     * Pass an event made from this tab's own write to the user's other tabs in this browser.
     * @param {RealtimeEvent} event
     */
    shareLocalEvent(event: RealtimeEvent): void;
    /** Retry at once if waiting to reconnect (any tab may call it). */
    pollNow(): void;
    /**
     * Counts of what the client holds, for tests and debugging.
     * @returns {RealtimeInspection}
     */
    inspect(): RealtimeInspection;
    #private;
}
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient;
export type RealtimeEvent = import("./apply-event.js").RealtimeEvent;
/**
 * Where the client stands:
 * - 'idle': not connected (before connect(), after disconnect());
 * - 'connecting': first registration and poll under way;
 * - 'connected': registered, the poll server answers, a poll is open;
 * - 'reconnecting': a failure; the next try is at nextRetryAt (null while trying);
 * - 'offline': the browser says it is offline; polling resumes when it is back online.
 */
export type RealtimeState = "idle" | "connecting" | "connected" | "reconnecting" | "offline";
/**
 * This tab's part in polling:
 * - 'leader': it holds the lock and polls for every tab of this browser and user;
 * - 'follower': another tab polls; events and status arrive over BroadcastChannel;
 * - 'solo': Web Locks or BroadcastChannel missing: this tab polls alone.
 */
export type RealtimeRole = "leader" | "follower" | "solo";
export type RealtimeStatusFields = {
    state: RealtimeState;
    role: RealtimeRole | null;
    /**
     * epoch milliseconds of the next retry while
     * reconnecting, else null
     */
    nextRetryAt: number | null;
    /**
     * failed attempts since the last success
     */
    attempt: number;
    /**
     * epoch milliseconds when `state` last changed
     */
    since: number;
    lastError: string | null;
};
export type RealtimeStatus = Readonly<RealtimeStatusFields>;
export type EventInfo = {
    /**
     * 'server': from the poll server (possibly via the
     * leader tab); 'tab': a sibling tab's own write
     */
    source: "server" | "tab";
};
/**
 * Why what the page holds may be incomplete: 'queue-expired' (404, registered again),
 * 'catchup' (catchup_required), 'registered' (the stream started after ready() gave up
 * waiting), 'resumed' (back from the back/forward cache).
 */
export type ResyncInfo = {
    reason: "queue-expired" | "catchup" | "registered" | "resumed" | string;
};
export type RealtimeError = Error & {
    code?: string;
};
/**
 * The browser globals the client uses (env.js); tests replace them.
 */
export type RealtimeEnv = {
    fetch: typeof fetch;
    setTimeout: (fn: () => void, ms: number) => unknown;
    clearTimeout: (handle: unknown) => void;
    now: () => number;
    random: () => number;
    window: EventTarget | null;
    document: (EventTarget & {
        visibilityState?: string;
    }) | null;
    navigator: {
        onLine?: boolean;
        locks?: LockManager;
    } | null;
    BroadcastChannel: typeof BroadcastChannel | null;
    AbortController: typeof AbortController;
    console: Pick<Console, "error">;
    makeId: () => string;
};
export type RealtimeClientOptions = {
    /**
     * base URL of the poll server, e.g. "http://localhost:8888"
     */
    pollUrl: string;
    /**
     * prefix of the API paths (default ""; same origin)
     */
    apiBase?: string | undefined;
    /**
     * fetch that
     * adds the JWT and refreshes it on 401; used for register and heartbeat
     */
    authFetch?: ((url: string, init: RequestInit) => Promise<Response>) | undefined;
    /**
     * alternative to
     * authFetch: the current access token
     */
    getAccessToken?: (() => string | null | Promise<string | null>) | undefined;
    /**
     * scopes tab coordination: one poller per browser
     * and userKey (use the user id)
     */
    userKey?: string | number | undefined;
    /**
     * share one poller between tabs (default true)
     */
    multiTab?: boolean | undefined;
    /**
     * ask the poll for signals: presence, typing, join requests
     * (default false)
     */
    signals?: boolean | undefined;
    /**
     * ask the poll for the user's personal signals:
     * notification, notifications_read (default false)
     */
    notifications?: boolean | undefined;
    /**
     * default 60000
     */
    heartbeatMs?: number | undefined;
    /**
     * abort a poll that got no answer after this long
     * (default 65000)
     */
    pollTimeoutMs?: number | undefined;
    /**
     * default 1000
     */
    backoffBaseMs?: number | undefined;
    /**
     * default 30000
     */
    backoffCapMs?: number | undefined;
    /**
     * ready() resolves at the latest after this long
     * (default 3000)
     */
    readyTimeoutMs?: number | undefined;
    /**
     * timeout of register, heartbeat and health requests
     * (default 10000)
     */
    probeTimeoutMs?: number | undefined;
    /**
     * a tab hidden at least this long restarts its
     * poll when shown again (default 10000)
     */
    staleAfterHiddenMs?: number | undefined;
    /**
     * replace browser globals (fetch, timers, window,
     * document, navigator, ...) in tests
     */
    env?: Partial<RealtimeEnv> | undefined;
};
export type RealtimeInspection = {
    connected: boolean;
    running: boolean;
    role: RealtimeRole | null;
    queueId: string | null;
    cursor: number;
    timers: number;
    domListeners: number;
    lifecycleListeners: number;
    polling: boolean;
    requests: number;
    channelOpen: boolean;
    lockHeld: boolean;
    lockRequested: boolean;
};
export type Unsubscribe = () => void;
/**
 * A member as presence and typing show them.
 */
export type SignalUser = {
    /**
     * null when shown by the per-article pseudonym
     */
    id: number | null;
    username: string;
    is_pseudonymous?: boolean | undefined;
};
/**
 * Who views an article now: a full snapshot, replacing any older one. `id` is the
 * signal's id ("<ms>-<seq>"); apply a snapshot only if its id is greater than the
 * `version` of what you hold. The sender is never told.
 */
export type PresenceSignal = {
    type: "presence";
    id: string;
    /**
     * `count`: distinct members with a
     * visible tab on the article; `members`: up to 20 of them
     */
    data: {
        community_id: number;
        article_id: number;
        count: number;
        members: {
            id: number;
            username: string;
        }[];
    };
};
/**
 * Someone is writing a reply in a discussion; show it for `expires_in` seconds.
 */
export type TypingSignal = {
    type: "typing";
    id: string;
    data: {
        community_id: number;
        article_id: number;
        discussion_id: number;
        user: SignalUser;
        expires_in: number;
    };
};
/**
 * For a private community's admins only: its pending requests to join changed
 * (`pending` still wait); fetch the list again. Names no one.
 */
export type JoinRequestsSignal = {
    type: "join_requests";
    id: string;
    data: {
        community_id: number;
        pending: number;
    };
};
/**
 * For the user it names, wherever they are: a line arrived in their inbox. A nudge
 * to fetch the inbox again (GET /api/notifications), which is the record.
 * `adds_unread` says whether it raised the unread count (false when it replaced a
 * line still unread).
 */
export type NotificationSignal = {
    type: "notification";
    id: string;
    data: {
        kind: string;
        text: string;
        url: string;
        community_id: number;
        article_id: number | null;
        discussion_id: number | null;
        comment_id: number | null;
        adds_unread: boolean;
    };
};
/**
 * The user read notifications (in this tab or another): their unread count now.
 */
export type NotificationsReadSignal = {
    type: "notifications_read";
    id: string;
    data: {
        unread_count: number;
    };
};
/**
 * Some of the user's logins ended: a page checks whether its own still lives.
 */
export type LoginsEndedSignal = {
    type: "logins_ended";
    id: string;
    data: Record<string, never>;
};
/**
 * For a private community's members: how many they are now, after a join or a removal.
 */
export type MembersSignal = {
    type: "members";
    id: string;
    data: {
        community_id: number;
        member_count: number;
    };
};
/**
 * Signals carry no event_id and never count as events.
 */
export type RealtimeSignal = PresenceSignal | TypingSignal | JoinRequestsSignal | MembersSignal | NotificationSignal | NotificationsReadSignal | LoginsEndedSignal;
import { backoffDelay } from './backoff.js';
