import type { Knex } from 'knex';
import { T, jsonOrNull } from './rows';
import type { SyncStateRecord, SyncStateUpdate } from './types';

const STATE_COLUMNS: Array<[keyof SyncStateRecord, string, (v: any) => unknown]> = [
  ['watermarkMs', 'watermark_ms', v => v],
  ['resumePoint', 'resume_point', jsonOrNull],
  ['lastFullMs', 'last_full_ms', v => v],
  ['lastReconcileMs', 'last_reconcile_ms', v => v],
  ['specHash', 'spec_hash', v => v],
  ['fieldsHash', 'fields_hash', v => v],
  ['fetchedFields', 'fetched_fields', jsonOrNull],
  ['scopeJql', 'scope_jql', v => v],
  ['lastSweepJiraStartMs', 'last_sweep_jira_start_ms', v => v],
];

/** Writes the given fields of a sync's state; a partial state never clears the others. */
export async function upsertState(db: Knex, state: SyncStateUpdate, nowMs: number) {
  const row: Record<string, unknown> = { sync_id: state.syncId, instance: state.instance, updated_ms: nowMs };
  for (const [key, column, encode] of STATE_COLUMNS) {
    if (state[key] !== undefined) row[column] = encode(state[key]);
  }
  await db(T.state).insert(row).onConflict('sync_id').merge(Object.keys(row).filter(c => c !== 'sync_id'));
}
