import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import type { JiraClient, JiraIssue } from '../jira/types';
import { REQUIRED_FIELDS } from '../jira/client';
import { jqlEpochMinute } from '../jira/time';
import type {
  CompletenessCheckResult,
  CompletenessCount,
  IssueSnapshotReader,
  OpsStore,
  SyncStore,
} from '../store/types';
import { compareWithJira, type Difference } from '../sync/compare';
import { scopeJql } from '../sync/jql';
import { IssueTransformError, toIssueVersion, type ResolvedFieldMapping } from '../sync/transform';
import { IssueWriter } from '../sync/IssueWriter';
import { readJira } from '../sync/SweepPlan';
import { createRunContext, type RunContext } from '../sync/RunContext';
import type { OpsMetrics } from './OpsMetrics';

export interface CompletenessCheckOptions {
  syncStore: Pick<SyncStore, 'getState' | 'listRuns' | 'scopeIssueIds' | 'writePage' | 'addDeadLetter' | 'storedHistoryStates'>;
  opsStore: OpsStore;
  reader: IssueSnapshotReader;
  clientFor(instance: string): JiraClient;
  logger: LoggerService;
  sampleSize: number;
  repair: boolean;
  metrics?: OpsMetrics;
  now?: () => number;
  /** In [0, 1); tests pass a seeded one. */
  random?: () => number;
}

export interface CompletenessReport extends CompletenessCheckResult {
  checkId: string;
  syncId: string;
}

const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const MINUTE_MS = 60_000;
const CHECK_KINDS = new Set<Difference['kind']>(['field', 'histories', 'links', 'deleted']);

/**
 * The scheduled completeness check of one sync: per-project counts against Jira's approximate
 * count, and a random sample of stored issues compared field by field and history by history
 * with what Jira returns now. Issues Jira changed since the last run are left out (that is lag,
 * which the next run fixes, not drift). With `repair`, differing issues are re-fetched and written
 * through the store like any sync page.
 */
export class CompletenessCheck {
  private readonly writer: IssueWriter;

  constructor(private readonly options: CompletenessCheckOptions) {
    this.writer = new IssueWriter({ store: options.syncStore, now: () => this.now() });
  }

  private now() {
    return this.options.now ? this.options.now() : Date.now();
  }

  async run(sync: SyncDefinition, { signal }: { signal?: AbortSignal } = {}): Promise<CompletenessReport> {
    const { opsStore, metrics } = this.options;
    const checkId = await opsStore.startCompletenessCheck({ syncId: sync.id, nowMs: this.now() });
    const logger = this.options.logger.child({ syncId: sync.id, checkId });
    let result: CompletenessCheckResult;
    try {
      result = await this.inspect(sync, { signal, logger });
    } catch (e) {
      result = { ...emptyResult('failed'), error: (e as Error).message };
      logger.error(`completeness check of sync "${sync.id}" failed: ${result.error}`);
    }
    await opsStore.finishCompletenessCheck({ checkId, result, nowMs: this.now() });
    metrics?.recordCheck(sync.id, result.outcome, result.repaired);
    logger.info(
      `completeness check of sync "${sync.id}" ${result.outcome}: ${result.compared} of ${result.sampled} sampled issues compared, ` +
        `${result.differing} differing, ${result.missingInJira} missing in Jira, ${result.countMismatches} project counts off, ` +
        `${result.repaired} repaired${result.error ? ` (${result.error})` : ''}`,
    );
    return { checkId, syncId: sync.id, ...result };
  }

  /**
   * The comparison alone, recorded nowhere: with `repair` off it only reads (the database and
   * Jira), which is what `jira-sync compare` runs. Throws where `run` would record a failure.
   */
  async inspect(
    sync: SyncDefinition,
    { signal, logger = this.options.logger.child({ syncId: sync.id }) }: { signal?: AbortSignal; logger?: LoggerService } = {},
  ): Promise<CompletenessCheckResult> {
    const { syncStore } = this.options;
    const [state, runs] = await Promise.all([syncStore.getState(sync.id), syncStore.listRuns(sync.id, 20)]);
    const lastSuccess = runs.find(run => run.outcome === 'succeeded' && readJira(run));
    if (!state || state.watermarkMs === null || !lastSuccess) {
      return { ...emptyResult('skipped'), error: 'the sync has not completed a sweep yet' };
    }
    return this.check(sync, lastSuccess.startedMs, state.fetchedFields ?? undefined, logger, signal);
  }

