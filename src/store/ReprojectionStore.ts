import type {
  FieldRecord,
  IssueRecord,
} from './records';

/** Local re-projection of mapped custom fields from stored raw fields (no Jira calls). */
export interface ReprojectionStore {
  /** Full stored records (raw fields included) of the given ids; unknown ids are left out. */
  getIssueRecords(instance: string, issueIds: string[]): Promise<IssueRecord[]>;
  /** Replaces mapped custom fields and the content hash of stored issues, one transaction. */
  updateCustomFields(instance: string, updates: Array<{ issueId: string; customFields: Record<string, unknown>; contentHash: string }>): Promise<void>;
  loadFields(instance: string): Promise<FieldRecord[]>;
}
