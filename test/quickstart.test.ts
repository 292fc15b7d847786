import { killAllChildProcessGroups } from './support/childProcess';
import { startDevBackend, type DevBackend } from './support/devBackend';

jest.setTimeout(300_000);

/** `curl -s -H 'Authorization: Bearer X' 'URL'` → fetch, exactly as the README prints it. */
async function runCurl(command: string) {
  const [, header, url] = /-H '([^']+)' '([^']+)'/.exec(command)!;
  const [name, value] = header.split(': ');
  const response = await fetch(url, { headers: { [name]: value } });
  return { status: response.status, body: (await response.json()) as any };
}

describe('the README quick start (npm start)', () => {
  let dev: DevBackend;

  beforeAll(async () => {
    dev = await startDevBackend();
  });

  afterAll(async () => {
    await dev?.dispose();
    await killAllChildProcessGroups();
  });

  it('syncs the simulator and answers the curl commands it prints', async () => {
    const output = dev.process.output();
    expect(dev.curlCommands).toHaveLength(5);
    expect(output).toMatch(/first syncs done in \d+ s/);
    expect(output).toMatch(/starting a full sweep of ~\d+ issues/);

    const [syncs, issues, entityIssues, metrics, changelog] = await Promise.all(dev.curlCommands.map(runCurl));
    expect(syncs.status).toBe(200);
    expect(syncs.body.items.map((s: { id: string }) => s.id).sort()).toEqual(['live', 'scheduled']);
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

  it('serves the Backstage app beside the API and prints the page of an annotated entity', async () => {
    expect(dev.entityPageUrl).toBe(`${dev.url}/catalog/default/component/alpha-service`);
    const page = await fetch(dev.entityPageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<div id="root">');

    // The entity comes from dev/catalog-info.yaml through the real catalog backend.
    const entity = await fetch(`${dev.url}/api/catalog/entities/by-name/component/default/alpha-service`, {
      headers: { authorization: `Bearer ${dev.token}` },
    });
    expect(entity.status).toBe(200);
    expect((await entity.json()).metadata.annotations['jira/project-key']).toBe('ALPHA');
  });

  it('stops on Ctrl-C without an abort', async () => {
    const status = await dev.stop();
    const output = dev.process.output();
    expect(output).not.toMatch(/Assertion failed|Aborted|core dumped|Segmentation fault|FATAL ERROR/);
    expect(status.code === 0 || status.code === 130 || status.signal === 'SIGINT').toBe(true);
  });
});
