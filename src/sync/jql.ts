import type { SyncDefinition } from '../spec/types';
import { jqlEpochMinute } from '../jira/time';

const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The JQL that selects everything a sync covers, without ordering. */
export function scopeJql(sync: Pick<SyncDefinition, 'id' | 'projects' | 'jql'>): string {
  const clauses: string[] = [];
  if (sync.projects.length) clauses.push(`project in (${sync.projects.map(quote).join(', ')})`);
  if (sync.jql?.trim()) {
    // Ordering is the engine's job: a user ORDER BY would break resumable sweeps.
    if (/\border\s+by\b/i.test(sync.jql)) {
      throw new Error(`sync "${sync.id}": jql must not contain ORDER BY (the sync orders by updated itself)`);
    }
    clauses.push(`(${sync.jql.trim()})`);
  }
  if (!clauses.length) throw new Error(`sync "${sync.id}" has neither projects nor jql`);
  return clauses.join(' AND ');
}

/**
 * The scope has no top-level OR (user JQL is parenthesised), so a bound can be ANDed on. Sweeps
 * read in ascending `updated` order so a checkpoint is a single time that only moves forward. The
 * bound is epoch ms, which Jira reads without the searching account's time zone (that can change
 * between runs), floored to the minute.
 */
export function sweepJql(scope: string, updatedFromMs: number | null | undefined): string {
  const bound = updatedFromMs === null || updatedFromMs === undefined ? '' : ` AND updated >= ${jqlEpochMinute(updatedFromMs)}`;
  return `${scope}${bound} ORDER BY updated ASC, key ASC`;
}
