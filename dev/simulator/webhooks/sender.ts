import { createHmac, randomUUID } from 'node:crypto';
import { seededRandom } from '../data/random';

export interface WebhookOptions {
  /** Probability that a delivery is sent twice (Jira retries). */
  duplicate?: number;
  /** Deliveries wait up to this long (each a different random share of it when reordering). */
  delayMs?: number;
  /** Deliver in random order. */
  reorder?: boolean;
  /** Only these webhookEvent names. */
  events?: string[];
  seed?: number;
}

/** Delivers Jira webhook events to one subscriber, signed, optionally duplicated, delayed and reordered. */
export class WebhookSender {
  private target?: { url: string; secret: string | null; options: WebhookOptions };
  private readonly pending = new Set<Promise<void>>();
  private random = seededRandom(1);
  /** Every delivery attempted, in the order sent (for tests). */
  readonly sent: Array<{ identifier: string; webhookEvent: string; status: number | 'failed'; retry: boolean }> = [];

  get active() {
    return !!this.target;
  }

  subscribe(url: string, secret: string | null, options: WebhookOptions = {}) {
    this.target = { url, secret, options };
    this.random = seededRandom(options.seed ?? 1);
  }

  unsubscribe() {
    this.target = undefined;
  }

  /** Stops and forgets pending deliveries (on close). */
  cancel() {
    this.target = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }

  private readonly timers = new Set<NodeJS.Timeout>();

  enqueue(event: { webhookEvent: string } & Record<string, unknown>) {
    const target = this.target;
    if (!target || (target.options.events && !target.options.events.includes(event.webhookEvent))) return;
    const body = JSON.stringify(event);
    const identifier = randomUUID();
    const webhookEvent = event.webhookEvent;
    const copies = this.random() < (target.options.duplicate ?? 0) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const base = target.options.delayMs ?? 0;
      const delay = target.options.reorder ? Math.floor(this.random() * Math.max(base, 50)) : base;
      const delivery = new Promise<void>(resolve => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, delay);
        this.timers.add(timer);
      })
        .then(() => this.send(target, body, identifier, webhookEvent, copy > 0))
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  private async send(target: { url: string; secret: string | null }, body: string, identifier: string, webhookEvent: string, retry: boolean) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'X-Atlassian-Webhook-Identifier': identifier,
      ...(retry ? { 'X-Atlassian-Webhook-Retry': '1' } : {}),
    };
    if (target.secret) headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`;
    try {
      const response = await fetch(target.url, { method: 'POST', headers, body });
      await response.arrayBuffer();
      this.sent.push({ identifier, webhookEvent, status: response.status, retry });
    } catch {
      // A subscriber that is down misses the delivery, as with Jira after its retries.
      this.sent.push({ identifier, webhookEvent, status: 'failed', retry });
    }
  }

  /** Waits until every delivery queued so far has been sent. */
  async flush() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
