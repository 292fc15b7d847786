import { describe, expect, it, jest } from '@jest/globals';
import '@testing-library/jest-dom/jest-globals';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  JiraSyncClient,
  type EntityIssues,
  type FlowMetrics,
  type Issue,
  type JiraSyncApi,
  type SyncStatus,
} from '@jira-sync/backstage-plugin-jira-sync-common';
import { jiraSyncApiRef } from '../../api/JiraSyncApi';
import { fakeApi } from '../EntityJiraSyncContent/testFixtures';
import { EntityJiraSyncCard } from './EntityJiraSyncCard';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'jira/project-key': 'SHOP', 'jira/component': 'Checkout' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function issue(n: number, overrides: Partial<Issue> = {}): Issue {
  return {
    instance: 'main',
    id: String(10000 + n),
    key: `SHOP-${n}`,
    url: `https://jira.example.com/browse/SHOP-${n}`,
    projectKey: 'SHOP',
    issueType: 'Bug',
    status: 'In Progress',
    statusCategory: 'indeterminate',
    summary: `Summary of issue ${n}`,
    assignee: { accountId: 'a1', displayName: 'Ada Lovelace' },
    labels: [],
    components: ['Checkout'],
    created: minutesAgo(60 * 24 * 10),
    updated: minutesAgo(30),
    customFields: {},
    ...overrides,
  };
}

function sync(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    id: 'shop',
    instance: 'main',
    strategy: 'incremental',
    projects: ['SHOP'],
    lastSuccessAt: minutesAgo(5),
    health: { status: 'healthy', reason: 'last run succeeded' },
    ...overrides,
  };
}

function entityIssues(overrides: Partial<EntityIssues> = {}): EntityIssues {
  return {
    entityRef: 'component:default/checkout',
    selector: { projectKeys: ['SHOP'], component: 'Checkout', label: null },
    counts: { new: 4, indeterminate: 2, done: 7, total: 13 },
    items: [issue(1), issue(2, { summary: 'Pay with card', assignee: null, status: 'To Do', statusCategory: 'new' })],
    syncs: [sync()],
    ...overrides,
  };
}

const metrics: FlowMetrics = {
  from: '2026-08-31T00:00:00Z',
  to: '2026-11-23T00:00:00Z',
  issues: 20,
  cycleTime: { count: 12, medianHours: 84, p85Hours: 200, meanHours: 100 },
  leadTime: { count: 12, medianHours: 240 },
  throughput: [
    { weekStart: '2026-11-02', count: 3 },
    { weekStart: '2026-11-09', count: 0 },
    { weekStart: '2026-11-16', count: 5 },
  ],
  timeInStatus: [],
};

function mockApi(answer: EntityIssues | Error = entityIssues()) {
  return {
    // The card reads only these two; the tab's methods answer the shared fixtures.
    ...fakeApi(),
    getEntityIssues: jest.fn<JiraSyncApi['getEntityIssues']>(async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    }),
    getEntityFlowMetrics: jest.fn<JiraSyncApi['getEntityFlowMetrics']>(async () => metrics),
  } satisfies JiraSyncApi;
}

async function renderCard(api: JiraSyncApi, onEntity: Entity = entity, refreshIntervalSeconds?: number) {
  return renderInTestApp(
    <TestApiProvider apis={[[jiraSyncApiRef, api]]}>
      <EntityProvider entity={onEntity}>
        <EntityJiraSyncCard pageSize={2} refreshIntervalSeconds={refreshIntervalSeconds} />
      </EntityProvider>
    </TestApiProvider>,
  );
}

/** The error the real client throws for an error answer in the contract's shape. */
async function responseError(status: number, statusText: string, message: string): Promise<Error> {
  const client = new JiraSyncClient({
    discoveryApi: { getBaseUrl: async () => 'http://backstage.test/api/jira-sync' },
    fetchApi: {
      fetch: async () =>
        new Response(JSON.stringify({ error: { name: status === 404 ? 'NotFoundError' : 'InputError', message } }), {
          status,
          statusText,
          headers: { 'Content-Type': 'application/json' },
        }),
    },
  });
  return client.getEntityIssues({ kind: 'component', namespace: 'default', name: 'checkout' }).then(
    () => {
      throw new Error('expected the client to throw');
    },
    error => error,
  );
}

/** The table's issue rows, found by their key links. */
const issueRows = () => screen.getAllByTestId('jira-sync-issue-key').map(link => link.closest('tr')!);

