/**
 * The browser globals the realtime client uses, gathered in one object so
 * that tests can replace any of them (options.env).
 */

/** @import { RealtimeEnv } from './client.js' */

/** A random URL-safe id of 128 bits (tab ids, the placeholder queue id). */
export function randomId() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @returns {RealtimeEnv} */
export function browserEnv() {
  const g = globalThis;
  return {
    fetch: (...args) => g.fetch(...args),
    setTimeout: (fn, ms) => g.setTimeout(fn, ms),
    clearTimeout: (handle) => g.clearTimeout(/** @type {number} */ (handle)),
    now: () => Date.now(),
    random: () => Math.random(),
    window: g.window ?? null,
    document: g.document ?? null,
    navigator: g.navigator ?? null,
    BroadcastChannel: g.BroadcastChannel ?? null,
    AbortController: g.AbortController,
    console: g.console,
    makeId: randomId,
  };
}
