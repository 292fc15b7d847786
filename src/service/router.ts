import { createHash } from 'node:crypto';
import type express from 'express';
import Router from 'express-promise-router';
import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import type { PermissionRuleset } from '@backstage/plugin-permission-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { JiraInstanceConfig, WebhookConcurrency } from '../config/types';
import type { SyncDefinition } from '../spec/types';
import type { IssueAccessCriterion, IssueFilter, IssueListItem, IssueQueryStore, Page, StatusCategory, SyncStore } from '../store/types';
import type { SyncEngine } from '../sync/SyncEngine';
import { syncTaskId } from '../sync/scheduleSyncs';
import { entitySelection, selectionFilter } from './entitySelection';
import { computeFlowMetrics, flowWindow, type StatusChange } from './flowMetrics';
import { loadOpenApiDocument } from './openapiDocument';
import {
  booleanParam,
  customFieldParam,
  dateTimeParam,
  enumParam,
  integerParam,
  listParam,
  rejectUnknownParams,
  stringParam,
  type Query,
} from './params';
import {
  jiraSyncDeadLetterRetryPermission,
  jiraSyncRunTriggerPermission,
  jiraSyncSyncReadPermission,
} from '@jira-sync/backstage-plugin-jira-sync-common';
import { requirePermission } from './permissions';
import { builtInIssueRuleset, issueReadScope } from './issuePermissions';
import type { SchedulerTaskStateReader } from './schedulerTaskStates';
import { serializeDeadLetter, serializeHistory, serializeIssue, serializeIssueDetail, serializeRun } from './serialize';
import { syncStatuses, type SyncStatusSources } from './syncStatus';
import { createChartRoutes } from './charts/chartRoutes';
import { createWebhookRouter, type RefusedDelivery, type WebhookHandler } from './webhookRoute';
import { redactUrlCredentials } from '../lib/redactUrls';

export interface RouterOptions {
  logger: LoggerService;
  /** Audit events for state-changing calls and refused webhook deliveries (the actor comes from the request). */
  auditor?: AuditorService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Turns conditional issue-read decisions into store filters; default: the built-in rules only. */
  issueRuleset?: PermissionRuleset<IssueListItem, IssueAccessCriterion>;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  scheduler: Pick<SchedulerService, 'triggerTask' | 'getScheduledTasks'>;
  queryStore: IssueQueryStore;
  syncStore: SyncStore;
  syncs: SyncDefinition[];
  instances: JiraInstanceConfig[];
  webhooks: WebhookHandler;
  engine: Pick<SyncEngine, 'retryDeadLetter'>;
  webhookBodyLimitBytes: number;
  /** Default 4 deliveries processed at once and 200 waiting. */
  webhookConcurrency?: WebhookConcurrency;
  /** Next run times from the scheduler (see createSchedulerTaskStateReader); without it they are estimated. */
  taskStates?: SchedulerTaskStateReader;
  /** Health inputs from src/ops (rejected credentials, drift, alert thresholds). */
  healthFacts?: SyncStatusSources['healthFacts'];
  /** A cheap write (rolled back) proving the database takes writes, for /health. */
  checkDatabase?: () => Promise<unknown>;
  now?: () => number;
}

const PAGE = { min: 1, max: 500, fallback: 50, cap: true } as const;
const SORTS = ['updated', 'created', 'key'] as const;
const ORDERS = ['asc', 'desc'] as const;
const CATEGORIES = ['new', 'indeterminate', 'done'] as const;
const ENTITY_CATEGORIES = ['new', 'indeterminate', 'done', 'open', 'all'] as const;

/** `open` is everything not done; `all` filters nothing. */
function statusCategoriesOf(category: (typeof ENTITY_CATEGORIES)[number]): StatusCategory[] | undefined {
  if (category === 'all') return undefined;
  if (category === 'open') return ['new', 'indeterminate'];
  return [category];
}
/** A comma list of categories (open / all included), any-of; 400 naming statusCategory for another value. */
function statusCategoriesOfList(values: string[] | undefined): StatusCategory[] | undefined {
  if (!values) return undefined;
  const categories = new Set<StatusCategory>();
  for (const value of values) {
    if (!(ENTITY_CATEGORIES as readonly string[]).includes(value)) {
      throw new InputError(`query parameter "statusCategory" must be a comma list of ${ENTITY_CATEGORIES.join(', ')}; got "${value}"`);
    }
    const of = statusCategoriesOf(value as (typeof ENTITY_CATEGORIES)[number]);
    if (!of) return undefined;
    of.forEach(c => categories.add(c));
  }
  return [...categories];
}
const WEEKS = { min: 1, max: 104, fallback: 12 } as const;

