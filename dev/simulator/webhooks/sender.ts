import { createHmac, randomUUID } from 'node:crypto';

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
  private random = Math.random;

  get active() {
    return !!this.target;
  }

  subscribe(url: string, secret: string | null, options: WebhookOptions = {}) {
    this.target = { url, secret, options };
    if (options.seed !== undefined) {
      let s = options.seed >>> 0;
      this.random = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296);
    }
  }

  unsubscribe() {
    this.target = undefined;
  }

  enqueue(event: { webhookEvent: string } & Record<string, unknown>) {
    const target = this.target;
    if (!target || (target.options.events && !target.options.events.includes(event.webhookEvent))) return;
    const body = JSON.stringify(event);
    const identifier = randomUUID();
    const copies = this.random() < (target.options.duplicate ?? 0) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const base = target.options.delayMs ?? 0;
      const delay = target.options.reorder ? Math.floor(this.random() * Math.max(base, 50)) : base;
      const delivery = new Promise<void>(resolve => setTimeout(resolve, delay))
        .then(() => this.send(target, body, identifier, copy > 0))
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  private async send(target: { url: string; secret: string | null }, body: string, identifier: string, retry: boolean) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'X-Atlassian-Webhook-Identifier': identifier,
      ...(retry ? { 'X-Atlassian-Webhook-Retry': '1' } : {}),
    };
    if (target.secret) headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`;
    try {
      await fetch(target.url, { method: 'POST', headers, body });
    } catch {
      // A subscriber that is down misses the delivery, as with Jira after its retries.
    }
  }

  /** Waits until every delivery queued so far has been sent. */
  async flush() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
