import { createHash } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import { specHash } from '../spec';
import type { ApiCounters, IssuePage, JiraClient, JiraIssue } from '../jira/types';
import { countJiraCalls, CounterSet } from '../jira/counters';
import { resolveFieldMappings } from '../jira/fields';
import type { IssueVersion, ReprojectionStore, RunCounters, SyncStateRecord, SyncStateUpdate, SyncStore } from '../store/types';
import { projectCustomFields, contentHashOf } from './transform';
import type { ResolvedFieldMapping } from './transform';
import { createRunContext, emptyCounters, fetchFieldsOf, type RunContext } from './RunContext';
import { IssueWriter, countWrite } from './IssueWriter';
import { REPROJECT_PLAN, incrementalFromMs, planSweep, runLabel, type RunPlan, type SweepCheckpoint, type SweepPlan } from './SweepPlan';
import { scopeJql, sweepJql } from './jql';
import { SyncMetrics } from './metrics';
import { ProgressLog } from './ProgressLog';
import { readAhead } from './readAhead';
import { chunk } from '../lib/chunk';
import { IdSet } from '../lib/ids';
import { redactUrlCredentials } from '../lib/redactUrls';

/** What a run's body gets: the sync, its counters and logger; the client unless the run calls no Jira. */
interface RunScope {
  runId: string;
  sync: SyncDefinition;
  client?: JiraClient;
  counters: RunCounters;
  logger: LoggerService;
  signal?: AbortSignal;
}

export interface RunSummary extends RunCounters {
  runId: string;
  syncId: string;
  strategy: string;
  outcome: 'succeeded' | 'failed' | 'aborted';
  error?: string;
  guard?: DeletionGuardReport;
  census?: CensusReport;
}

/** What the deletion guard held back: the whole sync, or the projects that lost too much at once. */
export interface DeletionGuardReport {
  /** Issues stored in what was held back (the whole sync, or the held projects). */
  stored: number;
  /** Of those, how many Jira no longer returned: none of them was deleted. */
  missing: number;
  maxDeleteShare: number;
  /** Per project with missing issues; `held` marks the ones whose deletions were held back. */
  projects?: Array<{ project: string; stored: number; missing: number; held: boolean }>;
}

/** The census's other direction: in scope in Jira, absent from the copy, fetched and written. */
export interface CensusReport {
  absent: number;
  written: number;
}

export class SyncAbortedError extends Error {
  constructor(syncId: string) {
    super(`sync "${syncId}" was aborted; it resumes from its last checkpoint`);
    this.name = 'SyncAbortedError';
  }
}

/** Pages read ahead of the one being written: a changelog batch (1000 issues, 10 pages) is fetched while the previous one is written. */
const READ_AHEAD_PAGES = 10;
/** Histories held in pages read ahead: a page of long-tail issues counts for what it weighs. */
const READ_AHEAD_HISTORIES = 20_000;

/** Ids per scope-check search: an `id in (...)` list Jira accepts comfortably. */
const SCOPE_CHECK_IDS = 100;

/** Deletions this small are never held back by the guard: the share test is meant for mass disappearance. */
const GUARD_FREE_DELETIONS = 5;

const fieldsHashOf = (fields: string[]) =>
  createHash('sha256').update([...new Set(fields)].sort().join(',')).digest('hex');

export interface SyncEngineOptions {
  store: SyncStore & ReprojectionStore;
  clientFor(instance: string): JiraClient;
  logger: LoggerService;
  metrics?: SyncMetrics;
  now?: () => number;
  /** Called after every recorded run with the error that ended it, if any (alerts); its failures are only logged. */
  onRunFinished?(summary: RunSummary, error: unknown): Promise<void>;
}

/**
 * Runs syncs: full, incremental and reconciling sweeps from Jira into the store. The only part
 * that sees both Jira and the database.
 */
export class SyncEngine {
  private readonly now: () => number;
  private readonly writer: IssueWriter;

  constructor(private readonly options: SyncEngineOptions) {
    this.now = options.now ?? Date.now;
    this.writer = new IssueWriter({ store: options.store, now: this.now });
  }

