import { CircuitBreaker } from './breaker';
import { fullJitterDelay, serverWaitMs } from './backoff';

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, half-opens after the cool-down, closes on success', () => {
    let t = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 1000, now: () => t });
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    breaker.onSuccess(); // a success resets the count
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    t = 999;
    expect(breaker.tryAcquire()).toBe(false);
    t = 1000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false); // one probe at a time
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('reopens when the half-open probe fails', () => {
    let t = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 100, now: () => t });
    breaker.onFailure();
    t = 150;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.retryAtMs).toBe(250);
  });

  it('frees the probe on a neutral outcome', () => {
    let t = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 100, now: () => t });
    breaker.onFailure();
    t = 100;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onNeutral();
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('backoff', () => {
  it('draws full jitter below an exponential, capped ceiling', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(fullJitterDelay(0, options, () => 0.999)).toBe(99);
    expect(fullJitterDelay(3, options, () => 0.5)).toBe(400);
    expect(fullJitterDelay(10, options, () => 0.999)).toBe(999);
    expect(fullJitterDelay(2, options, () => 0)).toBe(0);
  });

  it('reads Retry-After seconds or date, then X-RateLimit-Reset', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(serverWaitMs(new Headers({ 'Retry-After': '7' }), now)).toBe(7000);
    expect(serverWaitMs(new Headers({ 'Retry-After': 'Thu, 01 Jan 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(serverWaitMs(new Headers({ 'X-RateLimit-Reset': '2026-01-01T12:01:00Z' }), now)).toBe(60_000);
    expect(serverWaitMs(new Headers({ 'X-RateLimit-Reset': '2025-01-01T12:01:00Z' }), now)).toBe(0);
    expect(serverWaitMs(new Headers({}), now)).toBeUndefined();
    expect(serverWaitMs(new Headers({ 'Retry-After': 'soon' }), now)).toBeUndefined();
  });
});
