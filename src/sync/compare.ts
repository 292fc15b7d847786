import type { JiraIssue } from '../jira/types';
import type { HistoryRecord, IssueRecord, IssueSnapshotReader, LinkRecord } from '../store/types';
import { canonicalJson, ResolvedFieldMapping, toIssueVersion } from './transform';

export interface Difference {
  issueId: string;
  issueKey?: string;
  kind: 'missing' | 'extra' | 'field' | 'histories' | 'links' | 'deleted';
  detail: string;
}

const ISSUE_COLUMNS: Array<keyof IssueRecord> = [
  'issueKey', 'projectKey', 'projectId', 'issueType', 'status', 'statusCategory', 'priority', 'summary',
  'assigneeAccountId', 'assigneeName', 'reporterAccountId', 'reporterName', 'labels', 'components',
  'fixVersions', 'parentId', 'parentKey', 'createdMs', 'updatedMs', 'resolvedMs', 'customFields', 'rawFields',
];

/** Jira renders `created` in the searching user's zone: the same instant may come with another offset. */
const instantOnly = ({ createdRaw, ...history }: HistoryRecord) => history;

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const short = (v: unknown) => {
  const s = canonicalJson(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/**
 * Compares stored issues with what Jira says (the simulator's truth in tests, a sample fetched
 * from a real Jira for operators) field by field, history by history and link by link.
 * With `complete`, stored live issues that Jira did not return are reported as extra.
 */
export async function compareWithJira(options: {
  instance: string;
  reader: IssueSnapshotReader;
  jiraIssues: JiraIssue[];
  mappings: ResolvedFieldMapping[];
  /** Jira's issues are all there is (not a sample): anything else stored and live is extra. */
  complete?: { syncId?: string };
  /** Compare raw fields too (only meaningful when the same fields were fetched). */
  fieldsFetched?: string[];
}): Promise<Difference[]> {
  const { instance, reader, jiraIssues, mappings } = options;
  const differences: Difference[] = [];
  const ids = jiraIssues.map(i => String(i.id));
  const stored = new Map<string, IssueRecord & { deletedMs: number | null }>();
  const histories = new Map<string, HistoryRecord[]>();
  const links = new Map<string, LinkRecord[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    for (const row of await reader.getIssueRecords(instance, slice)) stored.set(row.issueId, row);
    for (const [id, h] of await reader.getHistories(instance, slice)) histories.set(id, h);
    for (const [id, l] of await reader.getLinks(instance, slice)) links.set(id, l);
  }

  for (const issue of jiraIssues) {
    const id = String(issue.id);
    const row = stored.get(id);
    if (!row) {
      differences.push({ issueId: id, issueKey: issue.key, kind: 'missing', detail: 'not stored' });
      continue;
    }
    if (row.deletedMs !== null) {
      differences.push({ issueId: id, issueKey: issue.key, kind: 'deleted', detail: 'stored as deleted but Jira has it' });
    }
    const fields = options.fieldsFetched
      ? Object.fromEntries(options.fieldsFetched.filter(f => f in issue.fields).map(f => [f, issue.fields[f]]))
      : issue.fields;
    const expected = toIssueVersion(instance, { ...issue, fields, historiesFrom: undefined }, mappings);
    for (const column of ISSUE_COLUMNS) {
      if (column === 'rawFields' && !options.fieldsFetched) continue;
      if (!same(row[column], expected.issue[column])) {
        differences.push({
          issueId: id,
          issueKey: issue.key,
          kind: 'field',
          detail: `${column}: stored ${short(row[column])}, Jira ${short(expected.issue[column])}`,
        });
      }
    }
    const storedHistories = histories.get(id) ?? [];
    if (!same(storedHistories.map(instantOnly), expected.histories.map(instantOnly))) {
      const storedIds = storedHistories.map(h => h.historyId);
      const jiraIds = expected.histories.map(h => h.historyId);
      differences.push({
        issueId: id,
        issueKey: issue.key,
        kind: 'histories',
        detail: same(storedIds, jiraIds)
          ? 'same history ids, different content'
          : `stored ${storedIds.length} histories, Jira ${jiraIds.length} (first difference at ${firstDifference(storedIds, jiraIds)})`,
      });
    }
    const byId = (a: LinkRecord, b: LinkRecord) => a.linkId.localeCompare(b.linkId);
    if (!same([...(links.get(id) ?? [])].sort(byId), [...expected.links].sort(byId))) {
      differences.push({ issueId: id, issueKey: issue.key, kind: 'links', detail: 'links differ' });
    }
  }

  if (options.complete) {
    const jiraIds = new Set(ids);
    for (const id of await reader.liveIssueIds(instance, options.complete.syncId)) {
      if (!jiraIds.has(id)) differences.push({ issueId: id, kind: 'extra', detail: 'stored as live but Jira does not have it' });
    }
  }
  return differences;
}

function firstDifference(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** One line per difference, capped, for test failures and operator output. */
export function formatDifferences(differences: Array<Omit<Difference, 'kind'> & { kind: string }>, max = 20): string {
  if (!differences.length) return 'no differences';
  const lines = differences.slice(0, max).map(d => `${d.issueKey ?? d.issueId} [${d.kind}] ${d.detail}`);
  if (differences.length > max) lines.push(`... and ${differences.length - max} more`);
  return `${differences.length} differences:\n${lines.join('\n')}`;
}