  /** One scheduled (or triggered) run of a sync. Never throws for run failures: they are recorded. */
  async run(sync: SyncDefinition, options: { signal?: AbortSignal; trigger?: string } = {}): Promise<RunSummary> {
    const { store } = this.options;
    const state = await store.getState(sync.id);
    const hash = specHash(sync);
    const scope = scopeJql(sync);
    const scopeChanged = !!state?.scopeJql && state.scopeJql !== scope;
    if (state && state.specHash && state.specHash !== hash && !scopeChanged) {
      await this.reprojectIfLocal(sync, state, hash);
    }
    const refreshed = (await store.getState(sync.id)) ?? state;
    const plan = planSweep(sync, refreshed, hash, scope);
    return this.recordRun(
      sync,
      plan,
      options.trigger ?? 'schedule',
      run => this.sweep({ ...run, state: refreshed, plan, hash }),
      options.signal,
    );
  }

  /**
   * Fetches one dead-lettered issue again (the API's retry button): stored, still failing, gone
   * from Jira, or no longer in the sync's scope (then resolved without being written as in scope).
   */
  async retryDeadLetter(sync: SyncDefinition, issueId: string): Promise<{ outcome: 'stored' | 'still-failing' | 'not-found' | 'out-of-scope'; error?: string }> {
    const { store } = this.options;
    const context = await createRunContext({
      sync,
      client: this.options.clientFor(sync.instance),
      store,
      logger: this.options.logger.child({ syncId: sync.id }),
    });
    const [issue] = await context.client.getIssues([issueId], { fields: context.fetchFields, storedHistories: context.storedHistories, context: context.label });
    if (issue) {
      const { inScope } = await this.partitionByScope(context, [issue]);
      if (!inScope.length) {
        await this.resolveOutOfScope(context, [issue]);
        return { outcome: 'out-of-scope' };
      }
      const { failed } = await this.writer.write(context, [issue]);
      if (failed.length) return { outcome: 'still-failing', error: redactUrlCredentials(failed[0].error.message) };
    }
    await store.resolveDeadLetter({ syncId: sync.id, instance: sync.instance, issueId, nowMs: this.now() });
    return { outcome: issue ? 'stored' : 'not-found' };
  }

  /** Splits fetched issues by the sync's scope now: its projects locally, its JQL by an id-only search. */
  private async partitionByScope(context: RunContext, issues: JiraIssue[]): Promise<{ inScope: JiraIssue[]; outOfScope: JiraIssue[] }> {
    const { sync, client, signal } = context;
    const projectOf = (issue: JiraIssue) => (issue.fields.project as { key?: string } | undefined)?.key ?? issue.key.split('-')[0];
    let candidates = issues.filter(i => !sync.projects.length || sync.projects.includes(projectOf(i)));
    if (sync.jql?.trim() && candidates.length) {
      const matched = new Set<string>();
      for (const ids of chunk(candidates.map(i => String(i.id)), SCOPE_CHECK_IDS)) {
        for await (const page of client.searchIds({ jql: `id in (${ids.join(', ')}) AND ${scopeJql(sync)}`, signal, context: context.label })) {
          for (const id of page) matched.add(String(id));
        }
      }
      candidates = candidates.filter(i => matched.has(String(i.id)));
    }
    const kept = new Set(candidates);
    return { inScope: candidates, outOfScope: issues.filter(i => !kept.has(i)) };
  }

  /** Dead letters of issues that left the sync's scope: resolved, and any row the sync held leaves its scope, with the reason. */
  private async resolveOutOfScope(context: RunContext, issues: JiraIssue[]): Promise<number> {
    const { store } = this.options;
    const { sync, logger } = context;
    if (!issues.length) return 0;
    const nowMs = this.now();
    const reason = `no longer matches sync "${sync.id}" (moved or changed in Jira) when its dead letter was retried`;
    const { deleted } = await store.removeFromScope({ syncId: sync.id, instance: sync.instance, goneIds: issues.map(i => String(i.id)), reason, nowMs });
    for (const issue of issues) {
      await store.resolveDeadLetter({ syncId: sync.id, instance: sync.instance, issueId: String(issue.id), nowMs });
    }
    logger.info(`sync "${sync.id}": dead letters of ${issues.map(i => i.key).join(', ')} resolved without writing: ${reason}`);
    return deleted;
  }

