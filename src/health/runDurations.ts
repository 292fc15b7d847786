/** Runs as the slow-run test needs them, newest first. */
export interface TimedRun {
  outcome: string;
  startedMs: number;
  endedMs: number | null;
}

import { DEFAULT_SLOW_RUN_POLICY, type SlowRunPolicy } from '../config/readOpsConfig';

/** Successful runs the median is taken over, and how many it needs to mean anything. */
const BASELINE_RUNS = 10;
const MIN_BASELINE_RUNS = 3;

export interface SlowRunFinding {
  durationMs: number;
  medianMs: number;
  factor: number;
  startedMs: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The newest finished run when it took longer than `factor` × the median of the 10 successful runs before it. */
export function slowRunFinding(runs: TimedRun[], policy: SlowRunPolicy = DEFAULT_SLOW_RUN_POLICY): SlowRunFinding | undefined {
  const finished = runs.filter(run => run.outcome !== 'running' && run.endedMs !== null);
  const [latest, ...earlier] = finished;
  if (!latest) return undefined;
  const baseline = earlier
    .filter(run => run.outcome === 'succeeded')
    .slice(0, BASELINE_RUNS)
    .map(run => run.endedMs! - run.startedMs);
  if (baseline.length < MIN_BASELINE_RUNS) return undefined;
  const durationMs = latest.endedMs! - latest.startedMs;
  const medianMs = median(baseline);
  if (durationMs < policy.minimumMs || durationMs <= policy.factor * Math.max(medianMs, 1)) return undefined;
  return { durationMs, medianMs, factor: policy.factor, startedMs: latest.startedMs };
}

/** "2.5 s", "4 min", "3.1 h": durations as operators read them. */
export function durationText(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours * 10) / 10} h`;
}
