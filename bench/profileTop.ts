/**
 * `npx tsx bench/profileTop.ts bench/results/profiles/full-sqlite-50000.cpuprofile [--top 25]`:
 * the frames of a V8 CPU profile ranked by self time, and the time per package/folder, so the
 * write path's hot spots can be named (bench/README.md, "Where the CPU goes").
 */
import { readFileSync } from 'node:fs';

/* eslint-disable no-console */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profileTop.ts <file.cpuprofile> [--top 25]');
const top = rest[0] === '--top' ? Number(rest[1]) : 25;
const profile: Profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = profile.endTime - profile.startTime;

/** Where a frame's code lives: a package, a folder of this project, or V8 itself. */
function placeOf(url: string): string {
  if (!url) return '(native / V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url;
  const own = /\/(src|bench|migrations|dev)\/([^/]+)/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

const frames = new Map<string, number>();
const places = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { callFrame } = byId.get(id)!;
  const name = `${callFrame.functionName || '(anonymous)'} ${placeOf(callFrame.url)}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
  frames.set(name, (frames.get(name) ?? 0) + us);
  places.set(placeOf(callFrame.url), (places.get(placeOf(callFrame.url)) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s profiled`);
console.log('\nself time by frame');
for (const [name, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
console.log('\nself time by package / folder');
for (const [name, us] of [...places].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
