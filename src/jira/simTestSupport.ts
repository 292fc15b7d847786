/** Test support: a real client against the Jira simulator, with fast retries. */
import type { JiraInstanceConfig } from '../config/types';
import { simInstanceConfig } from '../../test/support/factories';
import { createJiraClient, type CreateJiraClientOptions } from './client';
import type { IssuePage, JiraClient, JiraIssue } from './types';

export interface SimLike {
  url: string;
  credentials: { email: string; apiToken: string; pat: string };
}

export function recordingLogger() {
  const lines: string[] = [];
  const log = (level: string) => (message: string, meta?: unknown) => {
    lines.push(`${level} ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`);
  };
  return { lines, logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') } };
}

export function simClient(
  sim: SimLike,
  overrides: Partial<JiraInstanceConfig> = {},
  extra: Partial<CreateJiraClientOptions> = {},
): { client: ReturnType<typeof createJiraClient>; lines: string[] } {
  const { lines, logger } = recordingLogger();
  const client = createJiraClient({
    config: simInstanceConfig(sim, {
      rateLimit: { requestsPerSecond: 2000, concurrency: 4, maxAttempts: 8, requestTimeoutMs: 5000 },
      ...overrides,
    }),
    logger,
    retry: { baseDelayMs: 2, maxDelayMs: 40 },
    ...extra,
  });
  return { client, lines };
}

/** Every page of a search, and every issue delivery in order. */
export async function readAll(client: JiraClient, options: Parameters<JiraClient['searchIssues']>[0]) {
  const pages: IssuePage[] = [];
  const deliveries: JiraIssue[] = [];
  for await (const page of client.searchIssues(options)) {
    pages.push(page);
    deliveries.push(...page.issues);
  }
  return { pages, deliveries };
}

export const FIELDS = ['summary', 'status', 'issuetype', 'assignee', 'labels'];
export const ALL_ISSUES_JQL = 'updated >= "1970/01/01 00:00" ORDER BY updated ASC, key ASC';
