/**
 * Circuit breaker for one Jira instance: after `failureThreshold` consecutive failed attempts it
 * opens and calls fail fast; after `coolDownMs` one probe is let through (half-open); a success
 * closes it, a failure opens it again. A down Jira is then not hammered on every schedule.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  coolDownMs: number;
  now: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private opened = false;
  private probing = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): BreakerState {
    if (!this.opened) return 'closed';
    return this.options.now() - this.openedAt >= this.options.coolDownMs ? 'half-open' : 'open';
  }

  /** When the next probe will be allowed (epoch ms). */
  get retryAtMs(): number {
    return this.openedAt + this.options.coolDownMs;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** May a request go now? In half-open, only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.opened = false;
    this.probing = false;
  }

  onFailure(): void {
    this.failures++;
    if (this.probing || this.failures >= this.options.failureThreshold) {
      this.opened = true;
      this.openedAt = this.options.now();
    }
    this.probing = false;
  }

  /** A request that ended neither way (a 4xx, a 429, an abort): frees a half-open probe. */
  onNeutral(): void {
    this.probing = false;
  }
}
