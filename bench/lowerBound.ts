/**
 * The fewest API calls a full read of the data can take, computed from the simulator's truth
 * (how many histories each live issue has) and the Cloud limits the client works within.
 */
import { BULKFETCH_MAX_HISTORIES, BULKFETCH_MAX_ISSUES, CLOUD_EMBEDDED_HISTORY_LIMIT } from '../src/jira/changelog';
import { pageCap } from '../dev/simulator/http/search';

export interface LowerBound {
  /** Calls of the cheaper of the two ways to read everything. */
  calls: number;
  strategy: 'search without changelogs + bulkfetch' | 'search with embedded changelogs + bulkfetch';
  searchPages: number;
  bulkCalls: number;
  pageCap: number;
}

/** Bulkfetch calls for issues holding `histories` histories in total: ≤ 1000 issues and ≤ 10,000 histories a call. */
export function bulkCallsNeeded(issues: number, histories: number): number {
  if (issues === 0) return 0;
  return Math.max(Math.ceil(issues / BULKFETCH_MAX_ISSUES), Math.ceil(histories / BULKFETCH_MAX_HISTORIES));
}

/**
 * Either search without changelogs at the full page cap and bulk-fetch every issue that has
 * histories, or embed changelogs (half the page cap, at most 40 histories each) and bulk-fetch
 * only the longer ones. Each side's bulk part is itself a bound: perfect packing of issues and
 * histories into calls.
 */
export function fullReadLowerBound(historyCounts: number[], fields: string[]): LowerBound {
  const issues = historyCounts.length;
  const plainCap = pageCap(fields, fields.length, false);
  const embedCap = pageCap(fields, fields.length, true);
  const withAny = historyCounts.filter(n => n > 0);
  const truncated = historyCounts.filter(n => n > CLOUD_EMBEDDED_HISTORY_LIMIT);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const plain = {
    strategy: 'search without changelogs + bulkfetch' as const,
    searchPages: Math.max(1, Math.ceil(issues / plainCap)),
    bulkCalls: bulkCallsNeeded(withAny.length, sum(withAny)),
    pageCap: plainCap,
  };
  const embedded = {
    strategy: 'search with embedded changelogs + bulkfetch' as const,
    searchPages: Math.max(1, Math.ceil(issues / embedCap)),
    bulkCalls: bulkCallsNeeded(truncated.length, sum(truncated)),
    pageCap: embedCap,
  };
  const best = plain.searchPages + plain.bulkCalls <= embedded.searchPages + embedded.bulkCalls ? plain : embedded;
  return { ...best, calls: best.searchPages + best.bulkCalls };
}