  /** Re-applies the spec's custom-field mappings to stored raw fields: zero Jira calls. */
  async reproject(sync: SyncDefinition, mappings: ResolvedFieldMapping[]): Promise<number> {
    const { store } = this.options;
    let changed = 0;
    for (const ids of chunk(await store.scopeIssueIds(sync.id, sync.instance), 500)) {
      const rows = await store.getIssueRecords(sync.instance, ids);
      const updates = [];
      for (const row of rows) {
        const customFields = projectCustomFields(row.rawFields, mappings);
        const { contentHash: previous, ...rest } = { ...row, customFields };
        const contentHash = contentHashOf(rest);
        if (contentHash !== previous) updates.push({ issueId: row.issueId, customFields, contentHash });
      }
      changed += updates.length;
      if (updates.length) await store.updateCustomFields(sync.instance, updates);
    }
    return changed;
  }

  private async reprojectIfLocal(sync: SyncDefinition, state: SyncStateRecord, hash: string) {
    const { store, logger } = this.options;
    const catalogue = await store.loadFields(sync.instance);
    let mappings: ResolvedFieldMapping[];
    try {
      mappings = resolveFieldMappings(sync.customFields, catalogue);
    } catch {
      return; // Names the stored catalogue cannot resolve: the run loads the live catalogue and backfills.
    }
    const fetched = new Set(state.fetchedFields ?? []);
    if (!fetchFieldsOf(sync, mappings).every(f => fetched.has(f))) return;
    await this.recordRun(sync, REPROJECT_PLAN, 'spec-change', async ({ counters }) => {
      counters.issuesUpdated = await this.reproject(sync, mappings);
      await store.saveState({ syncId: sync.id, instance: sync.instance, specHash: hash }, this.now());
      logger.info(`sync "${sync.id}": spec changed only mappings of fetched fields; re-projected ${counters.issuesUpdated} issues locally`);
      return {};
    });
  }

  private async recordRun(
    sync: SyncDefinition,
    plan: RunPlan,
    trigger: string,
    body: (run: RunScope) => Promise<{ guard?: DeletionGuardReport; census?: CensusReport }>,
    signal?: AbortSignal,
  ): Promise<RunSummary> {
    const { store, metrics } = this.options;
    const strategy = runLabel(plan);
    const startedMs = this.now();
    const runId = await store.startRun({ syncId: sync.id, strategy, trigger, nowMs: startedMs });
    const logger = this.options.logger.child({ syncId: sync.id, runId });
    const counters = emptyCounters();
    // A re-projection reads only the database: no client, no API counters.
    const client = plan.kind === 'reproject' ? undefined : this.options.clientFor(sync.instance);
    // Counted in the run's own scope: concurrent runs, webhooks and checks on the same client are not this run's calls.
    const calls = new CounterSet();
    let outcome: RunSummary['outcome'] = 'succeeded';
    let error: string | undefined;
    let guard: DeletionGuardReport | undefined;
    let census: CensusReport | undefined;
    let failure: unknown;
    try {
      ({ guard, census } = await countJiraCalls(calls, () => body({ runId, sync, client, counters, logger, signal })));
    } catch (e) {
      failure = e;
      // Aborted inside a Jira call (the scheduler's timeout), the error is the fetch's, not ours.
      outcome = e instanceof SyncAbortedError || signal?.aborted ? 'aborted' : 'failed';
      error = redactUrlCredentials((e as Error).message);
      logger[outcome === 'aborted' ? 'warn' : 'error'](`sync "${sync.id}" ${outcome}: ${error}`);
    }
    addApiCalls(counters, calls.snapshot());
    const endedMs = this.now();
    await store.finishRun({
      runId,
      outcome,
      counters,
      error,
      details: guard || census ? { ...(guard && { deletionGuard: guard }), ...(census && { census }) } : undefined,
      nowMs: endedMs,
    });
    metrics?.recordRun({ syncId: sync.id, strategy, outcome, durationMs: endedMs - startedMs, counters });
    logger.info(
      `sync "${sync.id}" ${strategy} run ${outcome} in ${endedMs - startedMs} ms: read ${counters.issuesRead}, ` +
        `inserted ${counters.issuesInserted}, updated ${counters.issuesUpdated}, unchanged ${counters.issuesUnchanged}, ` +
        `deleted ${counters.issuesDeleted}, histories ${counters.historiesWritten}, dead letters ${counters.deadLetters}, ` +
        `API calls ${counters.apiCalls} (retries ${counters.apiRetries})`,
    );
    const summary: RunSummary = { runId, syncId: sync.id, strategy, outcome, error, guard, census, ...counters };
    await this.options.onRunFinished?.(summary, failure).catch(e => logger.error(`after-run hook failed: ${(e as Error).message}`));
    return summary;
  }

