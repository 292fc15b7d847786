/** Shared parts of the in-process chaos tests: sizes, seeded choices, a version sampler, token files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { seededRandom } from '../../dev/simulator/data/random';

/** `JIRA_SYNC_CHAOS_LONG=1` runs the long mode: more issues and rounds. */
export const CHAOS_LONG = process.env.JIRA_SYNC_CHAOS_LONG === '1';

/** The short size in CI, the long size with JIRA_SYNC_CHAOS_LONG=1. */
export const chaosSize = (short: number, long: number) => (CHAOS_LONG ? long : short);

export { seededRandom };

/** `count` distinct items picked with a seeded PRNG. */
export function sample<T>(random: () => number, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

export interface VersionSamples {
  /** How many times the issues table was read. */
  samples: number;
  /** Issue rows seen at least once. */
  issuesSeen: number;
  /** Every time a stored `updated` or history count went down, as text. */
  regressions: string[];
}

/**
 * Reads every stored issue's `updated` and history count over and over until stopped, and notes
 * each time one went below what was seen before (an issue moved back to an older version).
 */
export function startVersionSampler(knex: Knex, options: { instance: string; everyMs?: number }) {
  const highest = new Map<string, { updatedMs: number; historyCount: number }>();
  const result: VersionSamples = { samples: 0, issuesSeen: 0, regressions: [] };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rows = await knex('jira_sync_issues')
        .where({ instance: options.instance })
        .select('issue_id', 'issue_key', 'updated_ms', 'history_count');
      result.samples++;
      for (const row of rows) {
        const id = String(row.issue_id);
        const now = { updatedMs: Number(row.updated_ms), historyCount: Number(row.history_count) };
        const before = highest.get(id);
        if (before && (now.updatedMs < before.updatedMs || now.historyCount < before.historyCount)) {
          result.regressions.push(
            `${row.issue_key}: updated ${before.updatedMs} -> ${now.updatedMs}, histories ${before.historyCount} -> ${now.historyCount}`,
          );
        }
        highest.set(id, {
          updatedMs: Math.max(now.updatedMs, before?.updatedMs ?? 0),
          historyCount: Math.max(now.historyCount, before?.historyCount ?? 0),
        });
      }
      await new Promise(resolve => setTimeout(resolve, options.everyMs ?? 20));
    }
  })();
  return {
    async stop(): Promise<VersionSamples> {
      stopped = true;
      await loop;
      return { ...result, issuesSeen: highest.size };
    },
  };
}

/** A secret in a file of its own (rewritten to rotate it), as operators deploy token files. */
export function secretFile(name: string, value: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'jira-sync-chaos-')), name);
  writeFileSync(path, `${value}\n`);
  return { path, rotate: (next: string) => writeFileSync(path, `${next}\n`) };
}

/** Sums the retry counters of recorded runs. */
export const totalRetries = (runs: Array<{ apiRetries: number }>) => runs.reduce((n, r) => n + r.apiRetries, 0);
