import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..');

/** A bench script run as `npm run bench` runs it (tsx), stopped at 60 s were it to start measuring. */
function runBench(script: string, ...argv: string[]) {
  return spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), script, ...argv], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the bench command lines', () => {
  it('npm run bench refuses an unknown flag or a bad value with the usage, exit 2, before measuring anything', () => {
    const unknown = runBench('bench/run.ts', '--sizes', '100', '--db', 'sqlite', '--dbs', 'postgres');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown option '--dbs'\nusage: npm run bench -- \[--sizes /);
    expect(unknown.stdout).toBe('');
    const badValue = runBench('bench/run.ts', '--db=mysql');
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toMatch(/^--db takes sqlite,postgres; not mysql\nusage: npm run bench -- /);
  });

  it('npm run bench:api refuses an unknown flag with the usage, exit 2, before starting the simulator', () => {
    const unknown = runBench('bench/api/readApi.ts', '--issues', '1000', '--request', '20');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown option '--request'\nusage: npm run bench:api -- \[--issues /);
    expect(unknown.stdout).toBe('');
  });
});
