import { createHash } from 'node:crypto';
import type express from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { WebhookConcurrency } from '../config/types';
import { createOpenApiRouter } from '../schema';
import { createJiraSyncApi, type JiraSyncApiOptions } from './jiraSyncApi';
import { createWebhookRouter, type RefusedDelivery, type WebhookHandler } from './webhookRoute';
import { redactUrlCredentials } from '../lib/redactUrls';

export interface RouterOptions extends JiraSyncApiOptions {
  httpAuth: HttpAuthService;
  webhooks: WebhookHandler;
  webhookBodyLimitBytes: number;
  /** Default 4 deliveries processed at once and 200 waiting. */
  webhookConcurrency?: WebhookConcurrency;
  /** A cheap write (rolled back) proving the database takes writes, for /health. */
  checkDatabase?: () => Promise<unknown>;
}

/** The caller's credentials (user or service; 401 otherwise); each operation checks its permission. */
const callerOf = (httpAuth: HttpAuthService, req: Parameters<HttpAuthService['credentials']>[0]) => httpAuth.credentials(req, { allow: ['user', 'service'] });

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { logger, httpAuth, syncStore } = options;
  const now = options.now ?? Date.now;
  const checkDatabase = options.checkDatabase ?? (() => syncStore.getState('')); // a primary-key lookup
  const api = createJiraSyncApi(options);

  /** A signed delivery with a body the processor cannot read is kept as `rejected`; every refusal is audited. */
  const onRefused = async (delivery: RefusedDelivery, req: express.Request) => {
    if (delivery.status === 400) {
      const body = (delivery.payload ?? {}) as { webhookEvent?: unknown; issue?: { id?: unknown } };
      const issueId = body.issue?.id;
      await syncStore.recordWebhookEvent({
        instance: delivery.instance,
        eventKey: createHash('sha256').update(delivery.rawBody).digest('hex'),
        webhookEvent: typeof body.webhookEvent === 'string' && body.webhookEvent.length <= 64 ? body.webhookEvent : 'invalid',
        issueId: typeof issueId === 'string' && /^\d{1,19}$/.test(issueId) ? issueId : null,
        eventMs: null,
        outcome: 'rejected',
        nowMs: now(),
      });
    }
    const event = await options.auditor?.createEvent({
      eventId: 'webhook-refused', severityLevel: delivery.status === 401 ? 'high' : 'medium', request: req,
      meta: { instance: delivery.instance.slice(0, 100), status: delivery.status },
    });
    await event?.fail({ error: new Error(delivery.reason) });
  };

  const router = Router();

  // Before anything else: the webhook reads its raw body itself and authenticates by signature.
  router.use(
    createWebhookRouter({ instances: options.instances, webhooks: options.webhooks, bodyLimitBytes: options.webhookBodyLimitBytes, concurrency: options.webhookConcurrency, logger, onRefused }),
  );

  // Validated against src/schema/openapi.yaml (400 naming the parameter) before a handler runs; serves /openapi.json.
  const routes = createOpenApiRouter();

  routes.get('/health', async (_req, res) => {
    try {
      await checkDatabase();
    } catch (e) {
      logger.error(`health check: the database does not take writes: ${(e as Error).message}`);
      throw new ServiceUnavailableError('the database does not take writes');
    }
    res.json({ status: 'ok' });
  });

  routes.get('/issues', async (req, res) => {
    res.json(await api.listIssues(await callerOf(httpAuth, req), req.query));
  });

  routes.get('/issues/:keyOrId', async (req, res) => {
    res.json(await api.getIssue(await callerOf(httpAuth, req), req.params.keyOrId, req.query.instance));
  });

  routes.get('/issues/:keyOrId/changelog', async (req, res) => {
    res.json(await api.getChangelog(await callerOf(httpAuth, req), req.params.keyOrId, req.query));
  });

  routes.get('/entities/:kind/:namespace/:name/issues', async (req, res) => {
    res.json(await api.entityIssues(await callerOf(httpAuth, req), req.params, req.query));
  });

  routes.get('/entities/:kind/:namespace/:name/issues/facets', async (req, res) => {
    res.json(await api.entityIssueFacets(await callerOf(httpAuth, req), req.params));
  });

  routes.get('/entities/:kind/:namespace/:name/charts/cumulative-flow', async (req, res) => {
    res.json(await api.entityCumulativeFlow(await callerOf(httpAuth, req), req.params, req.query));
  });

  routes.get('/entities/:kind/:namespace/:name/charts/cycle-time', async (req, res) => {
    res.json(await api.entityCycleTime(await callerOf(httpAuth, req), req.params, req.query));
  });

  routes.get('/entities/:kind/:namespace/:name/charts/throughput', async (req, res) => {
    res.json(await api.entityThroughput(await callerOf(httpAuth, req), req.params, req.query));
  });

  routes.get('/entities/:kind/:namespace/:name/charts/time-in-status', async (req, res) => {
    res.json(await api.entityTimeInStatus(await callerOf(httpAuth, req), req.params, req.query));
  });

  routes.get('/entities/:kind/:namespace/:name/metrics', async (req, res) => {
    res.json(await api.entityFlowMetrics(await callerOf(httpAuth, req), req.params, req.query.weeks));
  });

  routes.get('/projects/:projectKey/metrics', async (req, res) => {
    res.json(await api.projectFlowMetrics(await callerOf(httpAuth, req), req.params.projectKey, req.query));
  });

  routes.get('/syncs', async (req, res) => {
    res.json(await api.listSyncs(await callerOf(httpAuth, req)));
  });

  routes.get('/syncs/:syncId/runs', async (req, res) => {
    res.json(await api.listRuns(await callerOf(httpAuth, req), req.params.syncId, req.query.limit));
  });

  routes.post('/syncs/:syncId/trigger', async (req, res) => {
    res.status(202).json(await api.triggerSync(await callerOf(httpAuth, req), req.params.syncId, { request: req }));
  });

  routes.get('/syncs/:syncId/dead-letters', async (req, res) => {
    res.json(await api.listDeadLetters(await callerOf(httpAuth, req), req.params.syncId, req.query.includeResolved));
  });

  routes.post('/syncs/:syncId/dead-letters/:issueId/retry', async (req, res) => {
    res.json(await api.retryDeadLetter(await callerOf(httpAuth, req), req.params.syncId, req.params.issueId, { request: req }));
  });

  router.use(routes);
  router.use(hideInternalErrors(logger));
  return router;
}

/** Errors the framework renders by name with a status below 500 or a deliberate 503: their messages are written for callers. */
const CALLER_ERRORS = new Set([
  'InputError', 'AuthenticationError', 'NotAllowedError', 'NotFoundError', 'ConflictError', 'NotModifiedError',
  'ServiceUnavailableError', 'NotImplementedError', 'SpecError',
]);

/**
 * Anything else (a database error carries its SQL, a driver error its stack) is logged here and
 * answered as a bare 500, in every environment.
 */
function hideInternalErrors(logger: LoggerService): express.ErrorRequestHandler {
  return (error, req, _res, next) => {
    const status = Number(error?.statusCode ?? error?.status);
    if (CALLER_ERRORS.has(error?.name) || (status >= 400 && status < 500)) {
      next(error);
      return;
    }
    logger.error(`${req.method} ${req.path} failed: ${redactUrlCredentials(String(error?.stack ?? error))}`);
    next(new Error('internal error; the backend log has the details'));
  };
}
