/** Retry timing: exponential backoff with full jitter, and the server's own wait hints. */

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Full jitter (AWS): a uniform wait in [0, min(max, base·2^retry)), so retrying clients spread out. */
export function fullJitterDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.floor(random() * ceiling);
}

/**
 * How long the server asked us to wait, in ms: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (an ISO time); undefined when neither is there or readable.
 */
export function serverWaitMs(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset) {
    const at = /^\d+$/.test(reset) ? Number(reset) * (reset.length <= 10 ? 1000 : 1) : Date.parse(reset);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  return undefined;
}
