import { createHash } from 'node:crypto';
import type { HistoryRecord, IssueRecord, IssueVersion, LinkRecord } from '../../src/store/types';
import {
  FLOW_INSTANCE,
  FLOW_PROJECT,
  currentStatus,
  flowFixture,
  updatedMs as fixtureUpdatedMs,
} from './flowFixture';

export const at = (iso: string) => Date.parse(iso);

/** A complete issue version for `writePage`, with test defaults. */
export function issueVersion(
  issue: Partial<IssueRecord> & Pick<IssueRecord, 'instance' | 'issueId' | 'issueKey'>,
  histories: HistoryRecord[] = [],
  links: LinkRecord[] = [],
): IssueVersion {
  const record: IssueRecord = {
    projectKey: issue.issueKey.split('-')[0],
    projectId: null,
    issueType: 'Task',
    status: 'To Do',
    statusCategory: 'new',
    priority: 'Medium',
    summary: `Summary of ${issue.issueKey}`,
    assigneeAccountId: null,
    assigneeName: null,
    reporterAccountId: null,
    reporterName: null,
    labels: [],
    components: [],
    fixVersions: [],
    parentId: null,
    parentKey: null,
    createdMs: at('2026-01-01T00:00:00Z'),
    updatedMs: at('2026-01-01T00:00:00Z'),
    resolvedMs: null,
    customFields: {},
    rawFields: {},
    contentHash: '',
    historyCount: histories.length,
    lastHistoryId: histories.length ? histories[histories.length - 1].historyId : null,
    ...issue,
  };
  record.contentHash = createHash('sha256').update(JSON.stringify({ ...record, contentHash: '' })).digest('hex');
  return { issue: record, histories, links };
}

export function statusHistory(historyId: string, createdIso: string, from: string | null, to: string): HistoryRecord {
  return {
    historyId,
    authorAccountId: 'u-ann',
    authorName: 'Ann',
    createdMs: at(createdIso),
    createdRaw: createdIso.replace('Z', '.000+0000'),
    items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', fromValue: '1', fromString: from, toValue: '3', toString: to }],
  };
}

/** The flow fixture as stored issues with their status histories. */
export function flowFixtureVersions(): IssueVersion[] {
  return flowFixture.map(issue =>
    issueVersion(
      {
        instance: FLOW_INSTANCE,
        issueId: issue.id,
        issueKey: issue.key,
        projectKey: FLOW_PROJECT,
        status: currentStatus(issue),
        statusCategory: issue.category,
        createdMs: at(issue.created),
        updatedMs: fixtureUpdatedMs(issue),
        resolvedMs: issue.category === 'done' ? fixtureUpdatedMs(issue) : null,
      },
      issue.changes.map(([when, to], i) =>
        statusHistory(String(Number(issue.id) * 10 + i), when, i === 0 ? issue.initial : issue.changes[i - 1][1], to),
      ),
    ),
  );
}
