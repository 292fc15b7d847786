import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';

/** A scheduled task's state as the scheduler reports it (times are ISO strings). */
export interface SchedulerTaskState {
  status: 'idle' | 'running';
  /** Next start of an idle task. */
  startsAt?: string;
  /** Start of the current run of a running task. */
  startedAt?: string;
}

/** Task id → state; the scheduler service itself has no method for this, its HTTP API does. */
export type SchedulerTaskStateReader = () => Promise<Map<string, SchedulerTaskState>>;

/**
 * Reads `GET <plugin>/.backstage/scheduler/v1/tasks` (mounted by Backstage's scheduler on every
 * plugin router), where global tasks report their next start from the scheduler's lock table.
 */
export function createSchedulerTaskStateReader(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  pluginId?: string;
  fetch?: typeof fetch;
  /** Answers younger than this are reused: busy entity pages would otherwise call the task API on every request. Default 1 s. */
  maxAgeMs?: number;
  now?: () => number;
}): SchedulerTaskStateReader {
  const pluginId = options.pluginId ?? 'jira-sync';
  const doFetch = options.fetch ?? fetch;
  const maxAgeMs = options.maxAgeMs ?? 1000;
  const now = options.now ?? Date.now;
  let cached: { atMs: number; states: Promise<Map<string, SchedulerTaskState>> } | undefined;
  const read = async () => {
    const baseUrl = await options.discovery.getBaseUrl(pluginId);
    const { token } = await options.auth.getPluginRequestToken({
      onBehalfOf: await options.auth.getOwnServiceCredentials(),
      targetPluginId: pluginId,
    });
    const response = await doFetch(`${baseUrl}/.backstage/scheduler/v1/tasks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`scheduler task API answered ${response.status}`);
    const body = (await response.json()) as { tasks?: Array<{ taskId: string; taskState: SchedulerTaskState | null }> };
    return new Map((body.tasks ?? []).flatMap(t => (t.taskState ? [[t.taskId, t.taskState] as const] : [])));
  };
  return () => {
    const nowMs = now();
    if (!cached || nowMs - cached.atMs >= maxAgeMs) {
      const states = read();
      cached = { atMs: nowMs, states };
      // A failed read is not kept: the next request asks again.
      states.catch(() => {
        if (cached?.states === states) cached = undefined;
      });
    }
    return cached.states;
  };
}
