import type {
  DeadLetterRecord,
  HistoryRecord,
  IssueDetailRecord,
  IssueListItem,
  LinkRecord,
  RunRecord,
} from '../store/types';
import { redactOptional } from '../lib/redactUrls';

/** Store times are epoch milliseconds; the API speaks ISO 8601 in UTC. */
export const isoOf = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : isoOf(ms);

const userOf = (accountId: string | null, displayName: string | null) =>
  accountId === null && displayName === null ? null : { accountId, displayName };

/** `<baseUrl>/browse/<key>`; empty when the instance is no longer configured. */
export function browseUrl(baseUrls: ReadonlyMap<string, string>, instance: string, key: string): string {
  const base = baseUrls.get(instance);
  return base === undefined ? '' : `${base.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`;
}

export function serializeIssue(issue: IssueListItem, baseUrls: ReadonlyMap<string, string>) {
  return {
    instance: issue.instance,
    id: issue.issueId,
    key: issue.issueKey,
    url: browseUrl(baseUrls, issue.instance, issue.issueKey),
    projectKey: issue.projectKey,
    issueType: issue.issueType,
    status: issue.status,
    statusCategory: issue.statusCategory,
    priority: issue.priority,
    summary: issue.summary,
    assignee: userOf(issue.assigneeAccountId, issue.assigneeName),
    reporter: userOf(issue.reporterAccountId, issue.reporterName),
    labels: issue.labels,
    components: issue.components,
    fixVersions: issue.fixVersions,
    parent: issue.parentId === null ? null : { id: issue.parentId, key: issue.parentKey },
    created: isoOf(issue.createdMs),
    updated: isoOf(issue.updatedMs),
    resolved: isoOrNull(issue.resolvedMs),
    customFields: issue.customFields,
    deleted: issue.deletedMs === null ? null : { at: isoOf(issue.deletedMs), reason: issue.deletedReason ?? '' },
  };
}

export function serializeLink(link: LinkRecord) {
  return {
    id: link.linkId,
    type: link.linkType,
    direction: link.direction,
    description: link.description,
    otherIssueId: link.otherIssueId,
    otherIssueKey: link.otherIssueKey,
  };
}

/** Raw Jira fields stay out of the API: they are large and the mapped fields cover the reading needs. */
export function serializeIssueDetail(issue: IssueDetailRecord, baseUrls: ReadonlyMap<string, string>) {
  return {
    ...serializeIssue(issue, baseUrls),
    links: issue.links.map(serializeLink),
    historyCount: issue.historyCount,
  };
}

export function serializeHistory(history: HistoryRecord) {
  return {
    id: history.historyId,
    author: userOf(history.authorAccountId, history.authorName),
    created: isoOf(history.createdMs),
    items: history.items.map(item => ({
      field: item.field,
      fieldtype: item.fieldtype,
      fieldId: item.fieldId,
      from: item.fromValue,
      fromString: item.fromString,
      to: item.toValue,
      toString: item.toString,
    })),
  };
}

export function serializeRun(run: RunRecord) {
  return {
    runId: run.runId,
    syncId: run.syncId,
    strategy: run.strategy,
    trigger: run.trigger,
    triggeredBy: run.triggeredBy ?? null,
    startedAt: isoOf(run.startedMs),
    endedAt: isoOrNull(run.endedMs),
    outcome: run.outcome,
    error: redactOptional(run.error),
    counters: {
      issuesRead: run.issuesRead,
      issuesInserted: run.issuesInserted,
      issuesUpdated: run.issuesUpdated,
      issuesUnchanged: run.issuesUnchanged,
      issuesDeleted: run.issuesDeleted,
      issuesRestored: run.issuesRestored,
      historiesWritten: run.historiesWritten,
      deadLetters: run.deadLetters,
      apiCalls: run.apiCalls,
      apiRetries: run.apiRetries,
      apiBytes: run.apiBytes,
      rateLimitWaitMs: run.rateLimitWaitMs,
    },
    details: run.details,
  };
}

/** The stored payload (the fetched issue) is left out: it is large and only the engine needs it. */
export function serializeDeadLetter(deadLetter: DeadLetterRecord) {
  return {
    issueId: deadLetter.issueId,
    issueKey: deadLetter.issueKey,
    error: redactOptional(deadLetter.error),
    attempts: deadLetter.attempts,
    firstFailedAt: isoOf(deadLetter.firstFailedMs),
    lastFailedAt: isoOf(deadLetter.lastFailedMs),
    resolvedAt: isoOrNull(deadLetter.resolvedMs),
  };
}
