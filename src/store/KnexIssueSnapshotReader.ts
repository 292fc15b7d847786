import type { Knex } from 'knex';
import { connect, type StoreOptions } from './database';
import type { HistoryRecord, IssueSnapshotReader, LinkRecord } from './types';
import {
  T, chunk, IDS_PER_STATEMENT, historyFromRow, idOf, issueRecordFromRow, itemFromRow, linkFromRow, msOrNull,
} from './rows';

/** Reads whole stored issues back (row, every history, links) to compare them with Jira. */
export class KnexIssueSnapshotReader implements IssueSnapshotReader {
  static async create(options: StoreOptions): Promise<KnexIssueSnapshotReader> {
    return new KnexIssueSnapshotReader(await connect(options.database));
  }

  private constructor(private readonly knex: Knex) {}

  async getIssueRecords(instance: string, issueIds: string[]) {
    const out = [];
    for (const ids of chunk([...new Set(issueIds)], IDS_PER_STATEMENT)) {
      const rows = await this.knex(T.issues).where({ instance }).whereIn('issue_id', ids);
      out.push(...rows.map(row => ({ ...issueRecordFromRow(row), deletedMs: msOrNull(row.deleted_ms) })));
    }
    return out;
  }

  async getHistories(instance: string, issueIds: string[]): Promise<Map<string, HistoryRecord[]>> {
    const out = new Map<string, HistoryRecord[]>();
    for (const ids of chunk([...new Set(issueIds)], IDS_PER_STATEMENT)) {
      const histories = await this.knex(T.histories)
        .where({ instance })
        .whereIn('issue_id', ids)
        .orderBy(['issue_id', 'created_ms', 'history_id']);
      const items = await this.knex(T.items)
        .where({ instance })
        .whereIn('issue_id', ids)
        .orderBy(['history_id', 'item_index']);
      const itemsByHistory = new Map<string, HistoryRecord['items']>();
      for (const item of items) {
        const key = idOf(item.history_id);
        if (!itemsByHistory.has(key)) itemsByHistory.set(key, []);
        itemsByHistory.get(key)!.push(itemFromRow(item));
      }
      for (const row of histories) {
        const issueId = idOf(row.issue_id);
        if (!out.has(issueId)) out.set(issueId, []);
        out.get(issueId)!.push(historyFromRow(row, itemsByHistory.get(idOf(row.history_id)) ?? []));
      }
    }
    return out;
  }

  async getLinks(instance: string, issueIds: string[]): Promise<Map<string, LinkRecord[]>> {
    const out = new Map<string, LinkRecord[]>();
    for (const ids of chunk([...new Set(issueIds)], IDS_PER_STATEMENT)) {
      const rows = await this.knex(T.links).where({ instance }).whereIn('issue_id', ids).orderBy(['issue_id', 'link_id']);
      for (const row of rows) {
        const issueId = idOf(row.issue_id);
        if (!out.has(issueId)) out.set(issueId, []);
        out.get(issueId)!.push(linkFromRow(row));
      }
    }
    return out;
  }

  async liveIssueIds(instance: string, syncId?: string): Promise<string[]> {
    const query = this.knex(T.issues).select(`${T.issues}.issue_id`).where(`${T.issues}.instance`, instance).whereNull(`${T.issues}.deleted_ms`);
    if (syncId) {
      query.whereExists(
        this.knex(T.scopes)
          .select(this.knex.raw('1'))
          .where(`${T.scopes}.sync_id`, syncId)
          .whereRaw(`${T.scopes}.instance = ${T.issues}.instance`)
          .whereRaw(`${T.scopes}.issue_id = ${T.issues}.issue_id`),
      );
    }
    return (await query).map(row => idOf(row.issue_id));
  }
}