describe('EntityJiraSyncCard', () => {
  it('shows counts, the selector, freshness and the issues with links to Jira', async () => {
    const api = mockApi();
    await renderCard(api);

    expect(await screen.findByText('SHOP-1')).toBeInTheDocument();
    expect(screen.getByTestId('jira-sync-count-new')).toHaveTextContent('4');
    expect(screen.getByTestId('jira-sync-count-indeterminate')).toHaveTextContent('2');
    expect(screen.getByTestId('jira-sync-count-done')).toHaveTextContent('7');
    expect(screen.getByTestId('jira-sync-count-total')).toHaveTextContent('13');
    expect(screen.getByTestId('jira-sync-selector')).toHaveTextContent('Project SHOP · component Checkout');
    expect(screen.getByTestId('jira-sync-freshness')).toHaveTextContent('Synced 5 minutes ago');

    const rows = issueRows();
    expect(rows).toHaveLength(2);
    const first = within(rows[0]);
    expect(first.getByRole('link', { name: /^SHOP-1\b/ })).toHaveAttribute('href', 'https://jira.example.com/browse/SHOP-1');
    expect(first.getByText('Summary of issue 1')).toBeInTheDocument();
    expect(first.getByText('Bug')).toBeInTheDocument();
    expect(first.getByText('In Progress')).toBeInTheDocument();
    expect(first.getByText('Ada Lovelace')).toBeInTheDocument();
    expect(first.getByText('30 minutes ago')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Unassigned')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Pay with card')).toBeInTheDocument();

    expect(api.getEntityIssues).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'checkout' },
      { statusCategory: 'open', q: undefined, limit: 2, cursor: undefined, sort: 'updated', order: 'desc' },
    );
  });

  it('shows flow metrics: median cycle time and a weekly throughput chart', async () => {
    const api = mockApi();
    await renderCard(api);

    expect(await screen.findByTestId('jira-sync-cycle-time')).toHaveTextContent('3.5 d');
    expect(screen.getByText(/Median cycle time \(12 issues, p85 8.3 d\)/)).toBeInTheDocument();
    const chart = screen.getByRole('img', { name: /Issues done per week/ });
    expect(chart).toHaveAttribute('aria-label', 'Issues done per week, oldest first: 3, 0, 5');
    expect(chart.querySelectorAll('rect')).toHaveLength(3);
    expect(screen.getByTestId('jira-sync-throughput-total')).toHaveTextContent('8 done in 12 weeks');
    expect(api.getEntityFlowMetrics).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'checkout' },
      { weeks: 12 },
    );
  });

  it('asks again with the chosen status filter and search text, from the first page', async () => {
    const api = mockApi();
    await renderCard(api);
    await screen.findByText('SHOP-1');

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    await waitFor(() =>
      expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), {
        statusCategory: 'done',
        q: undefined,
        limit: 2,
        cursor: undefined,
        sort: 'updated',
        order: 'desc',
      }),
    );
    expect(screen.getByRole('button', { name: 'Done' })).toHaveAttribute('aria-pressed', 'true');

    fireEvent.change(screen.getByLabelText('Search summaries'), { target: { value: '  card ' } });
    await waitFor(() =>
      expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), {
        statusCategory: 'done',
        q: 'card',
        limit: 2,
        cursor: undefined,
        sort: 'updated',
        order: 'desc',
      }),
    );
    // The debounce sends one request for the typed text, not one per change.
    expect(api.getEntityIssues.mock.calls.filter(call => call[1]?.q === 'card')).toHaveLength(1);
  });

  it('sorts the whole selection on the server when a sortable header is clicked, from the first page', async () => {
    const api = mockApi();
    api.getEntityIssues.mockImplementation(async (_entity, query) =>
      query?.sort === 'key' ? entityIssues({ items: [issue(2), issue(1)] }) : entityIssues({ nextCursor: 'page-2' }),
    );
    await renderCard(api);
    await screen.findByText('SHOP-1');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ cursor: 'page-2' })));
    await screen.findByTestId('jira-sync-page');

    fireEvent.click(screen.getByText('Key'));
    await waitFor(() =>
      expect(api.getEntityIssues).toHaveBeenLastCalledWith(
        expect.anything(),
        expect.objectContaining({ sort: 'key', order: 'asc', cursor: undefined }),
      ),
    );
    // The rows stay in the server's order (SHOP-2 first), not re-sorted on the page.
    await waitFor(() => expect(issueRows().map(row => within(row).getByTestId('jira-sync-issue-key').childNodes[0]?.textContent)).toEqual(['SHOP-2', 'SHOP-1']));
    fireEvent.click(screen.getByText('Key'));
    await waitFor(() =>
      expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ sort: 'key', order: 'desc' })),
    );
    // Summary is not a server sort: its header does not ask again.
    const calls = api.getEntityIssues.mock.calls.length;
    fireEvent.click(screen.getByText('Summary'));
    expect(api.getEntityIssues.mock.calls.length).toBe(calls);
  });

  it('sorts by priority, most urgent first, and by status, in workflow order, on the server', async () => {
    const api = mockApi();
    api.getEntityIssues.mockResolvedValue(entityIssues());
    await renderCard(api);
    await screen.findByText('SHOP-1');
    fireEvent.click(screen.getByText('Priority'));
    await waitFor(() =>
      expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ sort: 'priority', order: 'desc', cursor: undefined })),
    );
    fireEvent.click(screen.getByText('Status'));
    await waitFor(() =>
      expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ sort: 'status', order: 'asc' })),
    );
  });

  it('pages with the cursor the backend returned, and back', async () => {
    const api = mockApi();
    api.getEntityIssues.mockImplementation(async (_entity, query) =>
      query?.cursor === 'page-2'
        ? entityIssues({ items: [issue(3)] })
        : entityIssues({ nextCursor: 'page-2' }),
    );
    await renderCard(api);
    await screen.findByText('SHOP-1');
    expect(screen.getByTestId('jira-sync-page')).toHaveTextContent('Page 1');
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('SHOP-3')).toBeInTheDocument();
    expect(screen.queryByText('SHOP-1')).not.toBeInTheDocument();
    expect(screen.getByTestId('jira-sync-page')).toHaveTextContent('Page 2');
    expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ cursor: 'page-2' }));
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('SHOP-1')).toBeInTheDocument();
    expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ cursor: undefined }));
  });

  it("names the components of an entity annotated with Axis's jira.com/components", async () => {
    const axisEntity: Entity = {
      ...entity,
      metadata: { ...entity.metadata, annotations: { 'jira.com/project-key': 'SHOP,PAY', 'jira.com/components': 'Api,Web UI' } },
    };
    const api = mockApi(entityIssues({ selector: { projectKeys: ['SHOP', 'PAY'], component: null, components: ['Api', 'Web UI'], label: null } }));
    await renderCard(api, axisEntity);
    expect(await screen.findByTestId('jira-sync-selector')).toHaveTextContent('Projects SHOP, PAY · components Api, Web UI');
  });

  it('says so when no issue matches the filter, and how to widen it', async () => {
    const api = mockApi(entityIssues({ items: [] }));
    await renderCard(api);

    expect(await screen.findByText('No open issues')).toBeInTheDocument();
    expect(screen.getByText('Choose All to see every issue.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('tells when the first sync has not finished yet', async () => {
    const api = mockApi(
      entityIssues({
        items: [],
        counts: { new: 0, indeterminate: 0, done: 0, total: 0 },
        syncs: [sync({ lastSuccessAt: null, health: { status: 'unknown', reason: 'no run yet' } })],
      }),
    );
    await renderCard(api);

    expect(await screen.findByText('No issues synced for this entity')).toBeInTheDocument();
    expect(screen.getByText(/first sync has not finished yet/)).toBeInTheDocument();
    expect(screen.getByTestId('jira-sync-freshness')).toHaveTextContent('Not synced yet');
  });

  it('asks to add the project to the sync spec when no sync covers it', async () => {
    const api = mockApi(
      entityIssues({ items: [], counts: { new: 0, indeterminate: 0, done: 0, total: 0 }, syncs: [] }),
    );
    await renderCard(api);

    expect(await screen.findByText(/No jira-sync sync covers SHOP$/)).toBeInTheDocument();
    expect(screen.getByText(/Add SHOP to the/)).toHaveTextContent('jira-sync sync spec');
    expect(screen.queryByTestId('jira-sync-freshness')).not.toBeInTheDocument();
  });

  it('warns when the sync is stale or failing, with the reason and the last error', async () => {
    const api = mockApi(
      entityIssues({
        syncs: [
          sync({
            id: 'shop',
            lastSuccessAt: minutesAgo(60 * 26),
            health: { status: 'stale', reason: 'no successful run for 26 hours' },
          }),
          sync({
            id: 'shop-archive',
            lastSuccessAt: minutesAgo(60 * 3),
            lastRun: {
              runId: 'r9',
              syncId: 'shop-archive',
              strategy: 'incremental',
              startedAt: minutesAgo(10),
              outcome: 'failed',
              error: 'Jira answered 401 Unauthorized',
            },
            health: { status: 'failing', reason: '3 runs failed in a row' },
          }),
        ],
      }),
    );
    await renderCard(api);

    expect(await screen.findByText(/Jira sync "shop" is stale: no successful run for 26 hours/)).toBeInTheDocument();
    expect(screen.getByText(/Jira sync "shop-archive" is failing: 3 runs failed in a row/)).toBeInTheDocument();
    expect(screen.getByText('Last run failed: Jira answered 401 Unauthorized')).toBeInTheDocument();
    // The oldest success among the syncs is how fresh the list is.
    expect(screen.getByTestId('jira-sync-freshness')).toHaveTextContent('Synced 26 hours ago');
    // The issues are still shown under the warning.
    expect(screen.getByText('SHOP-1')).toBeInTheDocument();
  });

  it('shows no warning for a healthy sync', async () => {
    await renderCard(mockApi());
    await screen.findByText('SHOP-1');
    expect(screen.queryByText(/Jira sync ".*" is/)).not.toBeInTheDocument();
  });

  it('names the annotation to fix when the backend rejects the entity (400)', async () => {
    const error = await responseError(400, 'Bad Request', 'Entity component:default/checkout has no jira/project-key annotation');
    await renderCard(mockApi(error));

    expect(await screen.findByText(/jira-sync cannot select issues for this entity$/)).toBeInTheDocument();
    expect(screen.getByText('Entity component:default/checkout has no jira/project-key annotation')).toBeInTheDocument();
    expect(screen.getByText('jira/project-key: SHOP')).toBeInTheDocument();
  });

  it('says the backend does not know the entity (404)', async () => {
    const error = await responseError(404, 'Not Found', 'No entity named component:default/checkout');
    await renderCard(mockApi(error));

    expect(await screen.findByText(/jira-sync does not know the entity Component:default\/checkout$/)).toBeInTheDocument();
    expect(screen.getByText(/check that Component:default\/checkout is registered/)).toBeInTheDocument();
  });

  it('shows other errors with a retry that asks again', async () => {
    const api = mockApi(new Error('socket hang up'));
    await renderCard(api);

    expect(await screen.findByText(/Could not load Jira issues from jira-sync/)).toBeInTheDocument();
    expect(screen.getAllByText(/socket hang up/).length).toBeGreaterThan(0);
    api.getEntityIssues.mockResolvedValue(entityIssues());
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('SHOP-1')).toBeInTheDocument();
    expect(api.getEntityIssues).toHaveBeenCalledTimes(2);
  });

  it('shows which annotation to add on an entity without a Jira project key, without calling the backend', async () => {
    const api = mockApi();
    const withoutProject: Entity = {
      ...entity,
      metadata: { name: 'checkout', annotations: { 'jira/component': 'Checkout' } },
    };
    await renderCard(api, withoutProject);

    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
    expect(screen.getAllByText('jira/project-key').length).toBeGreaterThan(0);
    expect(api.getEntityIssues).not.toHaveBeenCalled();
    expect(api.getEntityFlowMetrics).not.toHaveBeenCalled();
  });

  it('keeps the issues when only the flow metrics fail', async () => {
    const api = mockApi();
    api.getEntityFlowMetrics.mockRejectedValue(new Error('metrics query timed out'));
    await renderCard(api);

    expect(await screen.findByText('Flow metrics unavailable: metrics query timed out')).toBeInTheDocument();
    expect(screen.getByText('SHOP-1')).toBeInTheDocument();
  });

  it('reloads in the background at its refresh interval, keeping the filter and showing no progress bar', async () => {
    const api = mockApi();
    await renderCard(api, entity, 1);
    expect(await screen.findByText('Summary of issue 1')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ statusCategory: 'done' })));
    const callsBefore = api.getEntityIssues.mock.calls.length;
    const metricsBefore = api.getEntityFlowMetrics.mock.calls.length;

    api.getEntityIssues.mockImplementation(async () => entityIssues({ items: [issue(1, { summary: 'Edited in Jira' })] }));
    expect(await screen.findByText('Edited in Jira', undefined, { timeout: 3000 })).toBeInTheDocument();
    expect(api.getEntityIssues.mock.calls.length).toBeGreaterThan(callsBefore);
    expect(api.getEntityIssues).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ statusCategory: 'done' }));
    expect(api.getEntityFlowMetrics.mock.calls.length).toBeGreaterThan(metricsBefore);
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('keeps what it shows when a background reload fails, and says so', async () => {
    const api = mockApi();
    await renderCard(api, entity, 1);
    expect(await screen.findByText('Summary of issue 1')).toBeInTheDocument();
    api.getEntityIssues.mockImplementation(async () => {
      throw new Error('backend restarting');
    });
    expect(await screen.findByText('Error: Could not load this page of issues', undefined, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.getByText('Summary of issue 1')).toBeInTheDocument();
  });

  it('does not reload on its own with a refresh interval of 0', async () => {
    const api = mockApi();
    await renderCard(api, entity, 0);
    expect(await screen.findByText('Summary of issue 1')).toBeInTheDocument();
    const calls = api.getEntityIssues.mock.calls.length;
    await new Promise(r => setTimeout(r, 1500));
    expect(api.getEntityIssues.mock.calls.length).toBe(calls);
  });
});
