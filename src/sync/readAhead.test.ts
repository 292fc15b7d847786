import { readAhead } from './readAhead';

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function countingSource(count: number, options: { failAfter?: number } = {}) {
  const log = { produced: 0, closed: false };
  async function* source() {
    try {
      for (let i = 0; i < count; i++) {
        if (options.failAfter === i) throw new Error(`source failed after ${i} items`);
        log.produced++;
        yield i;
      }
    } finally {
      log.closed = true;
    }
  }
  return { log, source: source() };
}

describe('readAhead', () => {
  it('keeps the order and reads at most `depth` items ahead of a slow consumer', async () => {
    const { log, source } = countingSource(20);
    const seen: number[] = [];
    const aheadWhileBusy: number[] = [];
    for await (const item of readAhead(source, 3)) {
      seen.push(item);
      await pause(5);
      aheadWhileBusy.push(log.produced - seen.length);
    }
    expect(seen).toEqual([...Array(20).keys()]);
    // While the consumer works on an item, the next three are fetched (fewer only near the end).
    expect(aheadWhileBusy.slice(0, 17)).toEqual(Array(17).fill(3));
    expect(Math.max(...aheadWhileBusy)).toBe(3);
    expect(log.closed).toBe(true);
  });

  it('stops reading ahead once the queued items weigh the bound, always allowing one', async () => {
    const { log, source } = countingSource(12);
    const seen: number[] = [];
    const aheadWhileBusy: number[] = [];
    // Items weigh their value: 0..11; at most weight 10 is held ahead, whatever the depth.
    for await (const item of readAhead(source, 100, { weigh: i => i, max: 10 })) {
      seen.push(item);
      await pause(5);
      aheadWhileBusy.push(log.produced - seen.length);
    }
    expect(seen).toEqual([...Array(12).keys()]);
    // Ahead of item k, items k+1.. are queued until their weight reaches 10: 4 (1+2+3+4), then fewer as items grow.
    expect(aheadWhileBusy[0]).toBe(4);
    expect(aheadWhileBusy.slice(6, 9)).toEqual([2, 2, 2]);
    // An item that alone weighs the bound is still read ahead, but nothing after it.
    expect(aheadWhileBusy.slice(9, 11)).toEqual([1, 1]);
    expect(Math.max(...aheadWhileBusy)).toBe(4);
  });

  it('hands on the items produced before a source failure, then the failure', async () => {
    const { source } = countingSource(10, { failAfter: 4 });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(source, 2)) seen.push(item);
      })(),
    ).rejects.toThrow('source failed after 4 items');
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('stops the source when the consumer stops early, without reading it to the end', async () => {
    const { log, source } = countingSource(1000);
    for await (const item of readAhead(source, 5)) {
      if (item === 2) break;
    }
    expect(log.closed).toBe(true);
    expect(log.produced).toBeLessThanOrEqual(3 + 5 + 1);
  });

  it('a consumer failure stops the source and surfaces unchanged', async () => {
    const { log, source } = countingSource(1000);
    await expect(
      (async () => {
        for await (const item of readAhead(source, 4)) {
          if (item === 1) throw new Error('write failed');
        }
      })(),
    ).rejects.toThrow('write failed');
    expect(log.closed).toBe(true);
    expect(log.produced).toBeLessThan(1000);
  });
});
