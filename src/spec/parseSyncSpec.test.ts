import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSyncSpec, parseSyncSpec, SpecError, specHash, didYouMean } from './parseSyncSpec';

const fixtures = resolve(__dirname, '../../test/fixtures/specs');
const instances = ['acme-cloud', 'acme-dc'];

function problemsOf(text: string, options = { instances }) {
  try {
    parseSyncSpec(text, 'spec.yaml', options);
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map(p => `${p.line}:${p.column} ${p.path} ${p.message}`);
    throw e;
  }
  throw new Error('the spec was accepted');
}

describe('parseSyncSpec', () => {
  it('resolves a valid spec with every default applied', async () => {
    const spec = await loadSyncSpec({ path: resolve(fixtures, 'valid.yaml') }, { instances });
    expect(spec.source).toBe(resolve(fixtures, 'valid.yaml'));
    const [platform, dc] = spec.syncs;
    expect(platform).toMatchObject({
      id: 'platform-team',
      instance: 'acme-cloud',
      projects: ['PLAT', 'OPS'],
      jql: 'labels = backend',
      strategy: 'incremental',
      schedule: { frequency: { minutes: 15 }, timeout: { minutes: 30 } },
      overlapMs: 5 * 60_000,
      reconcileEveryMs: 24 * 3600_000,
      maxDeleteShare: 0.2,
      pageSize: 100,
      customFields: [
        { alias: 'storyPoints', fieldName: 'Story Points', type: 'number' },
        { alias: 'team', fieldId: 'customfield_10001', type: 'option' },
      ],
    });
    // The data model's fields are always fetched, and custom fields given by id too.
    expect(platform.fields).toEqual(expect.arrayContaining(['updated', 'created', 'issuelinks', 'customfield_10001']));
    expect(dc).toMatchObject({ strategy: 'full', reconcileEveryMs: 12 * 3600_000, maxDeleteShare: 0.1, pageSize: 500 });
    expect(dc.schedule.frequency).toEqual({ cron: '0 3 * * *' });
    expect(dc.schedule.timeout).toBeDefined();
  });

  it('takes the app-config default schedule and deletion share when the spec sets none', () => {
    const spec = parseSyncSpec('syncs:\n  - { id: a, instance: acme-cloud, projects: [A], strategy: full }\n', 's.yaml', {
      instances,
      defaults: { schedule: { frequency: { hours: 1 }, timeout: { minutes: 50 } }, maxDeleteShare: 0.5 },
    });
    expect(spec.syncs[0].schedule).toEqual({ frequency: { hours: 1 }, timeout: { minutes: 50 } });
    expect(spec.syncs[0].maxDeleteShare).toBe(0.5);
  });

  it('reports every problem at once, each with line, column and path, in file order', () => {
    const text = readFileSync(resolve(fixtures, 'broken.yaml'), 'utf8');
    expect(problemsOf(text)).toEqual([
      "5:15 syncs[0].strategy must be one of full, incremental, webhook; got 'incremantal'",
      "6:5 syncs[1] is missing the required key 'strategy'",
      "6:9 syncs[1].id 'platform-team' is already the id of syncs[0]",
      "7:15 syncs[1].instance 'acme-clud' is not an instance in jiraSync.instances (known: acme-cloud, acme-dc); did you mean 'acme-cloud'?",
      "9:5 syncs[1].straegy is not a known key; did you mean 'strategy'?",
    ]);
  });

  it('names the file in the error message, one problem per line', async () => {
    const file = resolve(fixtures, 'broken.yaml');
    await expect(loadSyncSpec({ path: file }, { instances })).rejects.toThrow(
      `${file}:5:15: syncs[0].strategy must be one of full, incremental, webhook; got 'incremantal'\n`,
    );
  });

  it.each([
    ['a wrong type', 'syncs:\n  - id: a\n    instance: acme-cloud\n    projects: PLAT\n    strategy: full\n', '4:15 syncs[0].projects must be array; got string'],
    ['a bad sync id', 'syncs:\n  - id: Bad Id\n    instance: acme-cloud\n    projects: [A]\n    strategy: full\n', "2:9 syncs[0].id 'Bad Id' does not have the expected form (^[a-z0-9][a-z0-9_-]*$)"],
    ['no syncs', 'defaults: {}\n', "1:1 (root) is missing the required key 'syncs'"],
    ['neither projects nor jql', 'syncs:\n  - id: a\n    instance: acme-cloud\n    strategy: full\n', '2:5 syncs[0] needs projects, jql, or both'],
    ['ORDER BY in jql', 'syncs:\n  - id: a\n    instance: acme-cloud\n    jql: project = A ORDER BY key\n    strategy: full\n', '4:10 syncs[0].jql must not contain ORDER BY: the sync orders by updated itself'],
    ['both id and name on a custom field', 'syncs:\n  - id: a\n    instance: acme-cloud\n    projects: [A]\n    strategy: full\n    customFields:\n      points: { id: customfield_1, name: Story Points, type: number }\n', '7:15 syncs[0].customFields.points needs exactly one of id (customfield_NNNNN) or name (the display name in Jira)'],
    ['an unknown custom field type', 'syncs:\n  - id: a\n    instance: acme-cloud\n    projects: [A]\n    strategy: full\n    customFields:\n      points: { name: Story Points, type: numbr }\n', "7:43 syncs[0].customFields.points.type must be one of string, number, date, datetime, option, options, user, users, labels, sprint, json; got 'numbr'"],
    ['a share above 1', 'syncs:\n  - id: a\n    instance: acme-cloud\n    projects: [A]\n    strategy: full\n    reconcile: { maxDeleteShare: 1.5 }\n', '6:34 syncs[0].reconcile.maxDeleteShare must be <= 1; got 1.5'],
    ['a bad duration', 'syncs:\n  - id: a\n    instance: acme-cloud\n    projects: [A]\n    strategy: full\n    overlap: PT5Q\n', "6:14 syncs[0].overlap is not a valid duration"],
    ['a bad cron', 'syncs:\n  - id: a\n    instance: acme-cloud\n    projects: [A]\n    strategy: full\n    schedule: { frequency: { cron: not-a-cron }, timeout: { minutes: 5 } }\n', "6:36 syncs[0].schedule.frequency.cron 'not-a-cron' is not a cron expression"],
    ['an unknown top-level key', 'synks: []\n', "1:1 synks is not a known key; did you mean 'syncs'?"],
    ['an unclosed quote in jql', 'syncs:\n  - id: a\n    instance: acme-cloud\n    jql: \'labels = "backend\'\n    strategy: full\n', '4:10 syncs[0].jql has an unclosed " quote'],
    ['unbalanced parentheses in jql', 'syncs:\n  - id: a\n    instance: acme-cloud\n    jql: (labels = a OR labels = b\n    strategy: full\n', "4:10 syncs[0].jql has 1 '(' without a closing ')'"],
    ['a duplicate YAML key', 'syncs:\n  - id: a\n    id: b\n', '3:5 (yaml) Map keys must be unique'],
    ['broken YAML', 'syncs:\n  - id: a\n   instance: [\n', '3:1 (yaml)'],
  ])('locates %s', (_name, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.some(p => p.startsWith(expected))).toBe(true);
  });

  it('accepts JQL whose quotes and parentheses balance, escaped quotes included', () => {
    const jql = `summary ~ "say \\"hi (there)\\"" AND (labels = 'x' OR status = "Done")`;
    const spec = parseSyncSpec(`syncs:\n  - id: a\n    instance: acme-cloud\n    strategy: full\n    jql: >-\n      ${jql}\n`, 's.yaml', { instances });
    expect(spec.syncs[0].jql).toBe(jql);
  });

  it('skips the instance check when no instances are known (the CLI without --config)', () => {
    const spec = parseSyncSpec('syncs:\n  - { id: a, instance: anything, projects: [A], strategy: webhook }\n', 's.yaml', {});
    expect(spec.syncs[0].instance).toBe('anything');
  });

  it('checks an inline spec from app-config, naming where it came from', async () => {
    await expect(
      loadSyncSpec({ inline: { syncs: [{ id: 'a', instance: 'acme-cloud', projects: ['A'], strategy: 'fast' }] } }, { instances }),
    ).rejects.toThrow("app-config jiraSync.spec.inline:0:0: syncs[0].strategy must be one of full, incremental, webhook; got 'fast'");
  });

  it('a missing file is a located problem too', async () => {
    await expect(loadSyncSpec({ path: '/nonexistent/spec.yaml' })).rejects.toThrow(/\/nonexistent\/spec.yaml:0:0: \(file\) cannot be read/);
  });

  it('hashes what decides the stored data, not the schedule', () => {
    const [a] = parseSyncSpec('syncs:\n  - { id: a, instance: x, projects: [A], strategy: full }\n', 's', {}).syncs;
    const [b] = parseSyncSpec('syncs:\n  - { id: a, instance: x, projects: [A], strategy: full, schedule: { frequency: { minutes: 1 }, timeout: { minutes: 1 } } }\n', 's', {}).syncs;
    const [c] = parseSyncSpec('syncs:\n  - { id: a, instance: x, projects: [A, B], strategy: full }\n', 's', {}).syncs;
    expect(specHash(a)).toBe(specHash(b));
    expect(specHash(a)).not.toBe(specHash(c));
  });

  it('suggests only near names', () => {
    expect(didYouMean('stratgy', ['strategy', 'schedule'])).toBe('strategy');
    expect(didYouMean('zzz', ['strategy', 'schedule'])).toBeUndefined();
  });
});

