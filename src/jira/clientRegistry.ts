import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { JiraInstanceConfig } from '../config/types';
import type { OAuthTokenStore } from './auth';
import { createJiraClient } from './client';
import type { JiraClient } from './types';
import type { JiraLogger } from './redact';

/** Backstage's logger takes JSON metadata; the client's metadata is always JSON-safe. */
const jiraLogger = (logger: LoggerService): JiraLogger => ({
  info: (message, meta) => logger.info(message, meta as JsonObject | undefined),
  warn: (message, meta) => logger.warn(message, meta as JsonObject | undefined),
  error: (message, meta) => logger.error(message, meta as JsonObject | undefined),
  debug: (message, meta) => logger.debug(message, meta as JsonObject | undefined),
});

/** One client per configured instance, so limiter, breaker and caches are shared by all its syncs. */
export function createJiraClients(options: {
  instances: JiraInstanceConfig[];
  logger: LoggerService;
  /** Where rotated OAuth refresh tokens are kept (the plugin's database); none for read-only tools. */
  oauthTokens?: OAuthTokenStore;
}): { get(instance: string): JiraClient } {
  const { instances, logger, oauthTokens } = options;
  const clients = new Map<string, JiraClient>(
    instances.map(config => [
      config.name,
      createJiraClient({
        config,
        logger: jiraLogger(logger.child({ jiraInstance: config.name })),
        oauthTokenStore: oauthTokens,
      }),
    ]),
  );
  return {
    get(instance: string) {
      const client = clients.get(instance);
      if (!client) throw new Error(`no Jira instance named "${instance}" in jiraSync.instances`);
      return client;
    },
  };
}
