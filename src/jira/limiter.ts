/**
 * Client-side rate limiter for one Jira instance: a requests/second token bucket, a cap on
 * requests in flight, an instance-wide pause (a 429's Retry-After stops every caller), and a
 * temporary slow-down when Jira says the budget is nearly spent.
 */
import type { Sleep } from './sleep';

export interface RateLimiterOptions {
  requestsPerSecond: number;
  concurrency: number;
  now: () => number;
  sleep: Sleep;
  /** Bucket size: how many requests may go at once after a quiet spell. Default: one second's worth. */
  burst?: number;
}

export class RateLimiter {
  private tokens: number;
  private refilledAt: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private pausedUntil = 0;
  private slowUntil = 0;
  private slowFactor = 1;

  constructor(private readonly options: RateLimiterOptions) {
    this.tokens = this.capacity();
    this.refilledAt = options.now();
  }

  /** Until when every request of this instance waits (epoch ms); 0 when not paused. */
  get pausedUntilMs(): number {
    return this.pausedUntil > this.options.now() ? this.pausedUntil : 0;
  }

  get currentRate(): number {
    const slow = this.slowUntil > this.options.now() ? this.slowFactor : 1;
    return Math.max(0.001, this.options.requestsPerSecond * slow);
  }

  private capacity(): number {
    return Math.max(1, this.options.burst ?? Math.ceil(this.options.requestsPerSecond));
  }

  /** Stops every request of the instance until `untilMs` (a 429 or quota reset). */
  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    // After a pause, start with an empty bucket: the server's bucket is empty too.
    this.tokens = Math.min(this.tokens, 0);
  }

  /** Runs at `factor` of the configured rate for `forMs` (X-RateLimit-NearLimit). */
  slowDown(factor: number, forMs: number): void {
    this.slowFactor = Math.min(this.slowUntil > this.options.now() ? this.slowFactor : 1, factor);
    this.slowUntil = Math.max(this.slowUntil, this.options.now() + forMs);
  }

  /** Waits for a slot and a token; returns the release function and how long it waited. */
  async acquire(signal?: AbortSignal): Promise<{ release: () => void; waitedMs: number }> {
    const started = this.options.now();
    await this.takeSlot(signal);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.options.now();
        if (this.pausedUntil > now) {
          await this.options.sleep(this.pausedUntil - now, signal);
          continue;
        }
        this.refill(now);
        if (this.tokens >= 1) {
          this.tokens -= 1;
          break;
        }
        await this.options.sleep(Math.ceil(((1 - this.tokens) / this.currentRate) * 1000), signal);
      }
    } catch (e) {
      this.releaseSlot();
      throw e;
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.releaseSlot();
      },
      waitedMs: Math.max(0, this.options.now() - started),
    };
  }

  private refill(now: number) {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    this.tokens = Math.min(this.capacity(), this.tokens + (elapsed / 1000) * this.currentRate);
  }

  private takeSlot(signal?: AbortSignal): Promise<void> {
    if (this.inFlight < Math.max(1, this.options.concurrency)) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        // grant and onAbort undo each other, so one of them must refer to the other before it exists.
        // eslint-disable-next-line @typescript-eslint/no-use-before-define
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal!.reason);
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private releaseSlot() {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so inFlight stays the same.
    if (next) next();
    else this.inFlight--;
  }
}