  private async sweep(run: RunScope & {
    state: SyncStateRecord | undefined;
    plan: SweepPlan;
    hash: string;
  }): Promise<{ guard?: DeletionGuardReport; census?: CensusReport }> {
    const { sync, state, hash, logger, signal } = run;
    const { kind: mode, resumeFrom: resume } = run.plan;
    const { store } = this.options;
    const client = run.client!;
    client.beginRun?.();

    const catalogue = await client.fields();
    await store.saveFields(sync.instance, catalogue, this.now());
    const context = await createRunContext({ sync, client, store, logger, signal, counters: run.counters, catalogue });
    const { counters, fetchFields } = context;

    const scope = scopeJql(sync);
    const startedMs = this.now();
    const reconcileDue =
      mode === 'full' ||
      !state?.lastReconcileMs ||
      startedMs - state.lastReconcileMs >= sync.reconcileEveryMs;
    const checkpoint: SweepCheckpoint = resume ?? {
      mode,
      cursorMs: null,
      fromMs: mode === 'incremental' && state ? incrementalFromMs(state, sync.overlapMs) : null,
      reconcile: reconcileDue,
      runStartedMs: startedMs,
    };
    const jql = sweepJql(scope, checkpoint.cursorMs ?? checkpoint.fromMs);

    await this.retryDeadLetters(context);

    const expected = mode === 'full' ? await client.approximateCount(scope).catch(() => undefined) : undefined;
    if (mode === 'full') logger.info(`sync "${sync.id}": ${resume ? 'resuming' : 'starting'} a full sweep of ~${expected ?? '?'} issues`);
    const progress = new ProgressLog(logger, sync.id, expected, this.now, p => store.recordRunProgress({ runId: run.runId, ...p }));
    await progress.start();
    let maxUpdatedMs = state?.watermarkMs ?? null;

    // A page read ahead may see stored histories a page or two old: it then fetches a few known ones again, which the store skips.
    const pages = client.searchIssues({
      jql,
      fields: fetchFields,
      pageSize: sync.pageSize,
      signal,
      context: context.label,
      storedHistories: context.storedHistories,
    });
    // The versions that transformed move the cursor; the checkpoint is committed with them.
    const advance = (versions: IssueVersion[]): SyncStateUpdate => {
      for (const v of versions) {
        maxUpdatedMs = Math.max(maxUpdatedMs ?? 0, v.issue.updatedMs);
        checkpoint.cursorMs = Math.max(checkpoint.cursorMs ?? 0, v.issue.updatedMs);
      }
      return { syncId: sync.id, instance: sync.instance, resumePoint: checkpoint };
    };
    const weight = { weigh: (p: IssuePage) => p.issues.reduce((n, issue) => n + issue.histories.length + 1, 0), max: READ_AHEAD_HISTORIES };
    for await (const page of readAhead(pages, READ_AHEAD_PAGES, weight)) {
      // A resumed sweep keeps the Jira time of its first segment: edits since then are the next sweep's.
      if (checkpoint.jiraStartedMs === undefined || checkpoint.jiraStartedMs === null) checkpoint.jiraStartedMs = page.searchedAtJiraMs ?? null;
      const { result } = await this.writer.write(context, page.issues, { checkpoint: advance });
      countWrite(counters, result, page.issues.length);
      await progress.tick(counters.issuesRead);
      if (signal?.aborted) throw new SyncAbortedError(sync.id);
    }

    const { guard, census } = checkpoint.reconcile ? await this.reconcile(context, scope) : {};
    const endState: SyncStateUpdate = {
      syncId: sync.id,
      instance: sync.instance,
      watermarkMs: maxUpdatedMs,
      resumePoint: null,
      specHash: hash,
      fieldsHash: fieldsHashOf(fetchFields),
      fetchedFields: fetchFields,
      scopeJql: scope,
      lastSweepJiraStartMs: checkpoint.jiraStartedMs ?? null,
    };
    if (checkpoint.mode === 'full') endState.lastFullMs = checkpoint.runStartedMs;
    if (checkpoint.reconcile) endState.lastReconcileMs = this.now();
    await store.saveState(endState, this.now());
    return { guard, census };
  }

