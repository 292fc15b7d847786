import type {
  HistoryRecord,
  IssueRecord,
  LinkRecord,
} from './records';

/** Whole stored issues (row, every history, links) read back to compare them with Jira. */
export interface IssueSnapshotReader {
  getIssueRecords(instance: string, issueIds: string[]): Promise<Array<IssueRecord & { deletedMs: number | null }>>;
  getHistories(instance: string, issueIds: string[]): Promise<Map<string, HistoryRecord[]>>;
  getLinks(instance: string, issueIds: string[]): Promise<Map<string, LinkRecord[]>>;
  /** Ids of issues not soft-deleted (optionally only those a sync sees). */
  liveIssueIds(instance: string, syncId?: string): Promise<string[]>;
}
