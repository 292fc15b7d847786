import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { loadSyncSpec, SpecError } from '../../src/spec';
import type { CustomFieldMapping } from '../../src/spec/types';
import { startHarness, type Harness } from '../support/harness';
import { syncDefinition } from '../support/factories';
import { chaosSize, sample, seededRandom } from './inprocSupport';

jest.setTimeout(chaosSize(60_000, 600_000));

const INSTANCES = ['acme-cloud', 'acme-dc'];
const SPECS = chaosSize(1000, 5000);

/** A valid spec as lines, with where each sync and each of its keys is (1-based lines). */
interface SpecLines {
  lines: string[];
  syncs: Array<{ start: number; keys: Record<string, number> }>;
}

function validSpec(random: () => number): SpecLines {
  const lines = ['# generated', 'defaults:', '  overlap: { minutes: 5 }', 'syncs:'];
  const syncs: SpecLines['syncs'] = [];
  const count = 2 + Math.floor(random() * 2);
  for (let i = 0; i < count; i++) {
    const keys: Record<string, number> = {};
    const add = (key: string, text: string) => {
      lines.push(text);
      keys[key] = lines.length;
    };
    add('id', `  - id: sync-${i}`);
    add('instance', `    instance: ${INSTANCES[i % 2]}`);
    add('projects', `    projects: [P${i}, Q${i}]`);
    if (random() < 0.7) add('jql', `    jql: 'labels = "team-${i}" AND (status != Done OR priority = High)'`);
    add('strategy', `    strategy: ${['full', 'incremental', 'webhook'][i % 3]}`);
    add('pageSize', `    pageSize: ${50 * (1 + i)}`);
    if (random() < 0.5) add('schedule', `    schedule: { frequency: { minutes: ${10 + i} }, timeout: { minutes: 5 } }`);
    add('customFields', '    customFields:');
    add('customFields.points', '      points: { name: Story Points, type: number }');
    syncs.push({ start: keys.id, keys });
  }
  return { lines, syncs };
}

/** What a broken spec must be reported as: a path in it (where a field applies) and the line. */
interface Expected {
  kind: string;
  path?: string;
  line?: number;
}

type Mutation = (spec: SpecLines, random: () => number) => { lines: string[]; expected: Expected };

const at = (spec: SpecLines, line: number, text: string) => spec.lines.map((l, i) => (i === line - 1 ? text : l));
const indent = (line: string) => line.match(/^ */)![0];
/** The line with the key's value replaced, keeping what comes before the key (indentation, `- `). */
const withValue = (spec: SpecLines, line: number, key: string, value: string) => {
  const text = spec.lines[line - 1];
  return at(spec, line, `${text.slice(0, text.indexOf(`${key}:`))}${key}: ${value}`);
};
/** A random sync and one of the given keys it has (every sync has id, instance, projects, strategy, pageSize). */
const keyLine = (spec: SpecLines, random: () => number, keys: string[]) => {
  const sync = Math.floor(random() * spec.syncs.length);
  const [key] = sample(random, keys.filter(k => spec.syncs[sync].keys[k]), 1);
  return { sync, key, line: spec.syncs[sync].keys[key] };
};
const WRONG_TYPES: Record<string, string> = { pageSize: "'lots'", projects: '42', id: '[a, b]', instance: '{ name: x }' };
const WRONG_VALUES: Record<string, string> = {
  strategy: 'incremantal',
  instance: 'acme-clowd',
  pageSize: '-5',
  schedule: "{ frequency: { cron: 'every day' }, timeout: { minutes: 5 } }",
};