  private async check(
    sync: SyncDefinition,
    lastSweepStartedMs: number,
    fetchedFields: string[] | undefined,
    logger: LoggerService,
    signal: AbortSignal | undefined,
  ): Promise<CompletenessCheckResult> {
    const context = await createRunContext({ sync, client: this.options.clientFor(sync.instance), store: this.options.syncStore, logger, signal });
    const { client, mappings } = context;
    const fields = [...new Set([...(fetchedFields ?? context.fetchFields), ...REQUIRED_FIELDS])];

    const counts = await this.counts(sync, client, lastSweepStartedMs);
    const countMismatches = counts.filter(c => c.jira !== null && c.jira !== c.stored).length;
    for (const c of counts.filter(x => x.jira !== null && x.jira !== x.stored)) {
      logger.warn(`sync "${sync.id}": project ${c.project} has ${c.jira} issues in Jira but ${c.stored} stored (created before the last sweep)`);
    }

    const sample = this.sample(await this.options.syncStore.scopeIssueIds(sync.id, sync.instance));
    const jiraIssues = sample.length ? await client.getIssues(sample, { fields, signal, context: `completeness check of sync "${sync.id}"` }) : [];
    const { comparable, lagging } = await this.withoutLag(sync.instance, jiraIssues, mappings);
    const returned = new Set(jiraIssues.map(i => String(i.id)));
    const missing = sample.filter(id => !returned.has(id));
    let differences = await this.compare(sync.instance, comparable, mappings);
    const differingIds = [...new Set(differences.map(d => d.issueId))];
    const differing = differingIds.length;
    if (lagging) logger.info(`sync "${sync.id}": ${lagging} sampled issues changed in Jira since the last run; left out of the comparison`);

    let repaired = 0;
    if (this.options.repair && differing) {
      const toRepair = comparable.filter(issue => differingIds.includes(String(issue.id)));
      await this.repair(context, toRepair);
      const after = await this.compare(sync.instance, toRepair, mappings);
      repaired = differing - new Set(after.map(d => d.issueId)).size;
      differences = [...differences.filter(d => !differingIds.includes(d.issueId)), ...after];
      logger.info(`sync "${sync.id}": repaired ${repaired} of ${differing} differing issues`);
    }
    for (const d of differences.slice(0, 20)) {
      logger.warn(`sync "${sync.id}": drift in ${d.issueKey ?? d.issueId} [${d.kind}] ${d.detail}`);
    }
    const missingDifferences = missing.map(issueId => ({ issueId, kind: 'missing-in-jira', detail: 'stored as live, not returned by Jira (deleted or no access)' }));
    return {
      outcome: 'succeeded',
      sampled: sample.length,
      compared: comparable.length,
      differing,
      missingInJira: missing.length,
      countMismatches,
      repaired,
      unrepairedDrift: differing - repaired + missing.length + countMismatches,
      counts,
      differences: [...differences, ...missingDifferences],
    };
  }

  /**
   * Per project: Jira's approximate count of scope issues created before the minute the last
   * sweep started, against the stored ones (so issues created since are not counted as missing).
   */
  private async counts(sync: SyncDefinition, client: JiraClient, lastSweepStartedMs: number): Promise<CompletenessCount[]> {
    const cutoffMs = Math.floor(lastSweepStartedMs / MINUTE_MS) * MINUTE_MS;
    const cutoff = jqlEpochMinute(cutoffMs);
    const scope = scopeJql(sync);
    const stored = await this.options.opsStore.countScopeIssuesByProject({ syncId: sync.id, instance: sync.instance, createdBeforeMs: cutoffMs });
    const projects = sync.projects.length ? sync.projects : ['*'];
    const counts: CompletenessCount[] = [];
    for (const project of projects) {
      const jql = project === '*' ? `${scope} AND created < ${cutoff}` : `project = ${quote(project)} AND ${scope} AND created < ${cutoff}`;
      const jira = (await client.approximateCount(jql).catch(() => undefined)) ?? null;
      const storedCount = project === '*' ? [...stored.values()].reduce((a, b) => a + b, 0) : stored.get(project) ?? 0;
      counts.push({ project, jira, stored: storedCount });
    }
    return counts;
  }

  private sample(ids: string[]): string[] {
    const random = this.options.random ?? Math.random;
    const pool = [...ids];
    const n = Math.min(this.options.sampleSize, pool.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, n);
  }

  /** Leaves out issues Jira updated after the stored version: the next run picks those up. */
  private async withoutLag(instance: string, issues: JiraIssue[], mappings: ResolvedFieldMapping[]) {
    const stored = new Map((await this.options.reader.getIssueRecords(instance, issues.map(i => String(i.id)))).map(r => [r.issueId, r]));
    const comparable: JiraIssue[] = [];
    let lagging = 0;
    for (const issue of issues) {
      const row = stored.get(String(issue.id));
      let updatedMs: number | undefined;
      try {
        updatedMs = toIssueVersion(instance, issue, mappings).issue.updatedMs;
      } catch (e) {
        if (!(e instanceof IssueTransformError)) throw e;
      }
      if (row && updatedMs !== undefined && updatedMs > row.updatedMs) lagging++;
      else comparable.push(issue);
    }
    return { comparable, lagging };
  }

  private async compare(instance: string, jiraIssues: JiraIssue[], mappings: ResolvedFieldMapping[]): Promise<Difference[]> {
    if (!jiraIssues.length) return [];
    const differences = await compareWithJira({ instance, reader: this.options.reader, jiraIssues, mappings });
    return differences.filter(d => CHECK_KINDS.has(d.kind) || d.kind === 'missing');
  }

  /** Writes the differing issues again through the sync's issue writer, like any sync page. */
  private async repair(context: RunContext, issues: JiraIssue[]) {
    const { failed } = await this.writer.write(context, issues);
    for (const { issue, error } of failed) {
      context.logger.warn(`sync "${context.sync.id}": cannot repair ${issue.key}: ${error.message}`);
    }
  }
}

function emptyResult(outcome: CompletenessCheckResult['outcome']): CompletenessCheckResult {
  return {
    outcome,
    sampled: 0,
    compared: 0,
    differing: 0,
    missingInJira: 0,
    countMismatches: 0,
    repaired: 0,
    unrepairedDrift: 0,
    counts: [],
    differences: [],
  };
}
