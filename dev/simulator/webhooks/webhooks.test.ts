import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startJiraSimulator, type JiraSimulator } from '../index';
import { TEST_NOW } from '../testSupport';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: any;
}

let sim: JiraSimulator;
let receiver: Server;
let received: Received[];
let receiverUrl: string;

beforeEach(async () => {
  received = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>(r => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  sim = await startJiraSimulator({ issues: 20, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
});

afterEach(async () => {
  await sim.close();
  await new Promise(r => receiver.close(r));
});

describe('webhooks', () => {
  it('delivers created/updated/deleted/comment events, signed over the raw body, with the changelog of the edit', async () => {
    sim.webhooks.subscribe(receiverUrl, 's3cret');
    const created = sim.data.createIssue({ project: 'BETA', fields: { summary: 'hooked' } });
    sim.data.updateIssue(created.id, { status: 'In Progress', summary: 'hooked twice' });
    sim.data.addComment(created.id, 'hello');
    sim.data.deleteIssue(created.id);
    await sim.webhooks.flush();
    expect(received.map(r => `${r.body.webhookEvent}/${r.body.issue_event_type_name ?? ''}`)).toEqual([
      'jira:issue_created/issue_created',
      'jira:issue_updated/issue_generic',
      'comment_created/',
      'jira:issue_updated/issue_commented',
      'jira:issue_deleted/issue_deleted',
    ]);
    for (const r of received) {
      expect(r.headers['x-hub-signature']).toBe(`sha256=${createHmac('sha256', 's3cret').update(r.raw).digest('hex')}`);
      expect(r.headers['x-atlassian-webhook-identifier']).toEqual(expect.any(String));
      expect(r.body).toMatchObject({ timestamp: TEST_NOW, user: { accountId: expect.any(String) }, issue: { id: created.id, key: created.key, self: expect.any(String), fields: expect.any(Object) } });
    }
    const update = received[1].body;
    expect(update.changelog.id).toEqual(expect.any(String));
    expect(update.changelog.items.map((i: any) => i.field)).toEqual(['status', 'summary']);
    expect(received[2].body.comment.body).toEqual(expect.objectContaining({ type: 'doc' }));
    expect(sim.webhooks.deliveries().every(d => d.status === 204)).toBe(true);
  });

  it('no signature without a secret; event filter', async () => {
    sim.webhooks.subscribe(receiverUrl, null, { events: ['jira:issue_deleted'] });
    const lone = sim.data.createIssue({ project: 'ALPHA' });
    sim.data.updateIssue('ALPHA-1', { summary: 'ignored' });
    sim.data.deleteIssue(lone.id);
    await sim.webhooks.flush();
    expect(received).toHaveLength(1);
    expect(received[0].body.webhookEvent).toBe('jira:issue_deleted');
    expect(received[0].headers['x-hub-signature']).toBeUndefined();
  });

  it('deleting a parent deletes its sub-tasks, each with its own event', async () => {
    const parent = sim.data.createIssue({ project: 'GAMMA' });
    const child = sim.data.createIssue({ project: 'GAMMA', fields: { issuetype: 'Sub-task', parent: parent.key } });
    expect((sim.data.get(parent.id)!.fields.subtasks as any[]).map(s => s.key)).toEqual([child.key]);
    sim.webhooks.subscribe(receiverUrl, null);
    sim.data.deleteIssue(parent.id);
    await sim.webhooks.flush();
    expect(received.map(r => r.body.issue.id).sort()).toEqual([parent.id, child.id].sort());
    expect(sim.data.get(child.id)).toBeUndefined();
  });

  it('duplicates share an identifier and carry X-Atlassian-Webhook-Retry; reordering changes the arrival order', async () => {
    sim.webhooks.subscribe(receiverUrl, 'k', { duplicate: 0.5, reorder: true, delayMs: 60, seed: 5 });
    for (let i = 0; i < 12; i++) {
      sim.clock.advance(1000);
      sim.data.updateIssue('ALPHA-3', { summary: `v${i}` });
    }
    await sim.webhooks.flush();
    const ids = received.map(r => r.headers['x-atlassian-webhook-identifier']);
    expect(received.length).toBeGreaterThan(12);
    expect(new Set(ids).size).toBe(12);
    const retries = received.filter(r => r.headers['x-atlassian-webhook-retry'] === '1');
    expect(retries.length).toBe(received.length - 12);
    const order = received.filter(r => !r.headers['x-atlassian-webhook-retry']).map(r => r.body.timestamp);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it('duplicate: 1 delivers every event exactly twice, the copy flagged as a retry, both signed alike', async () => {
    sim.webhooks.subscribe(receiverUrl, 'twice', { duplicate: 1 });
    sim.data.updateIssue('ALPHA-2', { summary: 'one' });
    sim.data.updateIssue('ALPHA-2', { summary: 'two' });
    sim.data.deleteIssue('ALPHA-5');
    await sim.webhooks.flush();
    expect(received).toHaveLength(6);
    const byId = new Map<string, Received[]>();
    for (const r of received) byId.set(String(r.headers['x-atlassian-webhook-identifier']), [...(byId.get(String(r.headers['x-atlassian-webhook-identifier'])) ?? []), r]);
    expect([...byId.values()].map(copies => copies.length)).toEqual([2, 2, 2]);
    for (const [first, second] of byId.values()) {
      expect(second.raw).toBe(first.raw);
      expect(second.headers['x-hub-signature']).toBe(first.headers['x-hub-signature']);
      expect([first, second].filter(r => r.headers['x-atlassian-webhook-retry'] === '1')).toHaveLength(1);
    }
    expect(sim.webhooks.deliveries().filter(d => d.retry)).toHaveLength(3);
  });

  it('a delay holds deliveries until flush', async () => {
    sim.webhooks.subscribe(receiverUrl, null, { delayMs: 150 });
    sim.data.updateIssue('ALPHA-4', { summary: 'later' });
    await new Promise(r => setTimeout(r, 50));
    expect(received).toHaveLength(0);
    await sim.webhooks.flush();
    expect(received).toHaveLength(1);
    sim.webhooks.unsubscribe();
    sim.data.updateIssue('ALPHA-4', { summary: 'unheard' });
    await sim.webhooks.flush();
    expect(received).toHaveLength(1);
  });
});