const MUTATIONS: Mutation[] = [
  function wrongType(spec, random) {
    const { sync, key, line } = keyLine(spec, random, Object.keys(WRONG_TYPES));
    return { lines: withValue(spec, line, key, WRONG_TYPES[key]), expected: { kind: 'wrong type', path: `syncs[${sync}].${key}`, line } };
  },
  function unknownKey(spec, random) {
    const sync = Math.floor(random() * spec.syncs.length);
    const lines = [...spec.lines];
    const line = spec.syncs[sync].start + 1;
    lines.splice(line - 1, 0, '    colour: blue');
    return { lines, expected: { kind: 'unknown key', path: `syncs[${sync}].colour`, line } };
  },
  function typo(spec, random) {
    const { sync, key, line } = keyLine(spec, random, ['instance', 'projects', 'strategy', 'pageSize', 'schedule', 'jql']);
    const typoed = key.length > 3 ? `${key.slice(0, 2)}${key[3]}${key[2]}${key.slice(4)}` : `${key}x`;
    return { lines: at(spec, line, spec.lines[line - 1].replace(key, typoed)), expected: { kind: 'typo', path: `syncs[${sync}].${typoed}`, line } };
  },
  function badYamlSyntax(spec, random) {
    const { line } = keyLine(spec, random, ['projects', 'instance', 'strategy', 'jql', 'schedule']);
    const text = spec.lines[line - 1];
    const broken = [
      text.replace(': ', ': ['),
      text.replace(': ', ': "'),
      `${text}: :`,
      `\t${text.trimStart()}`,
      `${indent(text)}- [`,
    ][Math.floor(random() * 5)];
    return { lines: at(spec, line, broken), expected: { kind: 'bad YAML syntax' } };
  },
  function duplicateId(spec, random) {
    const later = 1 + Math.floor(random() * (spec.syncs.length - 1));
    const line = spec.syncs[later].keys.id;
    return { lines: at(spec, line, '  - id: sync-0'), expected: { kind: 'duplicate id', path: `syncs[${later}].id`, line } };
  },
  function badJqlQuoting(spec, random) {
    const sync = Math.floor(random() * spec.syncs.length);
    const line = spec.syncs[sync].keys.jql ?? spec.syncs[sync].keys.projects;
    const jql = [`'labels = "team-${sync}'`, `'(status = Done'`, `'status = Done)'`, `"summary ~ 'unclosed"`][Math.floor(random() * 4)];
    return { lines: at(spec, line, `    jql: ${jql}`), expected: { kind: 'bad JQL quoting', path: `syncs[${sync}].jql`, line } };
  },
  function missingField(spec, random) {
    const { sync, key, line } = keyLine(spec, random, ['instance', 'strategy']);
    const lines = spec.lines.filter((_, i) => i !== line - 1);
    return { lines, expected: { kind: `missing ${key}`, path: `syncs[${sync}]`, line: spec.syncs[sync].start } };
  },
  function wrongIndentation(spec, random) {
    const { line } = keyLine(spec, random, ['instance', 'projects', 'strategy', 'pageSize', 'customFields']);
    const text = spec.lines[line - 1];
    const shifted = random() < 0.5 ? `  ${text}` : text.slice(2);
    return { lines: at(spec, line, shifted), expected: { kind: 'wrong indentation' } };
  },
  function wrongValue(spec, random) {
    const { sync, key, line } = keyLine(spec, random, Object.keys(WRONG_VALUES));
    return { lines: withValue(spec, line, key, WRONG_VALUES[key]), expected: { kind: 'wrong value', path: `syncs[${sync}].${key}`, line } };
  },
  function customFieldType(spec, random) {
    const sync = Math.floor(random() * spec.syncs.length);
    const line = spec.syncs[sync].keys['customFields.points'];
    return {
      lines: at(spec, line, '      points: { name: Story Points, type: numbr }'),
      expected: { kind: 'custom field type', path: `syncs[${sync}].customFields.points.type`, line },
    };
  },
];

