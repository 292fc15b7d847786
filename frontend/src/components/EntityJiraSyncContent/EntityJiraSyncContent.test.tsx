import { describe, expect, it, jest } from '@jest/globals';
import '@testing-library/jest-dom/jest-globals';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { jiraSyncApiRef } from '../../api/JiraSyncApi';
import { SYNCING_REFRESH_SECONDS } from '../SyncProgress';
import { EntityJiraSyncContent } from './EntityJiraSyncContent';
import { cumulativeFlow, cycleTime, entity, entityIssues, fakeApi, histories, sync, throughput, timeInStatus } from './testFixtures';

// jsdom has no layout, so recharts' ResponsiveContainer gets no ResizeObserver; the values under test are in the DOM anyway.
(globalThis as any).ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

function Location() {
  const location = useLocation();
  return <output data-testid="location">{location.search}</output>;
}

const search = () => new URLSearchParams(screen.getByTestId('location').textContent ?? '');

async function renderTab(api: ReturnType<typeof fakeApi>, url = '/') {
  await renderInTestApp(
    <TestApiProvider apis={[[jiraSyncApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityJiraSyncContent pageSize={2} />
        <Location />
      </EntityProvider>
    </TestApiProvider>,
    { routeEntries: [url] },
  );
  await screen.findAllByText('SHOP-1');
}

const lastListQuery = (api: ReturnType<typeof fakeApi>) => api.listEntityIssues.mock.calls.at(-1)![1];

/** Opens a filter's menu, picks the options, closes it. */
async function pick(testId: string, ...options: string[]) {
  fireEvent.mouseDown(screen.getByTestId(testId));
  const listbox = await screen.findByRole('listbox');
  for (const option of options) fireEvent.click(within(listbox).getByText(option));
  fireEvent.keyDown(listbox, { key: 'Escape' });
}

function hiddenTableRows(testId: string): string[][] {
  const table = screen.getByTestId(`${testId}-data`);
  return Array.from(table.querySelectorAll('tbody tr')).map(row => Array.from(row.querySelectorAll('td')).map(cell => cell.textContent ?? ''));
}

describe('the Jira tab', () => {
  describe('the issue list, its view kept in the URL', () => {
    it('opens a shared link with its filters, sort and page and asks the API for exactly that', async () => {
      const api = fakeApi();
      await renderTab(api, '/?statusCategory=new,indeterminate&type=Bug,Story&assignee=a2&label=ui&component=Checkout&q=card&sort=key&order=desc&cursor=c2');
      expect(lastListQuery(api)).toEqual({
        statusCategory: ['new', 'indeterminate'],
        type: ['Bug', 'Story'],
        assignee: ['a2'],
        label: ['ui'],
        component: ['Checkout'],
        q: 'card',
        sort: 'key',
        order: 'desc',
        limit: 2,
        cursor: 'c2',
      });
      expect(screen.getByLabelText('Search summaries')).toHaveValue('card');
      // The assignee filter names the person, not the account id.
      expect(screen.getByTestId('jira-sync-filter-assignee')).toHaveTextContent('Grace Hopper');
    });

    it('refuses unknown values in the URL instead of sending them', async () => {
      const api = fakeApi();
      await renderTab(api, '/?statusCategory=bogus,done&sort=drop&order=sideways&weeks=7');
      expect(lastListQuery(api)).toMatchObject({ statusCategory: ['done'], sort: 'updated', order: 'desc' });
      expect(api.getEntityThroughput.mock.calls.at(-1)![1]).toEqual(expect.objectContaining({ from: expect.any(String) }));
    });

    it('puts a chosen filter in the URL, asks for it, and starts again at the first page', async () => {
      const api = fakeApi({ issues: entityIssues({ nextCursor: 'c2' }) });
      await renderTab(api, '/?cursor=c1');
      await pick('jira-sync-filter-type', 'Story', 'Task');
      await waitFor(() => expect(search().get('type')).toBe('Story,Task'));
      expect(search().get('cursor')).toBeNull();
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ type: ['Story', 'Task'], cursor: undefined }));

      await pick('jira-sync-filter-assignee', 'Grace Hopper');
      await waitFor(() => expect(search().get('assignee')).toBe('a2'));
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ type: ['Story', 'Task'], assignee: ['a2'] }));

      await pick('jira-sync-filter-statusCategory', 'Done');
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ statusCategory: ['done'] }));

      fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
      await waitFor(() => expect(search().toString()).toBe(''));
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ type: [], assignee: [], statusCategory: [] }));
    });

    it('searches after typing stops, with the text in the URL', async () => {
      const api = fakeApi();
      await renderTab(api);
      fireEvent.change(screen.getByLabelText('Search summaries'), { target: { value: '  pay  ' } });
      await waitFor(() => expect(search().get('q')).toBe('pay'));
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ q: 'pay' }));
    });

    it('sorts on the server by the clicked column, each at its natural order first, and flips on a second click', async () => {
      const api = fakeApi();
      await renderTab(api);
      fireEvent.click(screen.getByRole('button', { name: 'Key' }));
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ sort: 'key', order: 'asc' }));
      expect(search().get('sort')).toBe('key');
      fireEvent.click(screen.getByRole('button', { name: 'Key' }));
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ sort: 'key', order: 'desc' }));
      fireEvent.click(screen.getByRole('button', { name: 'Created' }));
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ sort: 'created', order: 'desc' }));
      expect(search().get('order')).toBeNull();
    });

    it('sorts by priority (most urgent first) and status (workflow order) on the server, with the sort in the URL and a shared link', async () => {
      const api = fakeApi();
      await renderTab(api);
      fireEvent.click(screen.getByRole('button', { name: 'Priority' }));
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ sort: 'priority', order: 'desc' }));
      expect(search().get('sort')).toBe('priority');
      fireEvent.click(screen.getByRole('button', { name: 'Status' }));
      await waitFor(() => expect(lastListQuery(api)).toMatchObject({ sort: 'status', order: 'asc' }));
      expect(search().get('sort')).toBe('status');
      expect(search().get('order')).toBe('asc');
      // Summary is not a server sort.
      expect(screen.queryByRole('button', { name: 'Summary' })).toBeNull();
    });

    it('opens a link sorting by priority with that sort', async () => {
      const api = fakeApi();
      await renderTab(api, '/?sort=priority&order=asc');
      expect(lastListQuery(api)).toMatchObject({ sort: 'priority', order: 'asc' });
    });

    it('pages on with the cursor the API returned, kept in the URL, and back', async () => {
      const api = fakeApi({ issues: entityIssues({ nextCursor: 'c2' }) });
      await renderTab(api);
      fireEvent.click(screen.getByRole('button', { name: 'Next' }));
      await waitFor(() => expect(search().get('cursor')).toBe('c2'));
      expect(lastListQuery(api)).toMatchObject({ cursor: 'c2' });
      expect(screen.getByTestId('jira-sync-page')).toHaveTextContent('Page 2');
      fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
      await waitFor(() => expect(search().get('cursor')).toBeNull());
      expect(lastListQuery(api)).toMatchObject({ cursor: undefined });
    });
  });

  describe('the charts', () => {
    it("label each chart with its values and list them all in a hidden table, focusable by keyboard", async () => {
      const api = fakeApi();
      await renderTab(api);
      const flow = await screen.findByRole('img', { name: /^Cumulative flow:/ });
      expect(flow).toHaveAttribute('aria-label', 'Cumulative flow: 3 days from 2026-11-16 to 2026-11-18; on 2026-11-18: To do 6, In progress 4, Done 5');
      expect(flow).toHaveAttribute('tabindex', '0');
      expect(hiddenTableRows('jira-sync-chart-cumulative-flow')).toEqual(
        cumulativeFlow.points.map(point => [point.date, String(point.counts.new), String(point.counts.indeterminate), String(point.counts.done)]),
      );

      expect(screen.getByRole('img', { name: /^Cycle time:/ })).toHaveAttribute(
        'aria-label',
        'Cycle time: 2 issues completed; cycle time p50 5.4 days, p85 8.2 days, p95 9.1 days',
      );
      expect(hiddenTableRows('jira-sync-chart-cycle-time')).toEqual([
        ['SHOP-3', '2026-11-10', '1.3'],
        ['SHOP-4', '2026-11-12', '9.5'],
      ]);

      expect(screen.getByRole('img', { name: /^Weekly throughput:/ })).toHaveAttribute(
        'aria-label',
        'Weekly throughput: 8 issues completed in 3 weeks: week of 2026-11-02 3, week of 2026-11-09 0, week of 2026-11-16 5',
      );
      expect(hiddenTableRows('jira-sync-chart-throughput')).toEqual(throughput.weeks.map(week => [week.weekStart, String(week.completed)]));

      expect(screen.getByRole('img', { name: /^Time in status:/ })).toHaveAttribute(
        'aria-label',
        'Time in status: To Do median 30 h, p85 70.3 h over 10 issues; In Progress median 12.5 h, p85 40 h over 8 issues',
      );
      expect(hiddenTableRows('jira-sync-chart-time-in-status')).toEqual(
        timeInStatus.statuses.map(status => [status.status, String(status.issues), String(status.medianHours), String(Math.round(status.p85Hours! * 10) / 10), String(status.totalHours)]),
      );
      expect(cycleTime.points).toHaveLength(2);
    });

    it('asks for the chosen period and grouping, kept in the URL', async () => {
      const api = fakeApi();
      await renderTab(api, '/?weeks=26&by=status');
      const period = api.getEntityCumulativeFlow.mock.calls.at(-1)![1]!;
      expect(period.by).toBe('status');
      expect((Date.parse(period.to!) - Date.parse(period.from!)) / 86_400_000).toBe(26 * 7);
      expect(api.getEntityCycleTime.mock.calls.at(-1)![1]).toEqual({ from: period.from, to: period.to });

      expect(screen.getByTestId('jira-sync-period')).toHaveTextContent('Last 26 weeks');
      fireEvent.mouseDown(screen.getByTestId('jira-sync-period'));
      fireEvent.click(within(await screen.findByRole('listbox')).getByText('Last 52 weeks'));
      await waitFor(() => expect(search().get('weeks')).toBe('52'));
      await waitFor(() => {
        const next = api.getEntityThroughput.mock.calls.at(-1)![1]!;
        expect((Date.parse(next.to!) - Date.parse(next.from!)) / 86_400_000).toBe(52 * 7);
      });
      expect(search().get('by')).toBe('status');
    });

    it('says what went wrong when a chart cannot load, and still shows the others', async () => {
      const api = fakeApi();
      api.getEntityCycleTime.mockRejectedValue(new Error('from must be a date'));
      await renderTab(api);
      expect(await screen.findByText(/Could not load cycle times/)).toBeInTheDocument();
      expect(screen.getByRole('img', { name: /^Weekly throughput:/ })).toBeInTheDocument();
    });
  });

  describe('the issue drawer', () => {
    it("opens from a row with the issue's fields, its whole history (every changelog page) and a link to Jira", async () => {
      const api = fakeApi({ changelog: histories(1203) });
      await renderTab(api);
      fireEvent.click(screen.getByText('Pay with card'));
      const drawer = await screen.findByTestId('jira-sync-issue-drawer');
      await waitFor(() => expect(within(drawer).getByTestId('jira-sync-history-status')).toHaveTextContent('1,203 changes, oldest first'));
      expect(within(drawer).getAllByTestId('jira-sync-history-entry')).toHaveLength(1203);
      expect(api.getIssueChangelog.mock.calls.map(call => call[1]?.cursor)).toEqual([undefined, '500', '1000']);
      expect(api.getIssueChangelog.mock.calls.every(call => call[0] === 'SHOP-2' && call[1]?.instance === 'main')).toBe(true);
      const last = within(drawer).getAllByTestId('jira-sync-history-entry').at(-1)!;
      expect(last).toHaveTextContent('Grace Hopper');
      expect(last).toHaveTextContent('summary: Title 1202 → Title 1203');
      const fields = within(drawer).getByTestId('jira-sync-issue-fields');
      expect(fields).toHaveTextContent('StatusTo Do');
      expect(fields).toHaveTextContent('PriorityLow');
      expect(within(drawer).getByTestId('jira-sync-drawer-jira-link')).toHaveAttribute('href', 'https://jira.example.com/browse/SHOP-2');
      expect(search().get('issue')).toBe('SHOP-2');

      fireEvent.click(within(drawer).getByRole('button', { name: 'Close' }));
      await waitFor(() => expect(search().get('issue')).toBeNull());
      await waitFor(() => expect(screen.queryByTestId('jira-sync-issue-drawer')).not.toBeInTheDocument());
    });

    it('opens from a shared link and by keyboard from the key', async () => {
      const api = fakeApi();
      await renderTab(api, '/?issue=SHOP-1&instance=main');
      const drawer = await screen.findByTestId('jira-sync-issue-drawer');
      expect(within(drawer).getByRole('heading', { name: 'SHOP-1' })).toBeInTheDocument();
      await waitFor(() => expect(within(drawer).getByTestId('jira-sync-history-status')).toHaveTextContent('3 changes'));
      fireEvent.click(within(drawer).getByRole('button', { name: 'Close' }));
      await waitFor(() => expect(screen.queryByTestId('jira-sync-issue-drawer')).not.toBeInTheDocument());

      const key = screen.getAllByTestId('jira-sync-issue-open')[1];
      expect(key.tagName).toBe('BUTTON');
      act(() => key.focus());
      fireEvent.click(key);
      await waitFor(() => expect(search().get('issue')).toBe('SHOP-2'));
    });
  });

  describe('sync state', () => {
    it('shows a first sync\'s progress instead of an empty list', async () => {
      const progress = { runId: 'r1', startedAt: new Date().toISOString(), issuesRead: 12400, issuesExpected: 50000, ratePerSecond: 155, etaSeconds: 240 };
      const api = fakeApi({ issues: entityIssues({ items: [], counts: { new: 0, indeterminate: 0, done: 0, total: 0 }, syncs: [sync({ lastSuccessAt: null, progress })] }) });
      await renderInTestApp(
        <TestApiProvider apis={[[jiraSyncApiRef, api]]}>
          <EntityProvider entity={entity}>
            <EntityJiraSyncContent />
          </EntityProvider>
        </TestApiProvider>,
      );
      expect(await screen.findByTestId('jira-sync-progress-text')).toHaveTextContent('First sync in progress — 12,400 of ~50,000 issues, about 4 minutes left');
      expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');
      expect(screen.getByTestId('jira-sync-empty')).toHaveTextContent('The issues appear as the sync reads them.');
    });

    it('follows a running sync: its progress moves, and the issues, facets and charts load when it ends', async () => {
      const running = (issuesRead: number) =>
        entityIssues({
          items: [],
          counts: { new: 0, indeterminate: 0, done: 0, total: 0 },
          syncs: [sync({ lastSuccessAt: null, progress: { runId: 'r1', startedAt: new Date().toISOString(), issuesRead, issuesExpected: 50000, ratePerSecond: 155, etaSeconds: 240 } })],
        });
      const ended = entityIssues({ syncs: [sync({ lastRun: { runId: 'r1', syncId: 'shop', strategy: 'full', startedAt: '2026-11-20T00:00:00Z', endedAt: '2026-11-20T00:05:00Z', outcome: 'succeeded' } })] });
      const api = fakeApi();
      const answers = [running(12400), running(18600), ended];
      api.listEntityIssues.mockImplementation(async () => answers[Math.min(api.listEntityIssues.mock.calls.length - 1, answers.length - 1)]);
      jest.useFakeTimers({ advanceTimers: true });
      try {
        await renderInTestApp(
          <TestApiProvider apis={[[jiraSyncApiRef, api]]}>
            <EntityProvider entity={entity}>
              <EntityJiraSyncContent />
            </EntityProvider>
          </TestApiProvider>,
        );
        expect(await screen.findByTestId('jira-sync-progress-text')).toHaveTextContent('12,400 of ~50,000 issues');
        const chartLoads = api.getEntityThroughput.mock.calls.length;
        const facetLoads = api.getEntityIssueFacets.mock.calls.length;
        act(() => jest.advanceTimersByTime(SYNCING_REFRESH_SECONDS * 1000));
        await waitFor(() => expect(screen.getByTestId('jira-sync-progress-text')).toHaveTextContent('18,600 of ~50,000 issues'));
        act(() => jest.advanceTimersByTime(SYNCING_REFRESH_SECONDS * 1000));
        await waitFor(() => expect(screen.queryByTestId('jira-sync-progress')).not.toBeInTheDocument());
        expect(screen.getAllByTestId('jira-sync-issue-open').length).toBeGreaterThan(0);
        await waitFor(() => expect(api.getEntityThroughput.mock.calls.length).toBe(chartLoads + 1));
        expect(api.getEntityIssueFacets.mock.calls.length).toBe(facetLoads + 1);
        // Idle again: the tab stops polling.
        act(() => jest.advanceTimersByTime(5 * SYNCING_REFRESH_SECONDS * 1000));
        expect(api.listEntityIssues).toHaveBeenCalledTimes(3);
      } finally {
        jest.useRealTimers();
      }
    });

    it('says when a sync is failing and why', async () => {
      const api = fakeApi({
        issues: entityIssues({ syncs: [sync({ health: { status: 'failing', reason: '3 runs failed in a row' }, lastRun: { runId: 'r', syncId: 'shop', strategy: 'incremental', startedAt: '2026-11-20T00:00:00Z', outcome: 'failed', error: 'Jira answered 401' } })] }),
      });
      await renderTab(api);
      expect(await screen.findByText(/Jira sync "shop" is failing: 3 runs failed in a row/)).toBeInTheDocument();
      expect(screen.getByText(/Last run failed: Jira answered 401/)).toBeInTheDocument();
    });
  });
});