  /** Issues that failed to transform before are fetched again by id at the start of each run. */
  private async retryDeadLetters(context: RunContext) {
    const { store } = this.options;
    const { sync, client, counters } = context;
    const waiting = await store.listDeadLetters(sync.id);
    if (!waiting.length) return;
    const fetched = await client.getIssues(
      waiting.map(d => d.issueId),
      { fields: context.fetchFields, signal: context.signal, storedHistories: context.storedHistories, context: context.label },
    );
    const { inScope: issues, outOfScope } = await this.partitionByScope(context, fetched);
    counters.issuesDeleted += await this.resolveOutOfScope(context, outOfScope);
    const before = counters.deadLetters;
    const { versions, failed, result } = await this.writer.write(context, issues);
    counters.deadLetters = before; // Counted once per run: the sweep may see the same issues again.
    if (result) countWrite(counters, result, versions.length);
    const found = new Set(fetched.map(i => String(i.id)));
    for (const v of versions) {
      await store.resolveDeadLetter({ syncId: sync.id, instance: sync.instance, issueId: v.issue.issueId, nowMs: this.now() });
    }
    for (const d of waiting) {
      if (!found.has(d.issueId)) {
        await store.resolveDeadLetter({ syncId: sync.id, instance: sync.instance, issueId: d.issueId, nowMs: this.now() });
      }
    }
    context.logger.info(`sync "${sync.id}": retried ${waiting.length} dead letters, ${versions.length} now stored, ${failed.length} still failing`);
  }

  /**
   * The id-only census, both ways. What Jira returns in scope and the copy lacks (a window missed
   * it, a webhook was lost, it moved in) is fetched and written. What the sync stored but Jira no
   * longer returns is either gone or moved out of scope; a mass disappearance, of the sync or of
   * one of its projects, is held back (lost access looks like deletion).
   */
  private async reconcile(context: RunContext, scope: string): Promise<{ guard?: DeletionGuardReport; census?: CensusReport }> {
    const { store } = this.options;
    const { sync, client, signal } = context;
    // Read before the census: an issue stored meanwhile (a webhook for a new issue) is not in it, yet not gone.
    const stored = await store.scopeIssueProjects(sync.id, sync.instance);
    const seen = new IdSet();
    for await (const ids of client.searchIds({ jql: scope, signal, context: context.label })) {
      for (const id of ids) seen.add(String(id));
    }
    const absent: string[] = [];
    for (const id of seen) if (!stored.has(id)) absent.push(id);
    const census = await this.writeAbsent(context, absent);
    const missing: string[] = [];
    for (const id of stored.keys()) if (!seen.has(id)) missing.push(id);
    if (!missing.length) return { census };
    const { guard, deletable } = this.guardDeletions(context, stored, missing);
    if (deletable.length) await this.removeMissing(context, deletable);
    return { guard, census };
  }

  /** Issues in scope in Jira that the copy lacks; dead letters are left to their own retry. */
  private async writeAbsent(context: RunContext, absent: string[]): Promise<CensusReport | undefined> {
    const { sync, client, counters, logger, signal } = context;
    if (!absent.length) return undefined;
    const waiting = new Set((await this.options.store.listDeadLetters(sync.id)).map(d => d.issueId));
    const wanted = absent.filter(id => !waiting.has(id));
    if (!wanted.length) return undefined;
    const issues = await client.getIssues(wanted, { fields: context.fetchFields, signal, storedHistories: context.storedHistories });
    const { versions, result } = await this.writer.write(context, issues);
    countWrite(counters, result, issues.length);
    logger.info(`sync "${sync.id}": the census found ${wanted.length} issues in scope that the copy lacked; wrote ${versions.length}`);
    return { absent: wanted.length, written: versions.length };
  }

