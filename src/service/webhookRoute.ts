import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import Router from 'express-promise-router';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError, ServiceUnavailableError } from '@backstage/errors';
import type { JiraInstanceConfig, WebhookConcurrency } from '../config/types';
import { DEFAULT_WEBHOOK_CONCURRENCY } from '../config/readJiraSyncConfig';
import type { WebhookOutcome } from '../sync/WebhookProcessor';
import { checkWebhookPayload } from './webhookPayload';

/** What the route hands a verified delivery to (`WebhookProcessor` in production). */
export interface WebhookHandler {
  handle(instance: string, rawBody: Buffer, payload: unknown): Promise<WebhookOutcome>;
}

/** A refused delivery, for the record (webhook events as `rejected`) and the audit log. */
export interface RefusedDelivery {
  instance: string;
  rawBody: Buffer;
  /** What the caller was told: the same for an unknown instance and a bad signature. */
  status: 400 | 401;
  /** The real reason, for the log and the audit event only. */
  reason: string;
  /** Set when the signature was valid (the payload was parsed). */
  payload?: unknown;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

const BUSY_RETRY_AFTER_SECONDS = 10;
const UNKNOWN_INSTANCE_SECRET = randomBytes(32).toString('hex');

/** A slot gate: at most `maxInFlight` holders, `maxQueued` waiters, and a refusal beyond. */
function admissionGate({ maxInFlight, maxQueued }: WebhookConcurrency) {
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  return {
    async enter(): Promise<boolean> {
      if (inFlight < maxInFlight) {
        inFlight++;
        return true;
      }
      if (waiting.length >= maxQueued) return false;
      // The slot is handed over by leave(), so inFlight stays the same.
      await new Promise<void>(resolve => waiting.push(resolve));
      return true;
    },
    leave() {
      const next = waiting.shift();
      if (next) next();
      else inFlight--;
    },
  };
}

/** Whether `header` is `sha256=<hex HMAC-SHA256 of body with secret>`, compared in constant time. */
export function isValidSignature(body: Buffer, header: string | undefined, secret: string): boolean {
  const match = header === undefined ? null : SIGNATURE.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `POST /webhook/:instance`: reads the raw body itself (the signature covers the exact bytes),
 * refuses anything unsigned before parsing it, then hands the delivery to the processor.
 */
export function createWebhookRouter(options: {
  instances: JiraInstanceConfig[];
  webhooks: WebhookHandler;
  bodyLimitBytes: number;
  logger: LoggerService;
  concurrency?: WebhookConcurrency;
  /** Called for every refused delivery before the answer; its failures are only logged. */
  onRefused?(delivery: RefusedDelivery, req: express.Request): Promise<void>;
}): express.Router {
  const { webhooks, logger } = options;
  const concurrency = options.concurrency ?? DEFAULT_WEBHOOK_CONCURRENCY;
  // A burst (bulk edit, Jira catching up on retries) must not take every database connection from the syncs.
  const gate = admissionGate(concurrency);
  const secrets = new Map(options.instances.map(i => [i.name, i.webhookSecret]));
  const router = Router();

  router.post(
    '/webhook/:instance',
    // Any content type: Jira sends application/json, and the bytes must stay untouched for the HMAC.
    express.raw({ type: () => true, limit: options.bodyLimitBytes }),
    async (req, res) => {
      const instance = req.params.instance;
      // Quoted and shortened: the name comes from the URL, unauthenticated.
      const shown = JSON.stringify(instance.slice(0, 100));
      const secret = secrets.get(instance);
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const refuse = async (delivery: Omit<RefusedDelivery, 'instance' | 'rawBody'>) => {
        logger.warn(`webhook rejected for instance ${shown}: ${delivery.reason}`);
        await options.onRefused?.({ instance, rawBody: body, ...delivery }, req).catch(e => logger.error(`recording a refused webhook failed: ${(e as Error).message}`));
      };
      // An unknown instance is checked against a throwaway secret: same work, same answer, so names cannot be probed.
      const signed = isValidSignature(body, req.header('x-hub-signature'), secret ?? UNKNOWN_INSTANCE_SECRET);
      if (!secret || !signed) {
        await refuse({ status: 401, reason: secret ? 'missing or bad X-Hub-Signature' : 'unknown instance or no webhookSecret' });
        throw new AuthenticationError('webhook signature missing or invalid');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        await refuse({ status: 400, reason: 'the body is not valid JSON' });
        throw new InputError('webhook body is not valid JSON');
      }
      const checked = checkWebhookPayload(parsed);
      if ('problem' in checked) {
        await refuse({ status: 400, reason: checked.problem, payload: parsed });
        throw new InputError(`webhook body: ${checked.problem}`);
      }
      const payload = checked.payload;
      if (!(await gate.enter())) {
        logger.warn(`webhook deferred: ${concurrency.maxInFlight} deliveries in flight and ${concurrency.maxQueued} waiting; answered 503 so Jira retries it`);
        res.setHeader('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
        throw new ServiceUnavailableError('too many webhook deliveries at once; retry later');
      }
      let outcome: WebhookOutcome;
      try {
        outcome = await webhooks.handle(instance, body, payload);
      } finally {
        gate.leave();
      }
      logger.debug(`webhook for instance ${shown}: ${outcome}`);
      res.status(202).json({ outcome });
    },
  );
  return router;
}
