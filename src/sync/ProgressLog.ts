import type { LoggerService } from '@backstage/backend-plugin-api';

const PROGRESS_INTERVAL_MS = 2_000;

/** Logs done / rate / ETA at intervals, not on every page. */
export class ProgressLog {
  private readonly startedMs: number;
  private lastLogMs: number;

  constructor(
    private readonly logger: LoggerService,
    private readonly syncId: string,
    private readonly expected: number | undefined,
    private readonly now: () => number,
  ) {
    this.startedMs = now();
    this.lastLogMs = this.startedMs;
  }

  tick(done: number) {
    const nowMs = this.now();
    if (nowMs - this.lastLogMs < PROGRESS_INTERVAL_MS) return;
    this.lastLogMs = nowMs;
    const rate = done / Math.max(1, (nowMs - this.startedMs) / 1000);
    const eta =
      this.expected && rate > 0 ? `, ETA ${Math.max(0, Math.round((this.expected - done) / rate))} s` : '';
    const of = this.expected ? ` of ~${this.expected}` : '';
    this.logger.info(`sync "${this.syncId}": ${done}${of} issues, ${rate.toFixed(0)} issues/s${eta}`);
  }
}