describe('1,000 generated broken specs (chaos)', () => {
  it('never crash the loader; every one is refused with problems naming the file, a line and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jira-sync-bad-specs-'));
    const byKind = new Map<string, number>();
    for (let n = 0; n < SPECS; n++) {
      const random = seededRandom(1000 + n);
      const mutate = MUTATIONS[n % MUTATIONS.length];
      const { lines, expected } = mutate(validSpec(random), random);
      const file = join(dir, `spec-${n}.yaml`);
      const text = lines.join('\n');
      writeFileSync(file, text);
      const context = `spec #${n} (${expected.kind}):\n${text}`;
      let error: unknown;
      try {
        await loadSyncSpec({ path: file }, { instances: INSTANCES });
      } catch (e) {
        error = e;
      }
      if (!(error instanceof SpecError)) throw new Error(`${context}\nwas ${error ? `a crash: ${(error as Error).stack}` : 'accepted'}`);
      const problems = error.problems;
      const unlocated = problems.filter(p => p.file !== file || !(p.line >= 1 && p.line <= lines.length + 1) || !(p.column >= 1) || !p.path || !p.message);
      if (!problems.length || unlocated.length) throw new Error(`${context}\nunlocated problems: ${JSON.stringify(unlocated)}`);
      for (const p of problems) expect(error.message).toContain(`${file}:${p.line}:${p.column}: ${p.path} `);
      if (expected.path) {
        const named = problems.find(p => (p.path === expected.path || p.path.startsWith(`${expected.path}.`)) && p.line === expected.line);
        if (!named) throw new Error(`${context}\nno problem at ${expected.path} on line ${expected.line}: ${error.message}`);
      }
      byKind.set(mutate.name, (byKind.get(mutate.name) ?? 0) + 1);
    }
    expect([...byKind.values()].reduce((a, b) => a + b, 0)).toBe(SPECS);
    expect(byKind.size).toBe(MUTATIONS.length);
    console.log(`${SPECS} broken specs refused with located problems: ${JSON.stringify(Object.fromEntries(byKind))}`);
  });
});

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const ISSUES = chaosSize(200, 2000);
const STORY_POINTS = 'customfield_10016';
const TARGET_DATE = 'customfield_10004';

describe.each(databases.eachSupportedId())('malformed issue payloads on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('issues with fields Jira serves in the wrong shape go to dead letters; the run stores every other issue and goes on', async () => {
    h = await startHarness(await databases.init(databaseId), { seed: 616, projects: 2, issues: ISSUES, historyShape: 'small' });
    const { sim } = h;
    const customFields: CustomFieldMapping[] = [
      { alias: 'points', fieldId: STORY_POINTS, type: 'number' },
      { alias: 'target', fieldId: TARGET_DATE, type: 'date' },
    ];
    const sync = syncDefinition({ id: 'bad-input', projects: sim.data.projects(), customFields });
    const random = seededRandom(3);
    // The simulator stores custom field values as given: a number field holding text, a date field holding prose.
    const broken = sample(random, sim.data.all(), chaosSize(12, 60));
    broken.forEach((issue, i) => {
      const silent = i % 2 === 0;
      if (i % 3 === 0) sim.data.updateIssue(issue.id, { [TARGET_DATE]: 'next tuesday' }, { silent });
      else sim.data.updateIssue(issue.id, { [STORY_POINTS]: { points: 'lots' } }, { silent });
    });
    const brokenIds = new Set(broken.map(i => i.id));
    const isBroken = (issue: { id: string }) => brokenIds.has(String(issue.id));

    const run = await h.engine.run(sync);
    expect(run).toMatchObject({ outcome: 'succeeded', deadLetters: broken.length, issuesInserted: ISSUES - broken.length });
    const letters = await h.store.listDeadLetters(sync.id);
    expect(letters.map(l => l.issueId).sort()).toEqual([...brokenIds].sort());
    for (const letter of letters) expect(letter.error).toMatch(/custom field "(points|target)" \(customfield_100(16|04)\) as (number|date): cannot read/);
    expect(await h.differences(sync, { filter: issue => !isBroken(issue) })).toBe('no differences');
    const storedBroken = await h.knex('jira_sync_issues').whereIn('issue_id', [...brokenIds]);
    expect(storedBroken).toEqual([]);

    // Repaired in Jira, they are fetched again at the start of the next run and the copy is whole.
    sim.clock.advance(60_000);
    for (const issue of broken) sim.data.updateIssue(issue.id, { [STORY_POINTS]: 3, [TARGET_DATE]: null });
    const next = await h.engine.run(sync);
    expect(next).toMatchObject({ outcome: 'succeeded', deadLetters: 0 });
    expect(await h.store.listDeadLetters(sync.id)).toEqual([]);
    expect(await h.differences(sync)).toBe('no differences');
  });
});
