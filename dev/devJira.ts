import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startJiraSimulator, type JiraSimulator } from './simulator';

// Overridable so a test can run the quick start beside another backend.
const DATA_DIR = process.env.JIRA_SYNC_DEV_DATA_DIR ?? resolve(__dirname, '..', '.jira-sync-dev');
const PORT = process.env.JIRA_SYNC_DEV_PORT ?? '7007';
export const DEV_TOKEN = 'jira-sync-dev-token-change-me';
const WEBHOOK_SECRET = 'jira-sync-dev-webhook-secret';
const BACKEND = `http://localhost:${PORT}`;
/** The simulator's projects are ALPHA, BETA and GAMMA, as dev/catalog-info.yaml expects. */
const SIMULATOR_CATALOG = resolve(__dirname, 'catalog-info.yaml');
/** The entity whose page `npm start` points at. */
const FIRST_ENTITY = { kind: 'component', namespace: 'default' };

const projectComponentName = (projectKey: string) => `${projectKey.toLowerCase()}-project`;

interface DevJira {
  /** Called once the backend listens: waits for the first sync and the catalog, then prints where to look. */
  afterStart(): Promise<void>;
}

/**
 * Prepares what `npm start` runs against: the Jira simulator with live edits and webhooks, or a
 * real Jira when JIRA_BASE_URL is set. Everything reaches app-config.yaml through JIRA_SYNC_DEV_*.
 */
export async function prepareDevJira(): Promise<DevJira> {
  mkdirSync(DATA_DIR, { recursive: true });
  process.env.JIRA_SYNC_DEV_DATA_DIR = DATA_DIR;
  process.env.JIRA_SYNC_DEV_PORT = PORT;
  process.env.JIRA_SYNC_DEV_TOKEN = DEV_TOKEN;
  process.env.JIRA_SYNC_DEV_WEBHOOK_SECRET = WEBHOOK_SECRET;

  let projects: string[];
  let sim: JiraSimulator | undefined;
  let firstEntity: string;
  if (process.env.JIRA_BASE_URL) {
    projects = (process.env.JIRA_PROJECTS ?? '').split(',').map(p => p.trim()).filter(Boolean);
    if (!projects.length || !process.env.JIRA_EMAIL || !process.env.JIRA_API_TOKEN) {
      throw new Error('With JIRA_BASE_URL set, also set JIRA_EMAIL, JIRA_API_TOKEN and JIRA_PROJECTS (comma-separated project keys)');
    }
    process.env.JIRA_SYNC_DEV_INSTANCE = 'jira';
    process.env.JIRA_SYNC_DEV_BASE_URL = process.env.JIRA_BASE_URL;
    process.env.JIRA_SYNC_DEV_EMAIL = process.env.JIRA_EMAIL;
    process.env.JIRA_SYNC_DEV_API_TOKEN = process.env.JIRA_API_TOKEN;
    process.env.JIRA_SYNC_DEV_CATALOG = writeProjectCatalog(projects);
    firstEntity = projectComponentName(projects[0]);
  } else {
    sim = await startJiraSimulator({
      seed: 1,
      projects: 3,
      issues: Number(process.env.JIRA_SYNC_DEV_ISSUES ?? 3000),
      port: Number(process.env.JIRA_SYNC_DEV_SIMULATOR_PORT ?? 0),
      latency: simulatorLatency(),
    });
    projects = sim.data.projects();
    process.env.JIRA_SYNC_DEV_INSTANCE = 'simulator';
    process.env.JIRA_SYNC_DEV_BASE_URL = sim.url;
    process.env.JIRA_SYNC_DEV_EMAIL = sim.credentials.email;
    process.env.JIRA_SYNC_DEV_API_TOKEN = sim.credentials.apiToken;
    process.env.JIRA_SYNC_DEV_CATALOG = SIMULATOR_CATALOG;
    firstEntity = 'alpha-service';
    console.log(`[dev] Jira simulator at ${sim.url} with ${sim.data.all().length} issues in ${projects.join(', ')}`);
  }
  const instance = process.env.JIRA_SYNC_DEV_INSTANCE!;

  // The first two projects (the entity page npm start prints) are kept fresh by webhooks, with an
  // incremental safety net; the rest sync incrementally every 2 minutes.
  const [first, second, ...rest] = projects;
  const syncs = [
    `  - id: live\n    instance: ${instance}\n    projects: [${[first, second].filter(Boolean).join(', ')}]\n    strategy: webhook\n    schedule: { frequency: { minutes: 5 }, timeout: { minutes: 30 } }`,
    ...(rest.length
      ? [`  - id: scheduled\n    instance: ${instance}\n    projects: [${rest.join(', ')}]\n    strategy: incremental\n    schedule: { frequency: { minutes: 2 }, timeout: { minutes: 30 } }`]
      : []),
  ];
  const specPath = join(DATA_DIR, 'jira-sync.yaml');
  writeFileSync(specPath, `# Written by dev/devJira.ts for npm start\nsyncs:\n${syncs.join('\n')}\n`);
  process.env.JIRA_SYNC_DEV_SPEC = specPath;

  return {
    async afterStart() {
      if (sim) startLiveEdits(sim, instance);
      const { kind, namespace } = FIRST_ENTITY;
      console.log(`[dev] serving at ${BACKEND} while the first syncs run; entity page ${BACKEND}/catalog/${namespace}/${kind}/${firstEntity}`);
      await waitForFirstSyncs();
      await waitForCatalogEntity(firstEntity);
      printWhereToLook(firstEntity, first);
    },
  };
}

