/**
 * `npx tsx bench/table.ts [bench/results/latest.json]`: the benchmark table of bench/README.md
 * ("Latest output"), generated from a result file so the README says what the file holds.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/* eslint-disable no-console */

interface Figures { wallMs: number; calls: number }
interface Measurement {
  size: number;
  db: string;
  full: Figures & { writeMs: number; issuesRead: number; historiesWritten: number };
  floor: { wallMs: number };
  rawInsert: { ms: number };
  lowerBound: { calls: number };
  noChange: Figures;
  incremental: Figures;
  repeatAfterIncremental: Figures;
  peakRssBytes: number;
  heapAfterFullRunBytes: number;
  issuesPerSecond: number;
  historiesPerSecond: number;
  loadAverage?: { before: number; after: number };
  stored: { complete: boolean };
}

const file = resolve(process.argv[2] ?? resolve(__dirname, 'results', 'latest.json'));
const { measurements, environment, mergedFrom } = JSON.parse(readFileSync(file, 'utf8')) as {
  measurements: Measurement[];
  environment: { commit?: string; startedAt: string };
  mergedFrom?: Array<{ commit?: string; startedAt?: string }>;
};
const n = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const s = (ms: number) => `${n(ms / 1000)} s`;
const mb = (bytes: number) => `${n(bytes / 1048576)} MB`;
const label = (m: Measurement) => `${m.size >= 1000 ? `${m.size / 1000}k` : m.size} ${m.db}`;

console.log(`From \`${file.replace(`${resolve(__dirname, '..')}/`, '')}\`: ${[environment, ...(mergedFrom ?? [])].map(e => `${e?.commit ?? '?'} (${e?.startedAt?.slice(0, 16) ?? '?'})`).join(', ')}.\n`);
console.log('| size, db | load before/after | full run | issues/s | histories/s | calls / lower bound | wall / floor | raw insert / writePage | no-change | incremental (0.2%) | repeat | peak RSS (heap after GC) | stored = truth |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const m of [...measurements].sort((a, b) => a.db.localeCompare(b.db) || a.size - b.size)) {
  const load = m.loadAverage ? `${n(m.loadAverage.before, 1)} / ${n(m.loadAverage.after, 1)}` : '?';
  console.log(
    `| ${label(m)} | ${load} | ${s(m.full.wallMs)} | ${n(m.issuesPerSecond)} | ${n(m.historiesPerSecond)} | ` +
      `${m.full.calls} / ${m.lowerBound.calls} = **${n(m.full.calls / m.lowerBound.calls, 3)}** | ` +
      `${s(m.full.wallMs)} / ${s(m.floor.wallMs)} = **${n(m.full.wallMs / m.floor.wallMs, 2)}** | ` +
      `${s(m.rawInsert.ms)} / ${s(m.full.writeMs)} = **${n(m.rawInsert.ms / m.full.writeMs, 2)}** | ` +
      `${m.noChange.calls} calls | ${m.incremental.calls} calls, ${n(m.incremental.wallMs / 1000, 1)} s | ${m.repeatAfterIncremental.calls} calls | ` +
      `${mb(m.peakRssBytes)} (${mb(m.heapAfterFullRunBytes)}) | ${m.stored.complete ? 'yes' : '**NO**'} |`,
  );
}
