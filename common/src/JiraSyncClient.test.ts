import { describe, expect, it, jest } from '@jest/globals';
import { ResponseError } from '@backstage/errors';
import { JiraSyncClient } from './JiraSyncClient';
import type { EntityIssues, FlowMetrics } from './types';

const entity = { kind: 'component', namespace: 'default', name: 'my:service' };

function clientAnswering(status: number, body: unknown, contentType = 'application/json') {
  const fetch = jest.fn<typeof globalThis.fetch>(
    async () =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        statusText: status === 200 ? 'OK' : 'Error',
        headers: { 'Content-Type': contentType },
      }),
  );
  const getBaseUrl = jest.fn(async (_pluginId: string) => 'http://backstage.test/api/jira-sync');
  const client = new JiraSyncClient({ discoveryApi: { getBaseUrl }, fetchApi: { fetch } });
  return { client, fetch, getBaseUrl };
}

describe('JiraSyncClient', () => {
  it('asks the discovered jira-sync base URL for the entity issues with the given query', async () => {
    const answer: EntityIssues = {
      entityRef: 'component:default/my:service',
      selector: { projectKeys: ['SHOP'] },
      counts: { new: 0, indeterminate: 0, done: 0, total: 0 },
      items: [],
      syncs: [],
    };
    const { client, fetch, getBaseUrl } = clientAnswering(200, answer);

    const result = await client.getEntityIssues(entity, {
      statusCategory: 'open',
      q: 'pay by card',
      limit: 25,
      cursor: 'abc/=',
      sort: undefined,
    });

    expect(result).toEqual(answer);
    expect(getBaseUrl).toHaveBeenCalledWith('jira-sync');
    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(url.pathname).toBe('/api/jira-sync/entities/component/default/my%3Aservice/issues');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      statusCategory: 'open',
      q: 'pay by card',
      limit: '25',
      cursor: 'abc/=',
    });
  });

  it('asks for flow metrics over the given weeks', async () => {
    const metrics: FlowMetrics = {
      from: '2026-01-01T00:00:00Z',
      to: '2026-03-26T00:00:00Z',
      issues: 0,
      cycleTime: { count: 0 },
      leadTime: { count: 0 },
      throughput: [],
      timeInStatus: [],
    };
    const { client, fetch } = clientAnswering(200, metrics);

    await expect(client.getEntityFlowMetrics(entity, { weeks: 8 })).resolves.toEqual(metrics);
    expect(String(fetch.mock.calls[0][0])).toBe(
      'http://backstage.test/api/jira-sync/entities/component/default/my%3Aservice/metrics?weeks=8',
    );
  });

  it("throws a ResponseError with the status and the server's message for the contract's error body", async () => {
    const { client } = clientAnswering(400, {
      error: { name: 'InputError', message: 'missing annotation jira/project-key' },
    });

    const error = await client.getEntityIssues(entity).catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(400);
    expect(error.body.error.message).toBe('missing annotation jira/project-key');
    expect(error.cause.name).toBe('InputError');
  });

  it('keeps a non-JSON error answer as the message', async () => {
    const { client } = clientAnswering(502, 'Bad gateway', 'text/plain');

    const error = await client.getEntityFlowMetrics(entity).catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(502);
    expect(error.body.error.message).toContain('Bad gateway');
  });
});
