import type { RealtimeEvent } from './apply-event';

export type { RealtimeEvent } from './apply-event';

export type RealtimeState =
  /** not connected (before connect(), after disconnect()) */
  | 'idle'
  /** first registration and poll under way */
  | 'connecting'
  /** registered, the poll server answers, a poll is open */
  | 'connected'
  /** a failure; the next try is at nextRetryAt (null while trying) */
  | 'reconnecting'
  /** the browser says it is offline; polling resumes when it is back online */
  | 'offline';

export type RealtimeRole =
  /** this tab holds the lock and polls for every tab of this browser and user */
  | 'leader'
  /** another tab polls; events and status arrive over BroadcastChannel */
  | 'follower'
  /** Web Locks or BroadcastChannel missing: this tab polls alone */
  | 'solo';

export interface RealtimeStatus {
  readonly state: RealtimeState;
  readonly role: RealtimeRole | null;
  /** epoch milliseconds of the next retry while reconnecting, else null */
  readonly nextRetryAt: number | null;
  /** failed attempts since the last success */
  readonly attempt: number;
  /** epoch milliseconds when `state` last changed */
  readonly since: number;
  readonly lastError: string | null;
}

export interface EventInfo {
  /** 'server': from the poll server (possibly via the leader tab); 'tab': a sibling tab's own write */
  source: 'server' | 'tab';
}

export interface ResyncInfo {
  /**
   * Why what the page holds may be incomplete: 'queue-expired' (404, registered
   * again), 'catchup' (catchup_required), 'registered' (the stream started after
   * ready() gave up waiting), 'resumed' (back from the back/forward cache).
   */
  reason: 'queue-expired' | 'catchup' | 'registered' | 'resumed' | string;
}

export interface RealtimeClientOptions {
  /** Base URL of the poll server, e.g. "http://localhost:8888". */
  pollUrl: string;
  /** Prefix of the API paths (default ""; same origin). */
  apiBase?: string;
  /** fetch that adds the JWT and refreshes it on 401; used for register and heartbeat. */
  authFetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Alternative to authFetch: the current access token. */
  getAccessToken?: () => string | null | Promise<string | null>;
  /** Scopes tab coordination: one poller per browser and userKey (use the user id). */
  userKey?: string | number;
  /** Share one poller between tabs (default true). */
  multiTab?: boolean;
  /** Ask the poll for signals: presence, typing, join requests (default false). */
  signals?: boolean;
  /** default 60000 */
  heartbeatMs?: number;
  /** abort a poll that got no answer after this long (default 65000) */
  pollTimeoutMs?: number;
  /** default 1000 */
  backoffBaseMs?: number;
  /** default 30000 */
  backoffCapMs?: number;
  /** ready() resolves at the latest after this long (default 3000) */
  readyTimeoutMs?: number;
  /** timeout of register, heartbeat and health requests (default 10000) */
  probeTimeoutMs?: number;
  /** a tab hidden at least this long restarts its poll when shown again (default 10000) */
  staleAfterHiddenMs?: number;
  /** Replace browser globals (fetch, timers, window, document, navigator, ...) in tests. */
  env?: Partial<RealtimeEnv>;
}

export interface RealtimeEnv {
  fetch: typeof fetch;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  now: () => number;
  random: () => number;
  window: EventTarget | null;
  document: (EventTarget & { visibilityState?: string }) | null;
  navigator: { onLine?: boolean; locks?: LockManager } | null;
  BroadcastChannel: typeof BroadcastChannel | null;
  AbortController: typeof AbortController;
  console: Pick<Console, 'error'>;
  makeId: () => string;
}

export interface RealtimeInspection {
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
}

export type Unsubscribe = () => void;

/** A member as presence and typing show them. */
export interface SignalUser {
  /** null when shown by the per-article pseudonym */
  id: number | null;
  username: string;
  is_pseudonymous?: boolean;
}

/**
 * Who views an article now: a full snapshot, replacing any older one. `id`
 * is the signal's id ("<ms>-<seq>"); apply a snapshot only if its id is
 * greater than the `version` of what you hold. The sender is never told.
 */
export interface PresenceSignal {
  type: 'presence';
  id: string;
  data: {
    community_id: number;
    article_id: number;
    /** distinct members with a visible tab on the article */
    count: number;
    /** up to 20 of them */
    members: { id: number; username: string }[];
  };
}

/** Someone is writing a reply in a discussion; show it for `expires_in` seconds. */
export interface TypingSignal {
  type: 'typing';
  id: string;
  data: {
    community_id: number;
    article_id: number;
    discussion_id: number;
    user: SignalUser;
    expires_in: number;
  };
}

/**
 * For a private community's admins only: its pending requests to join changed
 * (`pending` still wait); fetch the list again. Names no one.
 */
export interface JoinRequestsSignal {
  type: 'join_requests';
  id: string;
  data: {
    community_id: number;
    pending: number;
  };
}

/** Signals carry no event_id and never count as events. */
export type RealtimeSignal = PresenceSignal | TypingSignal | JoinRequestsSignal;

export class RealtimeClient {
  constructor(options: RealtimeClientOptions);
  /** Current status; a new frozen object on every change. */
  readonly status: RealtimeStatus;
  /** The queue this browser polls (the leader's), or null. */
  readonly queueId: string | null;
  readonly role: RealtimeRole | null;
  /** Start: elect a leader, register, poll. Idempotent. */
  connect(): void;
  /** Stop and release everything; subscribers are kept. */
  disconnect(): void;
  /** Resolves when data fetched from now on misses no event (or after readyTimeoutMs). */
  ready(): Promise<void>;
  on(type: 'event', listener: (event: RealtimeEvent, info: EventInfo) => void): Unsubscribe;
  on(type: 'signal', listener: (signal: RealtimeSignal) => void): Unsubscribe;
  on(type: 'status', listener: (status: RealtimeStatus) => void): Unsubscribe;
  on(type: 'resync', listener: (info: ResyncInfo) => void): Unsubscribe;
  on(type: 'error', listener: (error: Error & { code?: string }) => void): Unsubscribe;
  /** Realtime events, each once, in event_id order. */
  subscribe(listener: (event: RealtimeEvent, info: EventInfo) => void): Unsubscribe;
  /** Signals (with `signals: true`): presence, typing, join requests. */
  onSignal(listener: (signal: RealtimeSignal) => void): Unsubscribe;
  /** Status changes; called at once with the current status. */
  onStatus(listener: (status: RealtimeStatus) => void): Unsubscribe;
  /** `{"X-Realtime-Queue-Id": ...}` for every write request. */
  writeHeaders(): { 'X-Realtime-Queue-Id': string };
  /** Give the user's other tabs an event built from this tab's own write. */
  shareLocalEvent(event: RealtimeEvent): void;
  /** Retry now if waiting to reconnect. */
  pollNow(): void;
  /** What the client holds (timers, listeners, requests, lock), for tests. */
  inspect(): RealtimeInspection;
}

export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient;

/** Full-jitter exponential backoff: uniform in [0, min(capMs, baseMs * 2^attempt)). */
export function backoffDelay(
  attempt: number,
  options?: { baseMs?: number; capMs?: number; random?: () => number },
): number;
