/** A bound on what is read ahead by size, not only by count: e.g. the histories a page carries. */
export interface ReadAheadWeight<T> {
  weigh(item: T): number;
  /** The producer stops while the queued items weigh this much (one item is always allowed). */
  max: number;
}

/**
 * Pulls items from `source` up to `depth` ahead of the consumer (and, with `weight`, up to its
 * total weight), so the next pages are read from Jira while the current ones are written and the
 * memory they hold stays bounded by their size. Order is kept; a source failure reaches the
 * consumer after the items produced before it; when the consumer stops early the source is
 * stopped too. An item leaves the queue, and its weight the bound, when it is handed on.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth: number, weight?: ReadAheadWeight<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Array<{ item: T; weight: number }> = [];
  let queuedWeight = 0;
  const full = () => queue.length >= Math.max(1, depth) || (weight !== undefined && queue.length > 0 && queuedWeight >= weight.max);
  let finished = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = (which: 'consumer' | 'producer') => {
    const resume = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = undefined;
    else wakeProducer = undefined;
    resume?.();
  };
  const producerWaits = () =>
    new Promise<void>(resume => {
      wakeProducer = resume;
    });
  const consumerWaits = () =>
    new Promise<void>(resume => {
      wakeConsumer = resume;
    });

  const producer = (async () => {
    try {
      while (!stopped) {
        if (full()) {
          await producerWaits();
          continue;
        }
        const result = await iterator.next();
        if (result.done) break;
        const itemWeight = weight ? weight.weigh(result.value) : 0;
        queue.push({ item: result.value, weight: itemWeight });
        queuedWeight += itemWeight;
        wake('consumer');
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wake('consumer');
    }
  })();

  try {
    for (;;) {
      if (queue.length) {
        const next = queue.shift()!;
        queuedWeight -= next.weight;
        wake('producer');
        yield next.item;
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      await consumerWaits();
    }
  } finally {
    stopped = true;
    wake('producer');
    await producer;
    await iterator.return?.(undefined);
  }
}
