import type {
  AuditorService,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import type { PermissionRuleset } from '@backstage/plugin-permission-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  jiraSyncDeadLetterRetryPermission,
  jiraSyncRunTriggerPermission,
  jiraSyncSyncReadPermission,
} from '@jira-sync/backstage-plugin-jira-sync-common';
import type { JiraInstanceConfig } from '../config/types';
import type { SyncDefinition } from '../spec/types';
import type { IssueAccessCriterion, IssueFilter, IssueListItem, IssueQueryStore, IssueSort, Page, StatusCategory, SyncStore } from '../store/types';
import type { SyncEngine } from '../sync/SyncEngine';
import { syncTaskId } from '../sync/scheduleSyncs';
import { entitySelection, selectionFilter } from './entitySelection';
import { computeFlowMetrics, flowWindow, issueFlowFacts, statusCategoryMap } from './flowMetrics';
import { customFieldParam, dateTimeParam, listParam, pageLimit } from './params';
import { builtInIssueRuleset, issueReadScope } from './issuePermissions';
import { requirePermission } from './permissions';
import type { SchedulerTaskStateReader } from './schedulerTaskStates';
import { serializeDeadLetter, serializeHistory, serializeIssue, serializeIssueDetail, serializeRun } from './serialize';
import { syncStatuses, type SyncStatusSources } from './syncStatus';
import { chartWindow } from './charts/chartWindow';
import { entityCharts } from './charts/entityCharts';

/**
 * What the REST routes and the actions do, once: each operation checks the caller's permission
 * with their credentials, reads or acts, and returns the body the OpenAPI document describes.
 */
export interface JiraSyncApiOptions {
  logger: LoggerService;
  auditor?: AuditorService;
  permissions: PermissionsService;
  /** Turns conditional issue-read decisions into store filters; default: the built-in rules only. */
  issueRuleset?: PermissionRuleset<IssueListItem, IssueAccessCriterion>;
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  scheduler: Pick<SchedulerService, 'triggerTask' | 'getScheduledTasks'>;
  queryStore: IssueQueryStore;
  syncStore: SyncStore;
  syncs: SyncDefinition[];
  instances: JiraInstanceConfig[];
  engine: Pick<SyncEngine, 'retryDeadLetter'>;
  taskStates?: SchedulerTaskStateReader;
  healthFacts?: SyncStatusSources['healthFacts'];
  now?: () => number;
}

export type EntityStatusCategory = StatusCategory | 'open' | 'all';
export type SortOrder = 'asc' | 'desc';

/** The filters of GET /issues as parsed by the typed router (or an action's schema). */
export interface IssueListQuery {
  instance?: string;
  project?: string[];
  key?: string[];
  status?: string;
  statusCategory?: StatusCategory;
  type?: string;
  assignee?: string;
  label?: string;
  component?: string;
  customField?: string;
  updatedSince?: string;
  q?: string;
  sort?: IssueSort;
  order?: SortOrder;
  includeDeleted?: boolean;
  limit?: number;
  cursor?: string;
}

export interface EntityIssuesQuery {
  /** Comma lists, any of each. */
  statusCategory?: string;
  type?: string;
  assignee?: string;
  label?: string;
  component?: string;
  q?: string;
  sort?: IssueSort;
  order?: SortOrder;
  limit?: number;
  cursor?: string;
}

export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/** The window of a chart route: ISO dates, both days included. */
export interface ChartQuery {
  from?: string;
  to?: string;
}

/** Where an audited call came from: the HTTP request, when there is one. */
export interface CallContext {
  request?: Parameters<AuditorService['createEvent']>[0]['request'];
}

const DEFAULT_LIMIT = 50;
const DEFAULT_WEEKS = 12;

/** `open` is everything not done; `all` filters nothing. */
function statusCategoriesOf(category: EntityStatusCategory): StatusCategory[] | undefined {
  if (category === 'all') return undefined;
  if (category === 'open') return ['new', 'indeterminate'];
  return [category];
}

const ENTITY_CATEGORIES: readonly EntityStatusCategory[] = ['new', 'indeterminate', 'done', 'open', 'all'];

