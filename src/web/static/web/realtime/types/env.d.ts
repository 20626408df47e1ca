/**
 * The browser globals the realtime client uses, gathered in one object so
 * that tests can replace any of them (options.env).
 */
/** @import { RealtimeEnv } from './client.js' */
/** A random URL-safe id of 128 bits (tab ids, the placeholder queue id). */
export function randomId(): string;
/** @returns {RealtimeEnv} */
export function browserEnv(): RealtimeEnv;
import type { RealtimeEnv } from './client.js';
