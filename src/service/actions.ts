import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import { jiraSyncSyncReadPermission } from '@jira-sync/backstage-plugin-jira-sync-common';
import type { JiraSyncApi } from './jiraSyncApi';

type Zod = Parameters<Parameters<ActionsRegistryService['register']>[0]['schema']['input']>[0];

// Output schemas keep the fields they do not name (passthrough): the registry strips what a schema leaves out.
const issueSchema = (z: Zod) =>
  z.object({
    instance: z.string(), id: z.string(), key: z.string(), url: z.string(), projectKey: z.string(),
    summary: z.string().nullable(), status: z.string().nullable(), statusCategory: z.string().nullable(),
    created: z.string(), updated: z.string(),
  }).passthrough();
const syncStatusSchema = (z: Zod) =>
  z.object({ id: z.string(), instance: z.string(), strategy: z.string(), health: z.object({ status: z.string(), reason: z.string() }) }).passthrough();
const flowMetricsSchema = (z: Zod) =>
  z.object({ from: z.string(), to: z.string(), issues: z.number(), cycleTime: z.object({}).passthrough(), leadTime: z.object({}).passthrough(), throughput: z.array(z.object({}).passthrough()), timeInStatus: z.array(z.object({}).passthrough()) });

/**
 * The plugin's operations for AI agents and other callers of Backstage's actions registry (e.g.
 * the MCP server). Each calls the same JiraSyncApi operation as its REST route, with the
 * caller's credentials, so the same permissions apply.
 */
// Issue reads are a resource permission (conditional): each operation applies the caller's access scope.
export function registerJiraSyncActions(actionsRegistry: ActionsRegistryService, api: JiraSyncApi): void {
  actionsRegistry.register({
    name: 'get-entity-issues',
    title: 'Jira issues of a catalog entity',
    description:
      'The synced Jira issues selected by a catalog entity\'s jira/project-key (and jira/component, jira/label) annotations, with counts per status category and the freshness of the syncs covering them. Same as GET /entities/{kind}/{namespace}/{name}/issues.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({
        entityRef: z.string().describe('Entity reference, e.g. component:default/payments'),
        statusCategory: z.enum(['new', 'indeterminate', 'done', 'open', 'all']).optional().describe('open = new + indeterminate; default all'),
        q: z.string().optional().describe('Text in the summary (case-insensitive)'),
        sort: z.enum(['updated', 'created', 'key', 'priority', 'status']).optional(),
        order: z.enum(['asc', 'desc']).optional(),
        limit: z.number().int().min(1).max(500).optional(),
        cursor: z.string().optional().describe('nextCursor of the previous page'),
      }),
      output: z => z.object({
        entityRef: z.string(),
        counts: z.object({ new: z.number(), indeterminate: z.number(), done: z.number(), total: z.number() }),
        items: z.array(issueSchema(z)),
        nextCursor: z.string().optional(),
        syncs: z.array(syncStatusSchema(z)),
      }).passthrough(),
    },
    action: async ({ input: { entityRef, ...query }, credentials }) => {
      const { kind, namespace, name } = parseEntityRef(entityRef);
      return { output: await api.entityIssues(credentials, { kind, namespace, name }, query) };
    },
  });

  actionsRegistry.register({
    name: 'get-issue',
    title: 'One Jira issue with its history and flow',
    description:
      'One synced Jira issue by key or numeric id: its fields and links, its changelog (oldest first, up to 500 histories) and its flow facts (status timeline, cycle and lead time once done).',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({
        keyOrId: z.string().describe('Issue key (PAY-12) or numeric Jira id'),
        instance: z.string().optional().describe('Jira instance name, when keys repeat across instances'),
      }),
      output: z => z.object({
        issue: issueSchema(z),
        history: z.array(z.object({ id: z.string(), created: z.string(), items: z.array(z.object({ field: z.string() }).passthrough()) }).passthrough()),
        historyTruncated: z.boolean(),
        flow: z.object({
          created: z.string(), cycleStarted: z.string().nullable(), completed: z.string().nullable(),
          leadTimeHours: z.number().nullable(), cycleTimeHours: z.number().nullable(),
          statuses: z.array(z.object({ status: z.string().nullable(), start: z.string(), end: z.string().nullable(), hours: z.number() })),
        }),
      }),
    },
    action: async ({ input: { keyOrId, instance }, credentials }) => {
      const issue = await api.getIssue(credentials, keyOrId, instance);
      const [history, flow] = await Promise.all([
        api.getChangelog(credentials, issue.id, { instance: issue.instance, limit: 500 }),
        api.getIssueFlow(credentials, issue.id, issue.instance),
      ]);
      return { output: { issue, history: history.items, historyTruncated: history.nextCursor !== undefined, flow } };
    },
  });

  actionsRegistry.register({
    name: 'get-project-flow-metrics',
    title: 'Flow metrics of a Jira project',
    description:
      'Cycle time, lead time, weekly throughput and time in status of a Jira project\'s issues completed in the last weeks, computed from the synced changelog. Same as GET /projects/{projectKey}/metrics.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({
        projectKey: z.string(),
        instance: z.string().optional(),
        weeks: z.number().int().min(1).max(104).optional().describe('ISO weeks back, the current one included; default 12'),
      }),
      output: flowMetricsSchema,
    },
    action: async ({ input: { projectKey, ...query }, credentials }) => ({
      output: await api.projectFlowMetrics(credentials, projectKey, query),
    }),
  });

  actionsRegistry.register({
    name: 'list-syncs',
    title: 'Status and health of the Jira syncs',
    description:
      'Every sync in the spec with its state, last run, next run, dead letters and health (healthy, degraded, failing, stale, unknown) with the reason. Same as GET /syncs.',
    visibilityPermission: jiraSyncSyncReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({}),
      output: z => z.object({ items: z.array(syncStatusSchema(z)) }),
    },
    action: async ({ credentials }) => ({ output: await api.listSyncs(credentials) }),
  });

  actionsRegistry.register({
    name: 'trigger-sync',
    title: 'Run a Jira sync now',
    description:
      'Hands a run of the sync to the scheduler now (its usual strategy). Fails with a conflict when the sync is running already. Same as POST /syncs/{syncId}/trigger.',
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z => z.object({ syncId: z.string().describe('The sync id from list-syncs') }),
      output: z => z.object({ syncId: z.string() }),
    },
    action: async ({ input, credentials }) => ({ output: await api.triggerSync(credentials, input.syncId) }),
  });
}
