import { mockServices } from '@backstage/backend-test-utils';
import { createSchedulerTaskStateReader } from './schedulerTaskStates';

describe('createSchedulerTaskStateReader', () => {
  const discovery = { getBaseUrl: async (id: string) => `http://backstage.test/api/${id}`, getExternalBaseUrl: async () => '' };

  it('asks the plugin scheduler task API with a service token and maps the task states', async () => {
    const fetch = jest.fn(async () => new Response(JSON.stringify({
      tasks: [
        { taskId: 'jira-sync:a', taskState: { status: 'idle', startsAt: '2026-03-18T12:30:00.000Z' } },
        { taskId: 'jira-sync:b', taskState: { status: 'running', startedAt: '2026-03-18T11:59:00.000Z' } },
        { taskId: 'jira-sync:c', taskState: null },
      ],
    })));
    const read = createSchedulerTaskStateReader({ discovery, auth: mockServices.auth(), fetch: fetch as any });
    const states = await read();
    expect(fetch).toHaveBeenCalledWith('http://backstage.test/api/jira-sync/.backstage/scheduler/v1/tasks', {
      headers: { authorization: expect.stringMatching(/^Bearer .+/) },
    });
    expect([...states.keys()]).toEqual(['jira-sync:a', 'jira-sync:b']);
    expect(states.get('jira-sync:a')).toEqual({ status: 'idle', startsAt: '2026-03-18T12:30:00.000Z' });
  });

  it('fails on an error answer', async () => {
    const fetch = jest.fn(async () => new Response('nope', { status: 503 }));
    const read = createSchedulerTaskStateReader({ discovery, auth: mockServices.auth(), fetch: fetch as any });
    await expect(read()).rejects.toThrow('scheduler task API answered 503');
  });

  it('reuses an answer younger than maxAgeMs, and never a failed one', async () => {
    let nowMs = 0;
    const answers = [new Response('down', { status: 502 }), ...[1, 2].map(() => new Response(JSON.stringify({ tasks: [{ taskId: 'jira-sync:a', taskState: { status: 'idle' } }] })))];
    const fetch = jest.fn(async () => answers.shift()!);
    const read = createSchedulerTaskStateReader({ discovery, auth: mockServices.auth(), fetch: fetch as any, maxAgeMs: 1000, now: () => nowMs });
    await expect(read()).rejects.toThrow('502');
    expect((await read()).get('jira-sync:a')).toEqual({ status: 'idle' });
    nowMs = 999;
    await read();
    expect(fetch).toHaveBeenCalledTimes(2);
    nowMs = 1000;
    await read();
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});
