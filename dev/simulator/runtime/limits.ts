import { seededRandom } from '../data/random';

/** Faults a test switches on: rates are per request, decided by a seeded PRNG. */
export interface FaultConfig {
  errorRate5xx: number;
  rateLimit429Rate: number;
  resetRate: number;
  truncateRate: number;
  slowRate: number;
  slowMs: number;
  /** An edited issue shows in search with its old version until this long after the edit. */
  searchIndexLagMs: number;
  /** Share of the issues an `issue/bulkfetch` asks for that come back in `issueErrors` (a retriable error) instead. */
  bulkFetchIssueErrorRate?: number;
  seed?: number;
}

export const NO_FAULTS: FaultConfig = {
  errorRate5xx: 0,
  rateLimit429Rate: 0,
  resetRate: 0,
  truncateRate: 0,
  slowRate: 0,
  slowMs: 0,
  searchIndexLagMs: 0,
};

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'reset' }
  | { kind: '5xx'; status: 500 | 502 | 503; retryAfterSeconds?: number }
  | { kind: '429' }
  /** `overlong`: a prefix under the full Content-Length, then the socket dies; `short`: a prefix with a matching length. */
  | { kind: 'truncate'; mode: 'overlong' | 'short' }
  | { kind: 'slow'; ms: number };

export class Faults {
  config: FaultConfig = { ...NO_FAULTS };
  private random = seededRandom(1);

  set(config: Partial<FaultConfig>) {
    this.config = { ...this.config, ...config };
    if (config.seed !== undefined) this.random = seededRandom(config.seed);
  }

  reset() {
    this.config = { ...NO_FAULTS };
    this.random = seededRandom(1);
  }

  decide(): FaultDecision {
    const c = this.config;
    // One draw, split into consecutive bands of the configured rates.
    const r = this.random();
    let band = c.resetRate;
    if (r < band) return { kind: 'reset' };
    band += c.errorRate5xx;
    if (r < band) {
      const status = ([500, 502, 503] as const)[Math.floor(this.random() * 3)];
      return { kind: '5xx', status, retryAfterSeconds: status === 503 && this.random() < 0.5 ? 1 : undefined };
    }
    band += c.rateLimit429Rate;
    if (r < band) return { kind: '429' };
    band += c.truncateRate;
    if (r < band) return { kind: 'truncate', mode: this.random() < 0.5 ? 'overlong' : 'short' };
    band += c.slowRate;
    if (r < band) return { kind: 'slow', ms: c.slowMs };
    return { kind: 'none' };
  }

  /** Whether bulkfetch fails one issue (draws from the PRNG only when switched on, so other faults replay alike). */
  issueError(): boolean {
    const rate = this.config.bulkFetchIssueErrorRate ?? 0;
    return rate > 0 && this.random() < rate;
  }
}

export interface RateLimitConfig {
  /** Tokens added per second to each endpoint+method bucket. */
  burstPerSecond?: number;
  /** Bucket size; default one second's worth. */
  bucketSize?: number;
  /** Requests per clock hour across all endpoints (the points quota). */
  hourlyQuota?: number;
}

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterSeconds: number; reason: string; headers: Record<string, string> };

/** Jira Cloud's burst limits (a token bucket per endpoint and method) and an hourly quota. */
export class RateLimiter {
  private config: RateLimitConfig | null = null;
  private buckets = new Map<string, { tokens: number; atMs: number }>();
  private hour = { startMs: 0, used: 0 };
  /** Until when each bucket (or '*' for all) told its caller to wait with Retry-After. */
  private readonly notBefore = new Map<string, number>();

  set(config: RateLimitConfig | null) {
    this.config = config;
    this.buckets.clear();
    this.hour = { startMs: 0, used: 0 };
  }

  /** Remembers a Retry-After the simulator announced (per bucket, or '*' for a global pause). */
  announced(bucketKey: string, untilMs: number) {
    this.notBefore.set(bucketKey, Math.max(untilMs, this.notBefore.get(bucketKey) ?? 0));
  }

  /** Whether a request to this bucket arrives before an announced Retry-After has elapsed. */
  early(bucketKey: string, nowMs: number): boolean {
    return nowMs < (this.notBefore.get(bucketKey) ?? 0) || nowMs < (this.notBefore.get('*') ?? 0);
  }

  /** `nowMs` is real time (buckets refill while a client really waits); the hourly quota follows the simulator clock. */
  take(bucketKey: string, nowMs: number, quotaNowMs = nowMs): RateDecision {
    const config = this.config;
    if (!config) return { allowed: true, headers: {} };
    const headers: Record<string, string> = {};
    if (config.hourlyQuota) {
      const hourStart = Math.floor(quotaNowMs / 3_600_000) * 3_600_000;
      if (hourStart !== this.hour.startMs) this.hour = { startMs: hourStart, used: 0 };
      if (this.hour.used >= config.hourlyQuota) {
        const reset = hourStart + 3_600_000;
        return {
          allowed: false,
          retryAfterSeconds: Math.ceil((reset - quotaNowMs) / 1000),
          reason: 'jira-quota-global-based',
          headers: { 'X-RateLimit-Limit': String(config.hourlyQuota), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': new Date(reset).toISOString() },
        };
      }
      this.hour.used++;
    }
    if (config.burstPerSecond) {
      const size = config.bucketSize ?? config.burstPerSecond;
      const bucket = this.buckets.get(bucketKey) ?? { tokens: size, atMs: nowMs };
      bucket.tokens = Math.min(size, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * config.burstPerSecond);
      bucket.atMs = nowMs;
      this.buckets.set(bucketKey, bucket);
      if (bucket.tokens < 1) {
        const waitMs = ((1 - bucket.tokens) / config.burstPerSecond) * 1000;
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
          reason: 'jira-burst-based',
          headers: { 'X-RateLimit-Limit': String(size), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': new Date(nowMs + waitMs).toISOString() },
        };
      }
      bucket.tokens -= 1;
      headers['X-RateLimit-Limit'] = String(size);
      headers['X-RateLimit-Remaining'] = String(Math.floor(bucket.tokens));
      if (bucket.tokens < 0.2 * size) headers['X-RateLimit-NearLimit'] = 'true';
    }
    return { allowed: true, headers };
  }
}
