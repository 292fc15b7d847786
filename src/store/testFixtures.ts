import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { HistoryRecord, IssueRecord, IssueVersion, LinkRecord } from './types';

/** A test database as the stores' `create` takes it: they migrate it. */
export const storeDatabase = (knex: Knex) => ({ database: { getClient: async () => knex } });

export const BASE_MS = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;

/** A history changing one field; its time is derived from its id so order follows ids. */
export function history(id: number | string, items: Array<{ field: string; from?: string | null; to?: string | null }> = [{ field: 'status', from: 'To Do', to: 'In Progress' }], createdMs?: number): HistoryRecord {
  const at = createdMs ?? BASE_MS + Number(id) * 60_000;
  return {
    historyId: String(id),
    authorAccountId: 'acc-1',
    authorName: 'Ada',
    createdMs: at,
    createdRaw: new Date(at).toISOString().replace('Z', '+0000'),
    items: items.map(item => ({
      field: item.field,
      fieldtype: 'jira',
      fieldId: item.field,
      fromValue: null,
      fromString: item.from ?? null,
      toValue: null,
      toString: item.to ?? null,
    })),
  };
}

export function link(id: number | string, otherIssueId: number | string, direction: 'inward' | 'outward' = 'outward'): LinkRecord {
  return {
    linkId: String(id),
    linkType: 'Blocks',
    direction,
    description: direction === 'outward' ? 'blocks' : 'is blocked by',
    otherIssueId: String(otherIssueId),
    otherIssueKey: `ABC-${otherIssueId}`,
  };
}

/** An issue version whose content hash covers its content, like the transform's. */
export function version(
  id: number | string,
  overrides: Partial<Omit<IssueRecord, 'contentHash'>> = {},
  histories: HistoryRecord[] = [],
  links: LinkRecord[] = [],
): IssueVersion {
  const record: Omit<IssueRecord, 'contentHash'> = {
    instance: 'cloud',
    issueId: String(id),
    issueKey: `ABC-${id}`,
    projectKey: 'ABC',
    projectId: '10000',
    issueType: 'Story',
    status: 'To Do',
    statusCategory: 'new',
    priority: 'Medium',
    summary: `Issue ${id}`,
    assigneeAccountId: null,
    assigneeName: null,
    reporterAccountId: 'acc-1',
    reporterName: 'Ada',
    labels: [],
    components: [],
    fixVersions: [],
    parentId: null,
    parentKey: null,
    createdMs: BASE_MS,
    updatedMs: BASE_MS + HOUR,
    resolvedMs: null,
    customFields: {},
    rawFields: { summary: `Issue ${id}` },
    historyCount: histories.length,
    lastHistoryId: histories.length ? histories[histories.length - 1].historyId : null,
    ...overrides,
  };
  const { historyCount: _c, lastHistoryId: _l, ...content } = record;
  const contentHash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  return { issue: { ...record, contentHash }, histories, links };
}

/** Every row of a table in a stable order, ids and times normalised, for before/after comparisons. */
export async function snapshot(knex: Knex, table: string, orderBy: string[]): Promise<Array<Record<string, string | null>>> {
  const rows = await knex(table).orderBy(orderBy);
  return rows.map(row => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])));
}
