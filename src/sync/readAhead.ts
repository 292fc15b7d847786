/**
 * Pulls items from `source` up to `depth` ahead of the consumer, so the next pages are read from
 * Jira while the current ones are written. Order is kept; a source failure reaches the consumer
 * after the items produced before it; when the consumer stops early the source is stopped too.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: T[] = [];
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
        if (queue.length >= Math.max(1, depth)) {
          await producerWaits();
          continue;
        }
        const result = await iterator.next();
        if (result.done) break;
        queue.push(result.value);
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
        const item = queue.shift() as T;
        wake('producer');
        yield item;
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
