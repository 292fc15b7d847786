import type { SyncDefinition } from '../spec/types';
import type { SyncStateRecord } from '../store/types';

/** How a sweep reads Jira: everything in scope, or what was updated since the watermark minus the overlap. */
export type SweepKind = 'full' | 'incremental';

/** Where an unfinished sweep stands; committed with every page so a crash resumes here. */
export interface SweepCheckpoint {
  /** The kind of the sweep (named `mode` in checkpoints already stored). */
  mode: SweepKind;
  /** Updated time of the newest issue committed so far: the sweep resumes from this minute. */
  cursorMs: number | null;
  /** Lower bound the sweep started from (null = everything). */
  fromMs: number | null;
  reconcile: boolean;
  runStartedMs: number;
  /**
   * Jira's clock when the sweep's first search ran (`searchedAtJiraMs`), kept across a resume:
   * every edit after it is the next sweep's to read. Absent in checkpoints stored before.
   */
  jiraStartedMs?: number | null;
}

/** A sweep of Jira: a new one, or the rest of a checkpointed one. */
export interface SweepPlan {
  kind: SweepKind;
  resumeFrom: SweepCheckpoint | null;
}

/** What one run does: sweep Jira, or re-project stored raw fields locally (no Jira call). */
export type RunPlan = SweepPlan | { kind: 'reproject' };

export const REPROJECT_PLAN: RunPlan = { kind: 'reproject' };

/** The plan's name in run records and metrics: `full`, `incremental`, `full (resumed)`, `reproject`. */
export function runLabel(plan: RunPlan): string {
  if (plan.kind === 'reproject') return 'reproject';
  return plan.resumeFrom ? `${plan.kind} (resumed)` : plan.kind;
}

/** Whether a recorded run read Jira (every run but a local re-projection). */
export const readJira = (run: { strategy: string }) => run.strategy !== runLabel(REPROJECT_PLAN);

/**
 * The sweep a scheduled run of `sync` makes: it resumes a checkpoint of the same scope; otherwise
 * it is full for a `full` sync, a first run, a changed spec or scope, and incremental from the
 * watermark for `incremental` and `webhook` syncs (for these, the safety net webhooks can lose).
 */
export function planSweep(sync: Pick<SyncDefinition, 'strategy'>, state: SyncStateRecord | undefined, specHash: string, scopeJql: string): SweepPlan {
  const scopeChanged = !!state?.scopeJql && state.scopeJql !== scopeJql;
  // A checkpoint of a sweep over another scope is worthless: start over.
  const resumeFrom = scopeChanged ? null : ((state?.resumePoint ?? null) as SweepCheckpoint | null);
  if (resumeFrom) return { kind: resumeFrom.mode, resumeFrom };
  const full = !state || state.watermarkMs === null || sync.strategy === 'full' || state.specHash !== specHash || scopeChanged;
  return { kind: full ? 'full' : 'incremental', resumeFrom: null };
}

/**
 * The lower bound of an incremental sweep: the overlap (JQL minute precision, search index lag)
 * before Jira's clock at the previous sweep's first search, so a run after a quiet spell reads
 * nothing again. State saved before that time was kept falls back to the newest stored `updated`.
 */
export function incrementalFromMs(state: Pick<SyncStateRecord, 'watermarkMs' | 'lastSweepJiraStartMs'>, overlapMs: number): number | null {
  const anchor = state.lastSweepJiraStartMs ?? state.watermarkMs;
  return anchor === null || anchor === undefined ? null : anchor - overlapMs;
}
