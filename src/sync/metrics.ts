import { metrics, type Counter, type Histogram } from '@opentelemetry/api';
import type { RunCounters } from '../store/types';

/** OpenTelemetry instruments for sync runs; names are documented in the README. */
export class SyncMetrics {
  private readonly runs: Counter;
  private readonly duration: Histogram;
  private readonly issues: Counter;
  private readonly histories: Counter;
  private readonly apiCalls: Counter;
  private readonly apiRetries: Counter;
  private readonly rateLimitWait: Counter;
  private readonly deadLetters: Counter;

  constructor() {
    const meter = metrics.getMeter('backstage-plugin-jira-sync');
    this.runs = meter.createCounter('jira_sync.runs', { description: 'Sync runs by outcome' });
    this.duration = meter.createHistogram('jira_sync.run.duration', { description: 'Sync run duration', unit: 's' });
    this.issues = meter.createCounter('jira_sync.issues', { description: 'Issues read, by what the write did' });
    this.histories = meter.createCounter('jira_sync.histories', { description: 'Changelog histories written' });
    this.apiCalls = meter.createCounter('jira_sync.api.calls', { description: 'Jira API calls' });
    this.apiRetries = meter.createCounter('jira_sync.api.retries', { description: 'Jira API retries' });
    this.rateLimitWait = meter.createCounter('jira_sync.api.rate_limit_wait', { description: 'Time spent waiting on rate limits', unit: 'ms' });
    this.deadLetters = meter.createCounter('jira_sync.dead_letters', { description: 'Issues sent to the dead-letter table' });
  }

  recordRun(run: { syncId: string; strategy: string; outcome: string; durationMs: number; counters: RunCounters }) {
    const attributes = { 'sync.id': run.syncId, 'sync.strategy': run.strategy };
    const c = run.counters;
    this.runs.add(1, { ...attributes, 'sync.outcome': run.outcome });
    this.duration.record(run.durationMs / 1000, { ...attributes, 'sync.outcome': run.outcome });
    this.issues.add(c.issuesInserted, { ...attributes, 'issue.write': 'inserted' });
    this.issues.add(c.issuesUpdated, { ...attributes, 'issue.write': 'updated' });
    this.issues.add(c.issuesUnchanged, { ...attributes, 'issue.write': 'unchanged' });
    this.issues.add(c.issuesDeleted, { ...attributes, 'issue.write': 'deleted' });
    this.histories.add(c.historiesWritten, attributes);
    this.apiCalls.add(c.apiCalls, attributes);
    this.apiRetries.add(c.apiRetries, attributes);
    this.rateLimitWait.add(c.rateLimitWaitMs, attributes);
    this.deadLetters.add(c.deadLetters, attributes);
  }
}
