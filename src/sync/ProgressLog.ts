import type { LoggerService } from '@backstage/backend-plugin-api';

const PROGRESS_INTERVAL_MS = 2_000;

/** Writes a running run's live counter where every replica reads it (the run's row). */
export type ProgressWriter = (progress: { issuesRead: number; issuesExpected: number | null; nowMs: number }) => Promise<void>;

/** Persists done / expected on every page and logs done / rate / ETA at intervals. */
export class ProgressLog {
  private readonly startedMs: number;
  private lastLogMs: number;

  constructor(
    private readonly logger: LoggerService,
    private readonly syncId: string,
    private readonly expected: number | undefined,
    private readonly now: () => number,
    private readonly write?: ProgressWriter,
  ) {
    this.startedMs = now();
    this.lastLogMs = this.startedMs;
  }

  /** The expected count, written before the first page so a slow first page already shows it. */
  async start(): Promise<void> {
    await this.persist(0, this.now());
  }

  async tick(done: number): Promise<void> {
    const nowMs = this.now();
    await this.persist(done, nowMs);
    if (nowMs - this.lastLogMs < PROGRESS_INTERVAL_MS) return;
    this.lastLogMs = nowMs;
    const rate = done / Math.max(1, (nowMs - this.startedMs) / 1000);
    const eta =
      this.expected && rate > 0 ? `, ETA ${Math.max(0, Math.round((this.expected - done) / rate))} s` : '';
    const of = this.expected ? ` of ~${this.expected}` : '';
    this.logger.info(`sync "${this.syncId}": ${done}${of} issues, ${rate.toFixed(0)} issues/s${eta}`);
  }

  // Progress is advisory: a failed write is logged, never fails the run.
  private async persist(done: number, nowMs: number) {
    if (!this.write) return;
    try {
      await this.write({ issuesRead: done, issuesExpected: this.expected ?? null, nowMs });
    } catch (e) {
      this.logger.warn(`sync "${this.syncId}": could not record progress: ${(e as Error).message}`);
    }
  }
}
