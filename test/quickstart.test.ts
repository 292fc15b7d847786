import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(240_000);

const root = resolve(__dirname, '..');
const PORT = '7391';

/** Runs the README's `npm start` and reads what it prints until the curl commands appear. */
function startDevBackend(dataDir: string): { child: ChildProcess; output: () => string; ready: Promise<string[]> } {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, JIRA_SYNC_DEV_PORT: PORT, JIRA_SYNC_DEV_DATA_DIR: dataDir, JIRA_SYNC_DEV_ISSUES: '600', FORCE_COLOR: '0' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const ready = new Promise<string[]>((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const at = text.indexOf('[dev] jira-sync is running. Try:');
      if (at >= 0 && /\n\s*\n/.test(text.slice(at))) {
        resolvePromise(text.slice(at).split('\n').filter(line => line.trim().startsWith('curl ')).map(line => line.trim()));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', code => reject(new Error(`npm start exited with ${code} before it was ready:\n${text.slice(-3000)}`)));
  });
  return { child, output: () => text, ready };
}

/** `curl -s -H 'Authorization: Bearer X' 'URL'` → fetch, exactly as the README prints it. */
async function runCurl(command: string) {
  const [, header, url] = /-H '([^']+)' '([^']+)'/.exec(command)!;
  const [name, value] = header.split(': ');
  const response = await fetch(url, { headers: { [name]: value } });
  return { status: response.status, body: (await response.json()) as any };
}

describe('the README quick start', () => {
  let dev: ReturnType<typeof startDevBackend> | undefined;
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'jira-sync-quickstart-'));
  });

  afterAll(() => {
    if (dev?.child.pid) {
      try {
        process.kill(-dev.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('npm start syncs the simulator and answers the curl commands it prints', async () => {
    dev = startDevBackend(dataDir);
    const commands = await dev.ready;
    expect(commands).toHaveLength(5);
    expect(dev.output()).toMatch(/first syncs done in \d+ s/);
    expect(dev.output()).toMatch(/starting a full sweep of ~\d+ issues/);

    const [syncs, issues, entityIssues, metrics, changelog] = await Promise.all(commands.map(runCurl));
    expect(syncs.status).toBe(200);
    expect(syncs.body.items.map((s: { id: string }) => s.id).sort()).toEqual(['core', 'live']);
    expect(syncs.body.items.every((s: { lastRun: { outcome: string } }) => s.lastRun.outcome === 'succeeded')).toBe(true);

    expect(issues.status).toBe(200);
    expect(issues.body.items).toHaveLength(5);
    expect(issues.body.items[0].key).toMatch(/^ALPHA-\d+$/);

    expect(entityIssues.status).toBe(200);
    expect(entityIssues.body.entityRef).toBe('component:default/alpha-service');
    expect(entityIssues.body.counts.total).toBeGreaterThan(0);
    expect(entityIssues.body.items.every((i: { statusCategory: string }) => i.statusCategory !== 'done')).toBe(true);

    expect(metrics.status).toBe(200);
    expect(metrics.body.throughput.length).toBeGreaterThan(0);

    expect(changelog.status).toBe(200);
    expect(Array.isArray(changelog.body.items)).toBe(true);
  });
});