/** JIRA_SYNC_DEV_SIMULATOR_LATENCY_MS: a slow simulator, to watch a first sync's progress. */
function simulatorLatency(): { fixedMs: number; perIssueMs: number } | undefined {
  const value = process.env.JIRA_SYNC_DEV_SIMULATOR_LATENCY_MS;
  if (value === undefined || value === '') return undefined;
  const fixedMs = Number(value);
  if (!Number.isInteger(fixedMs) || fixedMs < 0) throw new Error(`JIRA_SYNC_DEV_SIMULATOR_LATENCY_MS must be a whole number of milliseconds; got "${value}"`);
  return { fixedMs, perIssueMs: 0 };
}

/** With a real Jira, one component per synced project, in the data directory. */
function writeProjectCatalog(projects: string[]): string {
  const path = join(DATA_DIR, 'catalog-info.yaml');
  const documents = projects.map(key =>
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${projectComponentName(key)}`,
      '  annotations:',
      `    jira/project-key: ${key}`,
      'spec:',
      '  type: service',
      '  lifecycle: production',
      '  owner: guests',
    ].join('\n'),
  );
  writeFileSync(path, `# Written by dev/devJira.ts for npm start\n${documents.join('\n---\n')}\n`);
  return path;
}

/** Keeps the simulator busy like a real team: edits, transitions, new issues, delivered as webhooks. */
function startLiveEdits(sim: JiraSimulator, instance: string) {
  sim.webhooks.subscribe(`${BACKEND}/api/jira-sync/webhook/${instance}`, WEBHOOK_SECRET);
  let n = 0;
  const timer = setInterval(() => {
    const issues = sim.data.all();
    const issue = issues[Math.floor(Math.random() * issues.length)];
    n += 1;
    if (n % 10 === 0) {
      sim.data.createIssue({ project: sim.data.projects()[n % sim.data.projects().length], fields: { summary: `Live issue ${n}` } });
    } else {
      sim.data.updateIssue(issue.id, { summary: `${String(issue.fields.summary).replace(/ \(edit \d+\)$/, '')} (edit ${n})` });
    }
  }, 3000);
  timer.unref();
}

/** Polls `url` with the dev token until `done` accepts the answer. */
async function waitFor<T>(url: string, done: (body: T) => boolean): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
      if (response.ok && done((await response.json()) as T)) return;
    } catch {
      // The backend is still starting.
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function waitForFirstSyncs() {
  const started = Date.now();
  await waitFor<{ items: Array<{ lastSuccessAt: string | null }> }>(
    `${BACKEND}/api/jira-sync/syncs`,
    body => body.items.length > 0 && body.items.every(s => s.lastSuccessAt),
  );
  console.log(`[dev] first syncs done in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** The catalog reads dev/catalog-info.yaml on its own schedule; the entity page needs the entity. */
async function waitForCatalogEntity(name: string) {
  await waitFor(`${BACKEND}/api/catalog/entities/by-name/${FIRST_ENTITY.kind}/${FIRST_ENTITY.namespace}/${name}`, () => true);
}

function printWhereToLook(entity: string, project: string) {
  const auth = `-H 'Authorization: Bearer ${DEV_TOKEN}'`;
  const { kind, namespace } = FIRST_ENTITY;
  console.log(
    [
      '',
      `[dev] Backstage is at ${BACKEND} (sign in as guest). The card on an entity page:`,
      `  ${BACKEND}/catalog/${namespace}/${kind}/${entity}`,
      '',
      '[dev] jira-sync is running. Try:',
      `  curl -s ${auth} '${BACKEND}/api/jira-sync/syncs'`,
      `  curl -s ${auth} '${BACKEND}/api/jira-sync/issues?project=${project}&limit=5'`,
      `  curl -s ${auth} '${BACKEND}/api/jira-sync/entities/${kind}/${namespace}/${entity}/issues?statusCategory=open&limit=5'`,
      `  curl -s ${auth} '${BACKEND}/api/jira-sync/entities/${kind}/${namespace}/${entity}/metrics'`,
      `  curl -s ${auth} '${BACKEND}/api/jira-sync/issues/${project}-1/changelog'`,
      '',
    ].join('\n'),
  );
}
