/**
 * Exponential backoff with full jitter: a delay drawn uniformly from
 * [0, min(cap, base * 2^attempt)). attempt 0 waits up to 1 s, then 2, 4, 8, 16,
 * 30, 30, ... seconds with the defaults. Spreading retries over the whole
 * window keeps thousands of clients from reconnecting in lockstep after an
 * outage.
 *
 * @param {number} attempt 0 for the first retry
 * @param {{baseMs?: number, capMs?: number, random?: () => number}} [options]
 * @returns {number} milliseconds
 */
export const backoffDelay = (
  attempt,
  { baseMs = 1000, capMs = 30000, random = Math.random } = {},
) => {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
};
