import { describe, expect, it } from '@jest/globals';
import '@testing-library/jest-dom/jest-globals';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { jiraSyncApiRef } from '../../api/JiraSyncApi';
import { entity, entityIssues, fakeApi, sync } from '../EntityJiraSyncContent/testFixtures';
import { EntityJiraSyncCard } from './EntityJiraSyncCard';

describe('the card while a sync runs', () => {
  it("shows the first sync's progress instead of the empty state", async () => {
    const progress = { runId: 'r1', startedAt: new Date().toISOString(), issuesRead: 12400, issuesExpected: 50000, ratePerSecond: 155, etaSeconds: 240 };
    const api = fakeApi({ issues: entityIssues({ items: [], counts: { new: 0, indeterminate: 0, done: 0, total: 0 }, syncs: [sync({ lastSuccessAt: null, progress })] }) });
    await renderInTestApp(
      <TestApiProvider apis={[[jiraSyncApiRef, api]]}>
        <EntityProvider entity={entity}>
          <EntityJiraSyncCard refreshIntervalSeconds={0} />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('jira-sync-progress-text')).toHaveTextContent('First sync in progress — 12,400 of ~50,000 issues, about 4 minutes left');
    expect(screen.queryByTestId('jira-sync-empty')).not.toBeInTheDocument();
  });

  it('shows the empty state again once no run is running', async () => {
    const api = fakeApi({ issues: entityIssues({ items: [], counts: { new: 0, indeterminate: 0, done: 0, total: 0 }, syncs: [sync({ lastSuccessAt: null, progress: null })] }) });
    await renderInTestApp(
      <TestApiProvider apis={[[jiraSyncApiRef, api]]}>
        <EntityProvider entity={entity}>
          <EntityJiraSyncCard refreshIntervalSeconds={0} />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('jira-sync-empty')).toHaveTextContent('The first sync has not finished yet');
    expect(screen.queryByTestId('jira-sync-progress')).not.toBeInTheDocument();
  });
});
