import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JiraInstanceConfig } from '../config/types';
import { createCredentials, type Credentials } from '../jira/auth';
import { Redactor } from '../jira/redact';

export interface TokenExpiry {
  expiresAtMs: number;
  /** Where the time came from: app-config, or Jira Data Center's token API. */
  source: 'config' | 'jira';
  tokenName?: string;
}

/** The expiry of the access token an instance uses, when it is known. */
export type TokenExpiryReader = (instance: string) => Promise<TokenExpiry | undefined>;

/** One entry of Jira Data Center's `GET /rest/pat/latest/tokens` (the calling user's tokens). */
interface PersonalAccessToken {
  id?: number;
  name?: string;
  expiringAt?: string;
  lastAccessedAt?: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Token expiry from `jiraSync.alerts.tokenExpiry.expiresAt.<instance>` when set, else for
 * bearer-token (personal access token) instances not known to be Cloud, from Jira Data Center's
 * token API. That API lists all of the account's tokens without saying which one authenticated
 * the request; the token just used is the one whose `lastAccessedAt` is newest. An account that
 * may not read the API (401/403/404, Cloud) simply has no known expiry.
 */
export function createTokenExpiryReader(options: {
  instances: JiraInstanceConfig[];
  configured: Map<string, number>;
  logger: LoggerService;
  fetchImpl?: typeof fetch;
}): TokenExpiryReader {
  const { instances, configured, logger } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const byName = new Map(instances.map(i => [i.name, i]));
  const credentials = new Map<string, { credentials: Credentials; redactor: Redactor }>();

  const credentialsOf = (instance: JiraInstanceConfig) => {
    let entry = credentials.get(instance.name);
    if (!entry) {
      const redactor = new Redactor();
      entry = {
        redactor,
        credentials: createCredentials({ instance: instance.name, auth: instance.auth, redactor, logger, now: Date.now, requestTimeoutMs: REQUEST_TIMEOUT_MS }),
      };
      credentials.set(instance.name, entry);
    }
    return entry;
  };

  return async name => {
    const fromConfig = configured.get(name);
    if (fromConfig !== undefined) return { expiresAtMs: fromConfig, source: 'config' };
    const instance = byName.get(name);
    if (!instance || instance.auth.type !== 'bearer' || instance.deployment === 'cloud') return undefined;
    const { credentials: auth, redactor } = credentialsOf(instance);
    try {
      auth.beginRun(); // re-reads a token file, so a rotated token is the one checked
      const response = await fetchImpl(`${instance.baseUrl}/rest/pat/latest/tokens`, {
        headers: { Authorization: await auth.authorization(), Accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!response.ok) {
        logger.debug(`Jira instance ${name}: token API answered HTTP ${response.status}; token expiry unknown`);
        return undefined;
      }
      const tokens = (await response.json()) as PersonalAccessToken[];
      const used = (Array.isArray(tokens) ? tokens : [])
        .filter(t => t.expiringAt && !Number.isNaN(Date.parse(t.expiringAt)))
        .sort((a, b) => (Date.parse(b.lastAccessedAt ?? '') || 0) - (Date.parse(a.lastAccessedAt ?? '') || 0))[0];
      return used ? { expiresAtMs: Date.parse(used.expiringAt!), source: 'jira', tokenName: used.name } : undefined;
    } catch (e) {
      logger.debug(`Jira instance ${name}: could not read the token API: ${redactor.redact((e as Error).message)}`);
      return undefined;
    }
  };
}
