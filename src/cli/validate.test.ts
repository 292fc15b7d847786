import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runCli } from '.';

const root = resolve(__dirname, '../..');
const fixture = (name: string) => resolve(root, 'test/fixtures/specs', name);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: l => out.push(l), err: l => err.push(l) });
  return { code, out, err };
}

describe('jira-sync validate', () => {
  it('accepts a valid spec and summarises its syncs', async () => {
    const { code, out } = await run('validate', fixture('valid.yaml'), '--config', fixture('app-config.yaml'));
    expect(code).toBe(0);
    expect(out[0]).toBe(`${fixture('valid.yaml')}: valid, 2 syncs`);
    expect(out[1]).toContain('platform-team: incremental on acme-cloud, projects PLAT, OPS and jql labels = backend, 2 custom fields');
  });

  it('says when instance names were not checked', async () => {
    const { code, out } = await run('validate', fixture('valid.yaml'));
    expect(code).toBe(0);
    expect(out.at(-1)).toMatch(/instance names not checked/);
  });

  it('rejects a broken spec with every located problem and exit 1', async () => {
    const { code, err } = await run('validate', fixture('broken.yaml'), '--config', fixture('app-config.yaml'));
    expect(code).toBe(1);
    expect(err).toContain(`${fixture('broken.yaml')}:5:15: syncs[0].strategy must be one of full, incremental, webhook; got 'incremantal'`);
    expect(err.at(-1)).toBe('5 problems found');
  });

  it('prints usage for a wrong command line', async () => {
    expect((await run('check', 'x.yaml')).code).toBe(2);
    expect((await run('validate')).err[0]).toMatch(/^usage: jira-sync validate/);
  });

  it('refuses an unknown or misspelt flag with its name, usage and exit 2', async () => {
    for (const argv of [['validate', '--verbose'], ['validate', fixture('valid.yaml'), '--conifg', fixture('app-config.yaml')], ['validate', '--config']]) {
      const { code, out, err } = await run(...argv);
      expect({ code, out }).toEqual({ code: 2, out: [] });
      expect(err[0]).toMatch(/^(Unknown option '--(verbose|conifg)'|Option '--config <value>' argument missing)$/);
      expect(err[1]).toMatch(/^usage: jira-sync validate/);
    }
    // `--config=file` is the same flag.
    expect((await run('validate', fixture('valid.yaml'), `--config=${fixture('app-config.yaml')}`)).code).toBe(0);
  });

  it('runs as the installed bin', () => {
    const ok = spawnSync(process.execPath, [resolve(root, 'bin/jira-sync.js'), 'validate', fixture('valid.yaml')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('valid, 2 syncs');
    const bad = spawnSync(process.execPath, [resolve(root, 'bin/jira-sync.js'), 'validate', fixture('broken.yaml')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("syncs[1].straegy is not a known key; did you mean 'strategy'?");
    const unknownFlag = spawnSync(process.execPath, [resolve(root, 'bin/jira-sync.js'), 'validate', fixture('valid.yaml'), '--colour'], { encoding: 'utf8' });
    expect(unknownFlag.status).toBe(2);
    expect(unknownFlag.stderr).toMatch(/^Unknown option '--colour'\nusage: jira-sync validate/);
  });
});
