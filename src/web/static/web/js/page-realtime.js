/**
 * The page's one realtime client for the signed-in person. Every page asks for the same
 * (signals and notifications), so the tabs of one person share one poll whichever of
 * them leads (realtime/README.md); the article and community pages follow their events
 * and signals through it, the bell its notifications.
 */

import { createRealtimeClient } from '../realtime/client.js';
import { authFetch } from './api.js';

/** @typedef {import('../realtime/client').RealtimeClient} RealtimeClient */

/** @type {RealtimeClient | null} */
let client = null;

/**
 * The client, made at the first call; null when nobody is signed in.
 * @param {Record<string, any>} config the page's
 * @param {{user: {id: number}} | null} session
 */
export function pageRealtime(config, session) {
  if (client === null && session) {
    client = createRealtimeClient({
      pollUrl: config.realtimeUrl,
      authFetch,
      userKey: session.user.id,
      signals: true,
      notifications: true,
    });
  }
  return client;
}
