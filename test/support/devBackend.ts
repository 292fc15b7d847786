import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEV_TOKEN } from '../../dev/devJira';
import { freePort } from '../../dev/freePort';
import { ChildProcessGroup, type ExitStatus } from './childProcess';

const ROOT = resolve(__dirname, '../..');

/** The README's `npm start` (dev/index.ts: the dev Backstage with the app, the catalog and the simulator), as it printed itself. */
export interface DevBackend {
  process: ChildProcessGroup;
  /** http://localhost:<port> */
  url: string;
  /** The entity page it printed. */
  entityPageUrl: string;
  /** The curl commands it printed. */
  curlCommands: string[];
  /** The simulator it started. */
  simulatorUrl: string;
  /** Where its SQLite files are (`jira-sync.sqlite` is the plugin's). */
  dataDir: string;
  /** The dev token it prints in the curl commands. */
  token: string;
  /** SIGINT, as Ctrl-C in a terminal; resolves with how it exited. */
  stop(): Promise<ExitStatus>;
  /** Kills what is left and removes the data directory. */
  dispose(): Promise<void>;
}

const READY = /\[dev\] jira-sync is running\. Try:\n((?:\s*curl .*\n)+)\n/;
const SERVING = /\[dev\] serving at \S+ while the first syncs run; entity page (\S+)\n/;

/**
 * Runs `npm start` on a free port with its own data directory and waits until it prints where to
 * look: after the first syncs (`until: 'ready'`, the default) or as soon as it serves (`'serving'`).
 */
export async function startDevBackend(
  options: { issues?: number; env?: NodeJS.ProcessEnv; timeoutMs?: number; until?: 'ready' | 'serving' } = {},
): Promise<DevBackend> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'jira-sync-dev-'));
  const group = ChildProcessGroup.spawn('npm start', 'npm', ['start'], {
    cwd: ROOT,
    env: {
      // As in a terminal: the Backstage CLI picks its own (jest's "test" breaks the app build).
      NODE_ENV: undefined,
      JIRA_SYNC_DEV_PORT: String(port),
      JIRA_SYNC_DEV_DATA_DIR: dataDir,
      JIRA_SYNC_DEV_ISSUES: String(options.issues ?? 600),
      ...options.env,
    },
  });
  const dispose = async () => {
    await group.kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (options.until === 'serving') {
      const serving = await group.waitForOutput(SERVING, options.timeoutMs ?? 240_000);
      const simulatorUrl = /\[dev\] Jira simulator at (\S+)/.exec(group.output())?.[1] ?? '';
      const stop = () => group.stop('SIGINT', 60_000);
      return { process: group, url: `http://localhost:${port}`, entityPageUrl: serving[1], curlCommands: [], simulatorUrl, dataDir, token: DEV_TOKEN, stop, dispose };
    }
    const ready = await group.waitForOutput(READY, options.timeoutMs ?? 240_000);
    const text = group.output();
    const curlCommands = ready[1].split('\n').map(line => line.trim()).filter(line => line.startsWith('curl '));
    const entityPageUrl = /The card on an entity page:\n\s*(\S+)/.exec(text)?.[1];
    const simulatorUrl = /\[dev\] Jira simulator at (\S+)/.exec(text)?.[1];
    const token = /Authorization: Bearer ([^']+)'/.exec(curlCommands[0] ?? '')?.[1];
    if (!entityPageUrl || !simulatorUrl || !token) throw new Error(`npm start did not print the entity page, simulator or token:\n${text.slice(-4000)}`);
    return {
      process: group,
      url: `http://localhost:${port}`,
      entityPageUrl,
      curlCommands,
      simulatorUrl,
      dataDir,
      token,
      stop: () => group.stop('SIGINT', 60_000),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
