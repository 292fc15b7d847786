import type express from 'express';
import Router from 'express-promise-router';
import type { IssueFilter, IssueQueryStore } from '../../store/types';
import { enumParam, rejectUnknownParams, type Query } from '../params';
import { issueKeyOf, type StatusChange } from '../flowMetrics';
import { chartWindow, type ChartWindow } from './chartWindow';
import { cumulativeFlow, cycleTime, throughput, timeInStatus, type FlowInput } from './charts';

export interface ChartRoutesOptions {
  queryStore: IssueQueryStore;
  /** The issue-read permission check; resolves to the caller's credentials. */
  authorize(req: express.Request): Promise<unknown>;
  /** The entity's issue filter, read from the catalog with those credentials. */
  entityFilter(req: express.Request, credentials: unknown): Promise<IssueFilter>;
  now: () => number;
}

async function statusChangesOf(queryStore: IssueQueryStore, issues: Array<{ instance: string; issueId: string }>): Promise<StatusChange[]> {
  const byInstance = new Map<string, string[]>();
  for (const issue of issues) byInstance.set(issue.instance, [...(byInstance.get(issue.instance) ?? []), issue.issueId]);
  const out: StatusChange[] = [];
  for (const [instance, ids] of byInstance) {
    for (const c of await queryStore.historiesForIssues(instance, ids, ['status'])) {
      out.push({ instance, issueId: c.issueId, historyId: c.historyId, createdMs: c.createdMs, fromString: c.fromString, toString: c.toString });
    }
  }
  return out;
}

/**
 * Issues and status histories for a window. Every issue of the selection is read, but histories
 * only of those updated since the window opened: a status change updates the issue, so the others
 * stayed in their current status all through the window (which is what their timeline says).
 */
async function flowInput(queryStore: IssueQueryStore, filter: IssueFilter, window: ChartWindow, allIssues: boolean): Promise<FlowInput> {
  const changed = await queryStore.issuesForFlow({ ...filter, updatedSinceMs: window.fromMs });
  if (!allIssues) return { issues: changed, statusChanges: await statusChangesOf(queryStore, changed), window };
  const changedKeys = new Set(changed.map(issueKeyOf));
  // Without their histories, the unchanged issues' timelines are their current status since creation.
  const issues = (await queryStore.issuesForFlow(filter)).map(i => (changedKeys.has(issueKeyOf(i)) ? i : { ...i, initialStatus: i.status }));
  return { issues, statusChanges: await statusChangesOf(queryStore, changed), window };
}

/**
 * GET /entities/:kind/:namespace/:name/charts/* (cumulative flow, cycle time, throughput, time in
 * status) and .../issues/facets (the entity tab's filter menus).
 */
export function createChartRoutes(options: ChartRoutesOptions): express.Router {
  const { queryStore, now } = options;
  const router = Router();
  const base = '/entities/:kind/:namespace/:name/charts';

  router.get('/entities/:kind/:namespace/:name/issues/facets', async (req, res) => {
    const credentials = await options.authorize(req);
    rejectUnknownParams(req.query as Query, []);
    res.json(await queryStore.issueFacets(await options.entityFilter(req, credentials)));
  });

  router.get(`${base}/cumulative-flow`, async (req, res) => {
    const credentials = await options.authorize(req);
    const query = req.query as Query;
    rejectUnknownParams(query, ['from', 'to', 'by']);
    const window = chartWindow(query, now());
    const by = enumParam(query, 'by', ['category', 'status'] as const, 'category');
    const filter = await options.entityFilter(req, credentials);
    res.json(cumulativeFlow({ ...(await flowInput(queryStore, filter, window, true)), by }));
  });

  router.get(`${base}/cycle-time`, async (req, res) => {
    const credentials = await options.authorize(req);
    const query = req.query as Query;
    rejectUnknownParams(query, ['from', 'to']);
    const window = chartWindow(query, now());
    const input = await flowInput(queryStore, await options.entityFilter(req, credentials), window, false);
    const completed = new Set(cycleTime({ ...input, summaries: new Map() }).points.map(p => p.issueId));
    const byInstance = new Map<string, string[]>();
    for (const issue of input.issues) {
      if (completed.has(issue.issueId)) byInstance.set(issue.instance, [...(byInstance.get(issue.instance) ?? []), issue.issueId]);
    }
    const summaries = new Map<string, string | null>();
    for (const [instance, ids] of byInstance) {
      for (const [id, summary] of await queryStore.issueSummaries(instance, ids)) summaries.set(issueKeyOf({ instance, issueId: id }), summary);
    }
    res.json(cycleTime({ ...input, summaries }));
  });

  router.get(`${base}/throughput`, async (req, res) => {
    const credentials = await options.authorize(req);
    const query = req.query as Query;
    rejectUnknownParams(query, ['from', 'to']);
    const window = chartWindow(query, now());
    res.json(throughput(await flowInput(queryStore, await options.entityFilter(req, credentials), window, false)));
  });

  router.get(`${base}/time-in-status`, async (req, res) => {
    const credentials = await options.authorize(req);
    const query = req.query as Query;
    rejectUnknownParams(query, ['from', 'to']);
    const window = chartWindow(query, now());
    res.json(timeInStatus(await flowInput(queryStore, await options.entityFilter(req, credentials), window, false)));
  });

  return router;
}