/** A comma list of categories (open / all included), any of; 400 naming statusCategory for another value. */
function statusCategoriesOfList(value: string | undefined): StatusCategory[] | undefined {
  const values = listParam('statusCategory', value === undefined ? undefined : [value]);
  if (!values) return undefined;
  const categories = new Set<StatusCategory>();
  for (const item of values) {
    if (!(ENTITY_CATEGORIES as readonly string[]).includes(item)) {
      throw new InputError(`query parameter "statusCategory" must be a comma list of ${ENTITY_CATEGORIES.join(', ')}; got "${item}"`);
    }
    const of = statusCategoriesOf(item as EntityStatusCategory);
    if (!of) return undefined;
    of.forEach(c => categories.add(c));
  }
  return [...categories];
}

/** A comma-list query parameter as its values. */
const commaList = (name: string, value: string | undefined) => listParam(name, value === undefined ? undefined : [value]);

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
const pageOf = <T>(items: T[], nextCursor: string | undefined) => ({ items, ...(nextCursor && { nextCursor }) });

export function createJiraSyncApi(options: JiraSyncApiOptions) {
  const { logger, permissions, catalog, scheduler, queryStore, syncStore, syncs, engine } = options;
  const now = options.now ?? Date.now;
  const baseUrls = new Map(options.instances.map(i => [i.name, i.baseUrl]));
  const syncsById = new Map(syncs.map(s => [s.id, s]));
  const statusSources = { syncStore, queryStore, scheduler, taskStates: options.taskStates, logger, healthFacts: options.healthFacts };

  const authorize = (credentials: BackstageCredentials, permission: BasicPermission) =>
    requirePermission(permissions, permission, credentials);
  /** The caller's issue access scope (undefined = every issue); 403 when issue reads are denied. */
  const issueAccess = (credentials: BackstageCredentials) =>
    issueReadScope(permissions, options.issueRuleset ?? builtInIssueRuleset, credentials);
  const syncOf = (syncId: string) => {
    const sync = syncsById.get(syncId);
    if (!sync) throw new NotFoundError(`no sync "${syncId}" in the spec`);
    return sync;
  };
  /** An issue outside the caller's access scope is not found, like one never synced. */
  const findIssue = async (keyOrId: string, instance: string | undefined, access: IssueFilter['access']) => {
    const issue = await queryStore.getIssue(instance, keyOrId, access);
    if (!issue) throw new NotFoundError(`no issue "${keyOrId}"`);
    return issue;
  };
  const flowMetricsFor = async (filter: IssueFilter, weeks: number) => {
    const { fromMs, toMs } = flowWindow(now(), weeks);
    // Completing an issue updates it, so issues completed in the window were all updated since its start.
    const changed = { ...filter, updatedSinceMs: fromMs };
    const [issues, statusChanges] = await Promise.all([queryStore.issuesForFlow(changed), queryStore.statusChanges(changed)]);
    return computeFlowMetrics({ issues, statusChanges, fromMs, toMs });
  };
  /** The entity, read with the caller's credentials so catalog permissions apply; 404 if unseen. */
  const entityFor = async (credentials: BackstageCredentials, name: EntityName) => {
    const entityRef = stringifyEntityRef(name);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`no entity ${entityRef} in the catalog`);
    return { entityRef, selection: entitySelection(entity, entityRef) };
  };
  const charts = entityCharts(queryStore);
  /** A chart's issue filter (the entity's selection within the caller's access) and its window. */
  const chartScope = async (credentials: BackstageCredentials, name: EntityName, query: ChartQuery) => {
    const access = await issueAccess(credentials);
    const window = chartWindow(query, now());
    const { selection } = await entityFor(credentials, name);
    return { filter: { ...selectionFilter(selection), access }, window };
  };
  /** Runs a state-changing call inside an audit event that records its outcome. */
  const audited = async <T>(context: CallContext, eventId: string, meta: Record<string, string>, call: () => Promise<T>): Promise<T> => {
    const event = await options.auditor?.createEvent({ eventId, severityLevel: 'medium', request: context.request, meta });
    try {
      const result = await call();
      await event?.success();
      return result;
    } catch (e) {
      await event?.fail({ error: e as Error });
      throw e;
    }
  };

  return {
    async listIssues(credentials: BackstageCredentials, query: IssueListQuery) {
      const access = await issueAccess(credentials);
      const filter: IssueFilter = {
        access,
        instance: query.instance,
        projectKeys: upper(listParam('project', query.project)),
        keys: upper(listParam('key', query.key)),
        status: query.status,
        statusCategory: query.statusCategory,
        issueType: query.type,
        assigneeAccountId: query.assignee,
        label: query.label,
        component: query.component,
        customField: customFieldParam('customField', query.customField),
        updatedSinceMs: dateTimeParam('updatedSince', query.updatedSince),
        text: query.q || undefined,
        includeDeleted: query.includeDeleted ?? false,
      };
      const page = await withCursor(
        queryStore.listIssues(filter, {
          sort: query.sort ?? 'updated',
          order: query.order ?? 'desc',
          limit: pageLimit(query.limit ?? DEFAULT_LIMIT),
          cursor: query.cursor,
        }),
      );
      return pageOf(page.items.map(i => serializeIssue(i, baseUrls)), page.nextCursor);
    },

    async getIssue(credentials: BackstageCredentials, keyOrId: string, instance?: string) {
      const access = await issueAccess(credentials);
      return serializeIssueDetail(await findIssue(keyOrId, instance, access), baseUrls);
    },

    async getChangelog(credentials: BackstageCredentials, keyOrId: string, query: { instance?: string; limit?: number; cursor?: string }) {
      const access = await issueAccess(credentials);
      const issue = await findIssue(keyOrId, query.instance, access);
      const page = await withCursor(
        queryStore.listHistories(issue.instance, issue.issueId, { limit: pageLimit(query.limit ?? DEFAULT_LIMIT), cursor: query.cursor }),
      );
      return pageOf(page.items.map(serializeHistory), page.nextCursor);
    },

    /**
     * One issue's cycle and lead time and time in each status, from its changelog. Past statuses
     * take their categories from the statuses of the project's issues now (see flowMetrics.ts).
     */
    async getIssueFlow(credentials: BackstageCredentials, keyOrId: string, instance?: string) {
      const access = await issueAccess(credentials);
      const found = await findIssue(keyOrId, instance, access);
      const projectIssues = await queryStore.issuesForFlow({ instance: found.instance, projectKeys: [found.projectKey], includeDeleted: true, access });
      const issue = projectIssues.find(i => i.issueId === found.issueId);
      if (!issue) throw new NotFoundError(`no issue "${keyOrId}"`);
      const changes = await queryStore.statusChanges({ instance: found.instance, keys: [issue.issueKey], includeDeleted: true, access });
      return issueFlowFacts(issue, changes.filter(c => c.issueId === issue.issueId), statusCategoryMap(projectIssues), now());
    },

    async entityIssues(credentials: BackstageCredentials, name: EntityName, query: EntityIssuesQuery) {
      const access = await issueAccess(credentials);
      const { entityRef, selection } = await entityFor(credentials, name);
      const selected = { ...selectionFilter(selection), access };
      const statusCategory = statusCategoriesOfList(query.statusCategory);
      const anyOf = {
        issueTypes: commaList('type', query.type),
        assigneeAccountIds: commaList('assignee', query.assignee),
        labels: commaList('label', query.label),
        components: commaList('component', query.component),
      };
      const covering = syncs.filter(
        s => (selection.instance === null || s.instance === selection.instance) && s.projects.some(p => selection.projectKeys.includes(p.toUpperCase())),
      );
      const pageRequest = { sort: query.sort ?? 'updated', order: query.order ?? 'desc', limit: pageLimit(query.limit ?? DEFAULT_LIMIT), cursor: query.cursor };
      const [page, counts, syncStatusList] = await Promise.all([
        withCursor(queryStore.listIssues({ ...selected, text: query.q || undefined, statusCategory, anyOf }, pageRequest)),
        queryStore.countByStatusCategory(selected),
        syncStatuses(statusSources, covering, now(), { issueCounts: false }),
      ]);
      return {
        entityRef,
        selector: { projectKeys: selection.projectKeys, component: selection.component, components: selection.components, label: selection.label },
        counts: { ...counts }, // an object type, not the store's interface, for the typed router
        ...pageOf(page.items.map(i => serializeIssue(i, baseUrls)), page.nextCursor),
        syncs: syncStatusList,
      };
    },

    /** The values of the entity tab's filter menus, within the entity's selection and the caller's access. */
    async entityIssueFacets(credentials: BackstageCredentials, name: EntityName) {
      const access = await issueAccess(credentials);
      const { selection } = await entityFor(credentials, name);
      return { ...(await queryStore.issueFacets({ ...selectionFilter(selection), access })) };
    },

    /** The entity tab's charts over whole UTC days `from`..`to` (default the last 12 weeks). */
    async entityCumulativeFlow(credentials: BackstageCredentials, name: EntityName, query: ChartQuery & { by?: 'category' | 'status' }) {
      const { filter, window } = await chartScope(credentials, name, query);
      return charts.cumulativeFlow(filter, window, query.by);
    },
    async entityCycleTime(credentials: BackstageCredentials, name: EntityName, query: ChartQuery) {
      const { filter, window } = await chartScope(credentials, name, query);
      return charts.cycleTime(filter, window);
    },
    async entityThroughput(credentials: BackstageCredentials, name: EntityName, query: ChartQuery) {
      const { filter, window } = await chartScope(credentials, name, query);
      return charts.throughput(filter, window);
    },
    async entityTimeInStatus(credentials: BackstageCredentials, name: EntityName, query: ChartQuery) {
      const { filter, window } = await chartScope(credentials, name, query);
      return charts.timeInStatus(filter, window);
    },

    async entityFlowMetrics(credentials: BackstageCredentials, name: EntityName, weeks = DEFAULT_WEEKS) {
      const access = await issueAccess(credentials);
      const { selection } = await entityFor(credentials, name);
      return flowMetricsFor({ ...selectionFilter(selection), access }, weeks);
    },

    async projectFlowMetrics(credentials: BackstageCredentials, projectKey: string, query: { instance?: string; weeks?: number }) {
      const access = await issueAccess(credentials);
      const { instance } = query;
      return flowMetricsFor({ projectKeys: [projectKey.toUpperCase()], ...(instance && { instance }), access }, query.weeks ?? DEFAULT_WEEKS);
    },

    async listSyncs(credentials: BackstageCredentials) {
      await authorize(credentials, jiraSyncSyncReadPermission);
      return { items: await syncStatuses(statusSources, syncs, now()) };
    },

    async listRuns(credentials: BackstageCredentials, syncId: string, limit = 20) {
      await authorize(credentials, jiraSyncSyncReadPermission);
      const sync = syncOf(syncId);
      return { items: (await syncStore.listRuns(sync.id, limit)).map(serializeRun) };
    },

    /** ConflictError (409) from the scheduler when the sync is running already. */
    async triggerSync(credentials: BackstageCredentials, syncId: string, context: CallContext = {}) {
      await authorize(credentials, jiraSyncRunTriggerPermission);
      const sync = syncOf(syncId);
      const caller = credentials.principal as BackstageUserPrincipal | BackstageServicePrincipal;
      const actor = caller.type === 'user' ? caller.userEntityRef : caller.subject;
      // Written first so whichever replica starts the run can record who asked for it.
      const requestId = await syncStore.addTriggerRequest({ syncId: sync.id, actor, nowMs: now() });
      try {
        await audited(context, 'sync-trigger', { syncId: sync.id }, () => scheduler.triggerTask(syncTaskId(sync.id)));
      } catch (error) {
        // Removed, not left for the running run: that run started before this request and was not asked for by it.
        await syncStore.removeTriggerRequest(requestId);
        throw error;
      }
      logger.info(`sync "${sync.id}" triggered by ${actor}`);
      return { syncId: sync.id };
    },

    async listDeadLetters(credentials: BackstageCredentials, syncId: string, includeResolved = false) {
      await authorize(credentials, jiraSyncSyncReadPermission);
      const sync = syncOf(syncId);
      return { items: (await syncStore.listDeadLetters(sync.id, { includeResolved })).map(serializeDeadLetter) };
    },

    async retryDeadLetter(credentials: BackstageCredentials, syncId: string, issueId: string, context: CallContext = {}) {
      await authorize(credentials, jiraSyncDeadLetterRetryPermission);
      const sync = syncOf(syncId);
      if (!/^\d+$/.test(issueId)) throw new InputError(`path parameter "issueId" must be a numeric Jira issue id; got "${issueId}"`);
      if (!(await syncStore.getDeadLetter(sync.id, issueId))) {
        throw new NotFoundError(`no dead letter waiting for issue ${issueId} in sync "${sync.id}"`);
      }
      const result = await audited(context, 'dead-letter-retry', { syncId: sync.id, issueId }, () => engine.retryDeadLetter(sync, issueId));
      return { outcome: result.outcome, ...(result.error !== undefined && { error: result.error }) };
    },
  };
}

export type JiraSyncApi = ReturnType<typeof createJiraSyncApi>;