/** The store signals a cursor it did not issue with an error of this name. */
async function withCursor<T>(page: Promise<Page<T>>): Promise<Page<T>> {
  try {
    return await page;
  } catch (e) {
    if ((e as Error)?.name === 'InvalidCursorError') {
      throw new InputError('query parameter "cursor" is not a cursor of this listing');
    }
    throw e;
  }
}

const upper = (values: string[] | undefined) => values?.map(v => v.toUpperCase());

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { logger, httpAuth, permissions, catalog, scheduler, queryStore, syncStore, syncs, engine } = options;
  const now = options.now ?? Date.now;
  const baseUrls = new Map(options.instances.map(i => [i.name, i.baseUrl]));
  const syncsById = new Map(syncs.map(s => [s.id, s]));
  const checkDatabase = options.checkDatabase ?? (() => syncStore.getState('')); // a primary-key lookup
  const statusSources = { syncStore, queryStore, scheduler, taskStates: options.taskStates, logger, healthFacts: options.healthFacts };

  /** The caller's credentials (user or service; 401 otherwise), once the permission allows the route. */
  const authorize = async (req: express.Request, permission: BasicPermission) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    await requirePermission(permissions, permission, credentials);
    return credentials;
  };
  /** Credentials and the caller's issue access scope (undefined = every issue); 403 when issue reads are denied. */
  const authorizeIssueRead = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const access = await issueReadScope(permissions, options.issueRuleset ?? builtInIssueRuleset, credentials);
    return { credentials, access };
  };
  const syncOf = (syncId: string) => {
    const sync = syncsById.get(syncId);
    if (!sync) throw new NotFoundError(`no sync "${syncId}" in the spec`);
    return sync;
  };
  /** An issue outside the caller's access scope is not found, like one never synced. */
  const findIssue = async (keyOrId: string, query: Query, access: IssueFilter['access']) => {
    const issue = await queryStore.getIssue(stringParam(query, 'instance'), keyOrId, access);
    if (!issue) throw new NotFoundError(`no issue "${keyOrId}"`);
    return issue;
  };
  const flowMetricsFor = async (filter: IssueFilter, weeks: number) => {
    const { fromMs, toMs } = flowWindow(now(), weeks);
    // Completing an issue updates it, so issues completed in the window were all updated since its start.
    const issues = await queryStore.issuesForFlow({ ...filter, updatedSinceMs: fromMs });
    const byInstance = new Map<string, string[]>();
    for (const issue of issues) byInstance.set(issue.instance, [...(byInstance.get(issue.instance) ?? []), issue.issueId]);
    const statusChanges: StatusChange[] = [];
    for (const [instance, ids] of byInstance) {
      for (const change of await queryStore.historiesForIssues(instance, ids, ['status'])) {
        statusChanges.push({ instance, issueId: change.issueId, historyId: change.historyId, createdMs: change.createdMs, fromString: change.fromString, toString: change.toString });
      }
    }
    return computeFlowMetrics({ issues, statusChanges, fromMs, toMs });
  };

  /** Runs a state-changing call inside an audit event that records its outcome. */
  const audited = async <T>(req: express.Request, eventId: string, meta: Record<string, string>, call: () => Promise<T>): Promise<T> => {
    const event = await options.auditor?.createEvent({ eventId, severityLevel: 'medium', request: req, meta });
    try {
      const result = await call();
      await event?.success();
      return result;
    } catch (e) {
      await event?.fail({ error: e as Error });
      throw e;
    }
  };

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

  router.get('/health', async (_req, res) => {
    try {
      await checkDatabase();
    } catch (e) {
      logger.error(`health check: the database does not take writes: ${(e as Error).message}`);
      throw new ServiceUnavailableError('the database does not take writes');
    }
    res.json({ status: 'ok' });
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(loadOpenApiDocument());
  });

  router.get('/issues', async (req, res) => {
    const { access } = await authorizeIssueRead(req);
    const query = req.query as Query;
    rejectUnknownParams(query, [
      'instance', 'project', 'key', 'status', 'statusCategory', 'type', 'assignee', 'label', 'component',
      'customField', 'updatedSince', 'q', 'sort', 'order', 'includeDeleted', 'limit', 'cursor',
    ]);
    const filter: IssueFilter = {
      access,
      instance: stringParam(query, 'instance'),
      projectKeys: upper(listParam(query, 'project')),
      keys: upper(listParam(query, 'key')),
      status: stringParam(query, 'status'),
      statusCategory: enumParam(query, 'statusCategory', CATEGORIES),
      issueType: stringParam(query, 'type'),
      assigneeAccountId: stringParam(query, 'assignee'),
      label: stringParam(query, 'label'),
      component: stringParam(query, 'component'),
      customField: customFieldParam(query, 'customField'),
      updatedSinceMs: dateTimeParam(query, 'updatedSince'),
      text: stringParam(query, 'q') || undefined,
      includeDeleted: booleanParam(query, 'includeDeleted', false),
    };
    const page = await withCursor(
      queryStore.listIssues(filter, {
        sort: enumParam(query, 'sort', SORTS, 'updated'),
        order: enumParam(query, 'order', ORDERS, 'desc'),
        limit: integerParam(query, 'limit', PAGE),
        cursor: stringParam(query, 'cursor'),
      }),
    );
    res.json({ items: page.items.map(i => serializeIssue(i, baseUrls)), ...(page.nextCursor && { nextCursor: page.nextCursor }) });
  });

  router.get('/issues/:keyOrId', async (req, res) => {
    const { access } = await authorizeIssueRead(req);
    rejectUnknownParams(req.query as Query, ['instance']);
    const issue = await findIssue(req.params.keyOrId, req.query as Query, access);
    res.json(serializeIssueDetail(issue, baseUrls));
  });

  router.get('/issues/:keyOrId/changelog', async (req, res) => {
    const { access } = await authorizeIssueRead(req);
    const query = req.query as Query;
    rejectUnknownParams(query, ['instance', 'limit', 'cursor']);
    const limit = integerParam(query, 'limit', PAGE);
    const cursor = stringParam(query, 'cursor');
    const issue = await findIssue(req.params.keyOrId, query, access);
    const page = await withCursor(queryStore.listHistories(issue.instance, issue.issueId, { limit, cursor }));
    res.json({ items: page.items.map(serializeHistory), ...(page.nextCursor && { nextCursor: page.nextCursor }) });
  });

  /** The entity, read with the caller's credentials so catalog permissions apply; 404 if unseen. */
  const entityFor = async (req: express.Request, credentials: Awaited<ReturnType<typeof authorize>>) => {
    const { kind, namespace, name } = req.params;
    const entityRef = stringifyEntityRef({ kind, namespace, name });
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`no entity ${entityRef} in the catalog`);
    return { entityRef, selection: entitySelection(entity, entityRef) };
  };

  router.get('/entities/:kind/:namespace/:name/issues', async (req, res) => {
    const { credentials, access } = await authorizeIssueRead(req);
    const query = req.query as Query;
    rejectUnknownParams(query, ['statusCategory', 'type', 'assignee', 'label', 'component', 'q', 'sort', 'order', 'limit', 'cursor']);
    const statusCategory = statusCategoriesOfList(listParam(query, 'statusCategory'));
    const anyOf = {
      issueTypes: listParam(query, 'type'),
      assigneeAccountIds: listParam(query, 'assignee'),
      labels: listParam(query, 'label'),
      components: listParam(query, 'component'),
    };
    const pageRequest = {
      sort: enumParam(query, 'sort', SORTS, 'updated'),
      order: enumParam(query, 'order', ORDERS, 'desc'),
      limit: integerParam(query, 'limit', PAGE),
      cursor: stringParam(query, 'cursor'),
    };
    const text = stringParam(query, 'q') || undefined;
    const { entityRef, selection } = await entityFor(req, credentials);
    const selected = { ...selectionFilter(selection), access };
    const covering = syncs.filter(
      s => (selection.instance === null || s.instance === selection.instance) && s.projects.some(p => selection.projectKeys.includes(p.toUpperCase())),
    );
    const [page, counts, syncStatusList] = await Promise.all([
      withCursor(queryStore.listIssues({ ...selected, text, statusCategory, anyOf }, pageRequest)),
      queryStore.countByStatusCategory(selected),
      syncStatuses(statusSources, covering, now(), { issueCounts: false }),
    ]);
    res.json({
      entityRef,
      selector: { projectKeys: selection.projectKeys, component: selection.component, components: selection.components, label: selection.label },
      counts,
      items: page.items.map(i => serializeIssue(i, baseUrls)),
      ...(page.nextCursor && { nextCursor: page.nextCursor }),
      syncs: syncStatusList,
    });
  });

  router.get('/entities/:kind/:namespace/:name/metrics', async (req, res) => {
    const { credentials, access } = await authorizeIssueRead(req);
    const query = req.query as Query;
    rejectUnknownParams(query, ['weeks']);
    const weeks = integerParam(query, 'weeks', WEEKS);
    const { selection } = await entityFor(req, credentials);
    res.json(await flowMetricsFor({ ...selectionFilter(selection), access }, weeks));
  });

  router.get('/projects/:projectKey/metrics', async (req, res) => {
    const { access } = await authorizeIssueRead(req);
    const query = req.query as Query;
    rejectUnknownParams(query, ['instance', 'weeks']);
    const weeks = integerParam(query, 'weeks', WEEKS);
    const instance = stringParam(query, 'instance');
    res.json(await flowMetricsFor({ projectKeys: [req.params.projectKey.toUpperCase()], ...(instance && { instance }), access }, weeks));
  });

  router.get('/syncs', async (req, res) => {
    await authorize(req, jiraSyncSyncReadPermission);
    rejectUnknownParams(req.query as Query, []);
    res.json({ items: await syncStatuses(statusSources, syncs, now()) });
  });

  router.get('/syncs/:syncId/runs', async (req, res) => {
    await authorize(req, jiraSyncSyncReadPermission);
    const query = req.query as Query;
    rejectUnknownParams(query, ['limit']);
    const limit = integerParam(query, 'limit', { min: 1, max: 200, fallback: 20 });
    const sync = syncOf(req.params.syncId);
    res.json({ items: (await syncStore.listRuns(sync.id, limit)).map(serializeRun) });
  });

  router.post('/syncs/:syncId/trigger', async (req, res) => {
    const credentials = await authorize(req, jiraSyncRunTriggerPermission);
    const sync = syncOf(req.params.syncId);
    // ConflictError (409) from the scheduler when the sync is running already.
    await audited(req, 'sync-trigger', { syncId: sync.id }, () => scheduler.triggerTask(syncTaskId(sync.id)));
    logger.info(`sync "${sync.id}" triggered by ${credentials.principal.type === 'user' ? credentials.principal.userEntityRef : credentials.principal.subject}`);
    res.status(202).json({ syncId: sync.id });
  });

  router.get('/syncs/:syncId/dead-letters', async (req, res) => {
    await authorize(req, jiraSyncSyncReadPermission);
    const query = req.query as Query;
    rejectUnknownParams(query, ['includeResolved']);
    const includeResolved = booleanParam(query, 'includeResolved', false);
    const sync = syncOf(req.params.syncId);
    res.json({ items: (await syncStore.listDeadLetters(sync.id, { includeResolved })).map(serializeDeadLetter) });
  });

  router.post('/syncs/:syncId/dead-letters/:issueId/retry', async (req, res) => {
    await authorize(req, jiraSyncDeadLetterRetryPermission);
    const sync = syncOf(req.params.syncId);
    const { issueId } = req.params;
    if (!/^\d+$/.test(issueId)) throw new InputError(`path parameter "issueId" must be a numeric Jira issue id; got "${issueId}"`);
    const waiting = await syncStore.listDeadLetters(sync.id);
    if (!waiting.some(d => d.issueId === issueId)) {
      throw new NotFoundError(`no dead letter waiting for issue ${issueId} in sync "${sync.id}"`);
    }
    const result = await audited(req, 'dead-letter-retry', { syncId: sync.id, issueId }, () => engine.retryDeadLetter(sync, issueId));
    res.json({ outcome: result.outcome, ...(result.error !== undefined && { error: result.error }) });
  });

  router.use(createChartRoutes({ queryStore, now, authorize: authorizeIssueRead, entityFilter: async (req, auth) => {
    const { credentials, access } = auth as Awaited<ReturnType<typeof authorizeIssueRead>>;
    return { ...selectionFilter((await entityFor(req, credentials)).selection), access };
  } }));

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