  /**
   * The deletion guard: more than `maxDeleteShare` of the sync missing at once holds back every
   * deletion; more than that share of one project (lost permission, archived project) holds back
   * that project's. Deletions this small are never held back.
   */
  private guardDeletions(context: RunContext, stored: Map<string, string>, missing: string[]) {
    const { sync, logger } = context;
    const tooMany = (gone: number, of: number) => gone > GUARD_FREE_DELETIONS && gone > sync.maxDeleteShare * of;
    const perProject = new Map<string, { stored: number; missing: number }>();
    for (const project of stored.values()) {
      const entry = perProject.get(project) ?? { stored: 0, missing: 0 };
      entry.stored += 1;
      perProject.set(project, entry);
    }
    for (const id of missing) perProject.get(stored.get(id)!)!.missing += 1;
    const wholeSync = tooMany(missing.length, stored.size);
    const projects = [...perProject]
      .filter(([, n]) => n.missing > 0)
      .map(([project, n]) => ({ project, ...n, held: wholeSync || tooMany(n.missing, n.stored) }))
      .sort((a, b) => a.project.localeCompare(b.project));
    const held = projects.filter(p => p.held);
    if (!held.length) return { deletable: missing };
    const guard: DeletionGuardReport = {
      stored: wholeSync ? stored.size : held.reduce((n, p) => n + p.stored, 0),
      missing: wholeSync ? missing.length : held.reduce((n, p) => n + p.missing, 0),
      maxDeleteShare: sync.maxDeleteShare,
      projects,
    };
    const why = `more than ${Math.round(sync.maxDeleteShare * 100)}% at once looks like lost access, not deletion`;
    logger.warn(
      wholeSync
        ? `sync "${sync.id}": deletion guard held back ${guard.missing} of ${guard.stored} issues (${why}); nothing was deleted`
        : `sync "${sync.id}": deletion guard held back the deletions of ${held.map(p => `${p.project} (${p.missing} of ${p.stored} missing)`).join(', ')} ` +
            `(${why}); the other projects were reconciled`,
    );
    const heldProjects = new Set(held.map(p => p.project));
    return { guard, deletable: missing.filter(id => !heldProjects.has(stored.get(id)!)) };
  }

  /** Missing issues Jira still has moved out of scope and are kept current; the rest are gone from Jira. */
  private async removeMissing(context: RunContext, missing: string[]) {
    const { store } = this.options;
    const { sync, client, counters, signal } = context;
    const stillThere = await client.getIssues(missing, {
      fields: context.fetchFields,
      signal,
      storedHistories: context.storedHistories,
    });
    // Keep the row current (new key and project) before it leaves this sync's scope.
    await this.writer.write(context, stillThere, { scopeSyncId: null });
    const movedIds = new Set(stillThere.map(i => String(i.id)));
    const gone = missing.filter(id => !movedIds.has(id));
    const nowMs = this.now();
    const outOfScope = await store.removeFromScope({
      syncId: sync.id,
      instance: sync.instance,
      goneIds: [...movedIds],
      reason: `no longer matches sync "${sync.id}" (moved or changed in Jira)`,
      nowMs,
    });
    const deleted = await store.removeFromScope({
      syncId: sync.id,
      instance: sync.instance,
      goneIds: gone,
      reason: 'deleted in Jira (not found)',
      nowMs,
      deletedInJira: true,
    });
    counters.issuesDeleted += outOfScope.deleted + deleted.deleted;
  }
}

function addApiCalls(counters: RunCounters, calls: ApiCounters) {
  counters.apiCalls += calls.calls;
  counters.apiRetries += calls.retries;
  counters.apiBytes += calls.bytes;
  counters.rateLimitWaitMs += calls.rateLimitWaitMs;
}
