import { RateLimiter } from './limiter';
import { realSleep } from './sleep';

/** A virtual clock: sleeping moves time forward instantly. */
function virtualClock() {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      t += ms;
      await Promise.resolve();
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('lets a burst through, then holds requests to the configured rate', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ requestsPerSecond: 10, concurrency: 100, ...clock });
    const start = clock.now();
    for (let i = 0; i < 30; i++) (await limiter.acquire()).release();
    // 10 from the full bucket, 20 more at 10/s.
    expect(clock.now() - start).toBeGreaterThanOrEqual(1900);
    expect(clock.now() - start).toBeLessThanOrEqual(2100);
  });

  it('pauses every caller until the pause ends', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ requestsPerSecond: 1000, concurrency: 10, ...clock });
    const until = clock.now() + 5000;
    limiter.pauseUntil(until);
    const times = await Promise.all(
      [1, 2, 3].map(async () => {
        const { release, waitedMs } = await limiter.acquire();
        release();
        return { at: clock.now(), waitedMs };
      }),
    );
    for (const t of times) {
      expect(t.at).toBeGreaterThanOrEqual(until);
      expect(t.waitedMs).toBeGreaterThanOrEqual(4999);
    }
    expect(limiter.pausedUntilMs).toBe(0);
  });

  it('halves the rate while slowed down, then recovers', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ requestsPerSecond: 10, concurrency: 100, burst: 1, ...clock });
    limiter.slowDown(0.5, 60_000);
    expect(limiter.currentRate).toBe(5);
    const start = clock.now();
    for (let i = 0; i < 11; i++) (await limiter.acquire()).release();
    expect(clock.now() - start).toBeGreaterThanOrEqual(1990);
    clock.advance(60_000);
    expect(limiter.currentRate).toBe(10);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const limiter = new RateLimiter({ requestsPerSecond: 10_000, concurrency: 3, now: Date.now, sleep: realSleep });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        const { release } = await limiter.acquire();
        inFlight++;
        peak = Math.max(peak, inFlight);
        await realSleep(5);
        inFlight--;
        release();
      }),
    );
    expect(peak).toBe(3);
  });

  it('stops waiting at once when the caller aborts, and frees nothing it did not take', async () => {
    const limiter = new RateLimiter({ requestsPerSecond: 10_000, concurrency: 1, now: Date.now, sleep: realSleep });
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    held.release();
    held.release(); // releasing twice must not create a second slot
    const a = await limiter.acquire();
    let secondGranted = false;
    const b = limiter.acquire().then(x => {
      secondGranted = true;
      return x;
    });
    await realSleep(10);
    expect(secondGranted).toBe(false);
    a.release();
    (await b).release();
    expect(secondGranted).toBe(true);
  });
});
