import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { JiraInstanceConfig } from '../config/types';
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

/** Where rotated OAuth refresh tokens are kept (the plugin's database). */
export interface RefreshTokenPersistence {
  loadRefreshToken(instance: string): Promise<string | undefined>;
  saveRefreshToken(instance: string, refreshToken: string, nowMs: number): Promise<void>;
}

/** One client per configured instance, so limiter, breaker and caches are shared by all its syncs. */
export function createJiraClients(options: {
  instances: JiraInstanceConfig[];
  logger: LoggerService;
  oauthTokens: RefreshTokenPersistence;
}): { get(instance: string): JiraClient } {
  const { instances, logger, oauthTokens } = options;
  const clients = new Map<string, JiraClient>(
    instances.map(config => [
      config.name,
      createJiraClient({
        config,
        logger: jiraLogger(logger.child({ jiraInstance: config.name })),
        oauthTokenStore: {
          load: instance => oauthTokens.loadRefreshToken(instance),
          save: (instance, token) => oauthTokens.saveRefreshToken(instance, token, Date.now()),
        },
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
