/**
 * Jira's own clock, for anchoring incremental sweeps: `updated` is stamped by Jira, so a bound
 * taken from this machine's clock is off by the skew between the two.
 */
import { parseJiraTime } from './time';
import type { JiraTransport, TimedResponse } from './transport';

/**
 * A lower bound of Jira's clock when `response`'s request ran: its own `Date` header when it has
 * one, else `serverInfo.serverTime` less the time since `sentAt` (`performance.now()` taken
 * before the request was sent).
 */
export async function jiraTimeAt(
  transport: JiraTransport,
  sentAt: number,
  response: TimedResponse<unknown>,
  request: { signal?: AbortSignal; context?: string },
): Promise<number> {
  if (response.jiraSentMs !== undefined) return response.jiraSentMs;
  const info = await transport.request<{ serverTime?: unknown }>('GET', '/rest/api/2/serverInfo', request);
  const serverMs = parseJiraTime(info.serverTime, 'serverInfo.serverTime');
  return serverMs - Math.ceil(performance.now() - sentAt);
}