/** Deterministic PRNG so a failing broken spec can be reproduced from its number. */
function mulberry32(seed: number) {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('1,000 generated broken specs', () => {
  const valid = readFileSync(resolve(fixtures, 'valid.yaml'), 'utf8');
  const lines = valid.split('\n');
  const junk = ['', '  ', ':', '- ', '{', ']', '"', 'null', '42', 'true', '&a', '*a', '!!binary x', '\t', 'straegy: full', 'id: 7'];

  function breakSpec(n: number): string {
    const random = mulberry32(n);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const out = [...lines];
    const edits = 1 + Math.floor(random() * 3);
    for (let i = 0; i < edits; i++) {
      if (!out.length) out.push('');
      const at = Math.floor(random() * out.length);
      switch (Math.floor(random() * 7)) {
        case 0: out.splice(at, 1); break; // delete a line
        case 1: out.splice(at, 0, out[Math.floor(random() * out.length)]); break; // duplicate a line
        case 2: out[at] = out[at].replace(/(\w+):/, (_m, k: string) => `${k.slice(0, -1)}${k.slice(-1) === 'x' ? 'y' : 'x'}:`); break; // rename a key
        case 3: out[at] = out[at].replace(/: .*/, `: ${pick(junk)}`); break; // wrong value
        case 4: out[at] = `${out[at]}${pick(junk)}`; break;
        case 5: out.length = Math.max(1, at); break; // truncate
        default: out[at] = Array.from({ length: 8 }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join(''); // random bytes
      }
    }
    return out.join('\n');
  }

  it('never crash the loader and always yield located messages', () => {
    let rejected = 0;
    for (let n = 0; n < 1000; n++) {
      const text = breakSpec(n);
      try {
        parseSyncSpec(text, 'broken.yaml', { instances });
      } catch (e) {
        if (!(e instanceof SpecError)) throw new Error(`spec #${n} crashed the loader: ${(e as Error).stack}\n${text}`);
        rejected++;
        for (const p of e.problems) {
          if (!(p.line >= 1 && p.column >= 1 && p.path && p.message && p.file === 'broken.yaml')) {
            throw new Error(`spec #${n} gave an unlocated problem ${JSON.stringify(p)}\n${text}`);
          }
        }
      }
    }
    // Some mutations keep the spec valid (a duplicated comment line); most must be refused.
    expect(rejected).toBeGreaterThan(600);
  });
});

describe('spec limits (issue 17)', () => {
  const sync = (extra: string) => `syncs:\n  - id: a\n    instance: acme-cloud\n    projects: [A]\n    strategy: full\n${extra}`;
  const accepted = (text: string) => parseSyncSpec(text, 'spec.yaml', { instances });

  it.each([
    ['a zero frequency', '    schedule: { frequency: { minutes: 0 }, timeout: { minutes: 5 } }\n', 'syncs[0].schedule.frequency must be longer than zero'],
    ['a zero timeout', '    schedule: { frequency: { minutes: 5 }, timeout: { seconds: 0 } }\n', 'syncs[0].schedule.timeout must be longer than zero'],
    ['a cron minute of 61', "    schedule: { frequency: { cron: '61 * * * *' }, timeout: { minutes: 5 } }\n", "syncs[0].schedule.frequency.cron '61 * * * *' is not a cron expression"],
    ['the alias __proto__', '    customFields:\n      __proto__: { id: customfield_10001, type: number }\n', 'syncs[0].customFields'],
    ['the alias constructor', '    customFields:\n      constructor: { id: customfield_10001, type: number }\n', 'syncs[0].customFields'],
  ])('refuses %s, located', (_case, extra, message) => {
    expect(problemsOf(sync(extra)).join('\n')).toContain(message);
  });

  it('refuses a 10 MB jql and 100,000 syncs', () => {
    expect(problemsOf(sync(`    jql: "${'a'.repeat(10_001)}"\n`)).join('\n')).toContain('syncs[0].jql');
    const many = `syncs:\n${Array.from({ length: 1001 }, (_, i) => `  - { id: s${i}, instance: acme-cloud, projects: [A], strategy: full }`).join('\n')}\n`;
    expect(problemsOf(many).join('\n')).toContain('syncs');
  });

  it('accepts ORDER BY words inside a quoted JQL string, still refuses the clause', () => {
    expect(accepted(sync('    jql: \'summary ~ "order by"\'\n')).syncs[0].jql).toBe('summary ~ "order by"');
    expect(problemsOf(sync('    jql: \'summary ~ "x" ORDER BY created\'\n')).join('\n')).toContain('must not contain ORDER BY');
  });

  it('accepts valid cron expressions the scheduler parses', () => {
    expect(accepted(sync("    schedule: { frequency: { cron: '*/15 * * * *' }, timeout: { minutes: 5 } }\n")).syncs[0].schedule.frequency).toEqual({ cron: '*/15 * * * *' });

    // No shape check of our own: what the scheduler's parser (cron's CronTime) takes, the spec takes.
    expect(accepted(sync("    schedule: { frequency: { cron: '@daily' }, timeout: { minutes: 5 } }\n")).syncs[0].schedule.frequency).toEqual({ cron: '@daily' });
    expect(problemsOf(sync("    schedule: { frequency: { cron: '* * * *' }, timeout: { minutes: 5 } }\n")).join('\n')).toContain("'* * * *' is not a cron expression (5 or 6 fields such as '*/15 * * * *'): Too few fields");
  });
});
