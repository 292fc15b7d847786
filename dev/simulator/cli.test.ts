import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

describe('npm run simulator', () => {
  it('prints where it listens, the credentials, the projects and the endpoints, serves them, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'dev/simulator/cli.ts', '--issues', '40', '--projects', '2', '--port', '0', '--seed', '3', '--time-zone', 'Asia/Kolkata'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (out += d));
    try {
      const deadline = Date.now() + 30_000;
      while (!/Try:/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise(r => setTimeout(r, 100));
      expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/40 issues in projects ALPHA, BETA/);
      expect(out).toMatch(/sync-bot@example\.com \/ sim-api-token-3/);
      expect(out).toMatch(/POST \/rest\/api\/3\/changelog\/bulkfetch/);
      const url = /listening on (http:\/\/\S+?),/.exec(out)![1];
      const me = await fetch(`${url}/rest/api/3/myself`, { headers: { authorization: `Basic ${Buffer.from('sync-bot@example.com:sim-api-token-3').toString('base64')}` } });
      expect((await me.json()).timeZone).toBe('Asia/Kolkata');
    } finally {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    expect(child.exitCode).toBe(0);
  });

  it('refuses a misspelt flag with its name and the usage, exit 2, instead of starting with defaults', () => {
    // --port 0: were the flag ignored, the simulator would start (and be killed at the timeout) rather than take a fixed port.
    const refused = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'dev/simulator/cli.ts', '--isues', '40', '--port', '0'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^Unknown option '--isues'\nUsage: npm run simulator -- /);
    const badValue = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'dev/simulator/cli.ts', '--history', 'smal', '--port', '0'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toMatch(/^--history must be longTail or small\nUsage: npm run simulator -- /);
  });
});
