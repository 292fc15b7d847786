import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createResponseValidator } from '../service/openapiValidator';

/*
 * A stand-in for the jira-sync backend that answers the two entity routes of openapi.yaml from a
 * fixed set of issues. Every answer is checked against the document before it is sent, so the
 * fixture cannot drift from the contract.
 */

export const fixtureEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'jira/project-key': 'SHOP', 'jira/component': 'Checkout' },
  },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
};

type Category = 'new' | 'indeterminate' | 'done';
const STATUSES: Record<string, Category> = {
  'To Do': 'new',
  Backlog: 'new',
  'In Progress': 'indeterminate',
  'In Review': 'indeterminate',
  Done: 'done',
};
const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', null];
const SUMMARIES = [
  'Card payment fails when the 3-D Secure window is closed',
  'Show the delivery estimate on the order summary',
  'Retry payment capture after a gateway timeout',
  'Coupon codes are case-sensitive at checkout',
  'Add Apple Pay to the payment step',
  'Checkout button stays disabled after address correction',
  'Log declined payments with the gateway reason code',
  'Split shipping for orders with pre-order items',
  'VAT is rounded per line instead of per order',
  'Save the cart when the session expires during payment',
  'Upgrade the payment SDK to the supported version',
  'Gift cards cannot be combined with vouchers',
  'Address form rejects postcodes with spaces',
  'Track checkout abandonment per step',
];

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

export const fixtureIssues = SUMMARIES.map((summary, index) => {
  const n = 140 + index;
  const status = Object.keys(STATUSES)[index % 5];
  const assignee = PEOPLE[index % PEOPLE.length];
  return {
    instance: 'main',
    id: String(20_000 + n),
    key: `SHOP-${n}`,
    url: `https://jira.example.com/browse/SHOP-${n}`,
    projectKey: 'SHOP',
    issueType: ['Bug', 'Story', 'Task'][index % 3],
    status,
    statusCategory: STATUSES[status],
    priority: 'Medium',
    summary,
    assignee: assignee ? { accountId: `acc-${index % 3}`, displayName: assignee } : null,
    reporter: { accountId: 'acc-0', displayName: 'Ada Lovelace' },
    labels: [],
    components: ['Checkout'],
    fixVersions: [],
    parent: null,
    created: minutesAgo(60 * 24 * (40 - index)),
    // Newest update first, as the API sorts by default.
    updated: minutesAgo(17 + index * 95),
    resolved: STATUSES[status] === 'done' ? minutesAgo(17 + index * 95) : null,
    customFields: {},
    deleted: null,
  };
});

const syncStatus = {
  id: 'shop',
  instance: 'main',
  strategy: 'incremental',
  projects: ['SHOP'],
  watermark: minutesAgo(4),
  lastFullRun: minutesAgo(60 * 20),
  lastReconciliation: minutesAgo(60 * 20),
  lastRun: null,
  lastSuccessAt: minutesAgo(4),
  nextRunAt: minutesAgo(-26),
  deadLetters: 0,
  issues: fixtureIssues.length,
  health: { status: 'healthy', reason: 'last run succeeded' },
};

const weekStarts = Array.from({ length: 12 }, (_, index) => {
  const monday = new Date('2026-09-07T00:00:00Z').getTime() + index * 7 * 24 * 3600_000;
  return new Date(monday).toISOString().slice(0, 10);
});
const flowMetrics = {
  from: `${weekStarts[0]}T00:00:00.000Z`,
  to: '2026-11-30T00:00:00.000Z',
  issues: 31,
  cycleTime: { count: 23, meanHours: 71.5, medianHours: 52, p85Hours: 131 },
  leadTime: { count: 23, meanHours: 240, medianHours: 198, p85Hours: 410 },
  throughput: weekStarts.map((weekStart, index) => ({ weekStart, count: [2, 3, 1, 4, 2, 0, 3, 5, 2, 4, 6, 3][index] })),
  timeInStatus: [{ status: 'In Progress', totalHours: 1200, meanHours: 52, issues: 23 }],
};

export interface FixtureBackend {
  url: string;
  close(): Promise<void>;
}

export async function startFixtureBackend(): Promise<FixtureBackend> {
  const expectValidResponse = createResponseValidator();
  const entityPath = '/api/jira-sync/entities/component/default/checkout';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const send = (template: string, status: number, body: unknown) => {
      try {
        expectValidResponse(template, 'get', status, body);
      } catch (error) {
        status = 500;
        body = { error: { name: 'ContractError', message: String(error) } };
      }
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const issuesTemplate = '/entities/{kind}/{namespace}/{name}/issues';
    const metricsTemplate = '/entities/{kind}/{namespace}/{name}/metrics';

    if (url.pathname === `${entityPath}/issues`) {
      const category = url.searchParams.get('statusCategory') ?? 'all';
      const q = (url.searchParams.get('q') ?? '').toLocaleLowerCase('en-US');
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const offset = Number(Buffer.from(url.searchParams.get('cursor') ?? '', 'base64url').toString() || 0);
      const matching = fixtureIssues.filter(
        issue =>
          (category === 'all' ||
            (category === 'open' ? issue.statusCategory !== 'done' : issue.statusCategory === category)) &&
          (!q || issue.summary.toLocaleLowerCase('en-US').includes(q)),
      );
      const count = (c: Category) => fixtureIssues.filter(issue => issue.statusCategory === c).length;
      const next = offset + limit < matching.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
      send(issuesTemplate, 200, {
        entityRef: 'component:default/checkout',
        selector: { projectKeys: ['SHOP'], component: 'Checkout', label: null },
        counts: { new: count('new'), indeterminate: count('indeterminate'), done: count('done'), total: fixtureIssues.length },
        items: matching.slice(offset, offset + limit),
        ...(next ? { nextCursor: next } : {}),
        syncs: [syncStatus],
      });
      return;
    }
    if (url.pathname === `${entityPath}/metrics`) {
      send(metricsTemplate, 200, flowMetrics);
      return;
    }
    if (/^\/api\/jira-sync\/entities\/[^/]+\/[^/]+\/[^/]+\/issues$/.test(url.pathname)) {
      send(issuesTemplate, 404, { error: { name: 'NotFoundError', message: 'No such entity' } });
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { name: 'NotFoundError', message: `No route ${url.pathname}` } }));
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
