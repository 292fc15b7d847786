import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The rooms (top-level folders of src/) and which way they may depend on each other, from
 * DESIGN.md: data flows one way, nothing below calls back up, `store/` knows no Jira and
 * `jira/` no database, and `service/` and `ops/` are used, never using each other's users.
 */
const SRC = __dirname;

/** Rooms that nothing below service/ and ops/ may import. */
const UPPER_ROOMS = ['service', 'ops', 'cli'];
/** Rooms below them: the data path and what it is made of. */
const LOWER_ROOMS = ['lib', 'config', 'spec', 'jira', 'store', 'sync', 'health'];
const FORBIDDEN: Array<[from: string, to: string, why: string]> = [
  ['store', 'jira', 'store/ knows no Jira'],
  ['jira', 'store', 'jira/ knows no database'],
  ['ops', 'service', 'ops/ sits beside service/ and is used by it, never the other way round'],
  ['cli', 'service', 'the command line runs without the HTTP API'],
  ...LOWER_ROOMS.flatMap(from =>
    UPPER_ROOMS.map(to => [from, to, `${from}/ is below ${to}/: nothing below calls back up`] as [string, string, string]),
  ),
  ...['config', 'spec', 'jira', 'store', 'sync', 'health'].map(to => ['lib', to, 'lib/ holds helpers every room may use'] as [string, string, string]),
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const toPosix = (path: string) => path.split(sep).join('/');

function roomOf(file: string): string {
  const rel = toPosix(relative(SRC, file)).replace(/\.tsx?$/, '');
  return rel.includes('/') ? rel.split('/')[0] : '(root)';
}

const statSafe = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Every edge between two rooms, with one file-level import that makes it. */
function roomEdges(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName);
      if (!toPosix(target).startsWith(`${toPosix(SRC)}/`)) continue;
      const from = roomOf(file);
      const to = roomOf(statSafe(target) ? join(target, 'index.ts') : target);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${toPosix(relative(SRC, file))} imports '${fileName}'`);
    }
  }
  return edges;
}

/** Cycles between rooms, each as the rooms in order with the import behind every step. */
function roomCycles(edges: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (room: string, path: string[]) => {
    for (const [next, why] of edges.get(room) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = [...path.slice(at), next];
        const key = [...cycle.slice(0, -1)].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          found.push(`${cycle.join(' -> ')} (last step: ${why})`);
        }
        continue;
      }
      visit(next, [...path, next]);
    }
  };
  for (const room of edges.keys()) visit(room, [room]);
  return found;
}

describe('architecture', () => {
  const edges = roomEdges();

  it('sees the rooms and their imports', () => {
    // A parser that found nothing would pass every rule below.
    expect(edges.get('sync')?.has('store')).toBe(true);
    expect(edges.get('(root)')?.has('sync')).toBe(true);
  });

  it('has no import cycle between rooms', () => {
    expect(roomCycles(edges)).toEqual([]);
  });

  it('keeps the one-way flow of DESIGN.md', () => {
    const broken = FORBIDDEN.flatMap(([from, to, why]) => {
      const edge = edges.get(from)?.get(to);
      return edge ? [`${from}/ -> ${to}/: ${why} (${edge})`] : [];
    });
    expect(broken).toEqual([]);
  });
});
