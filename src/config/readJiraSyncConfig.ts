import type { Config } from '@backstage/config';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import type { JiraAuthConfig, JiraInstanceConfig, WebhookConcurrency } from './types';
import { JiraSyncConfigError } from './JiraSyncConfigError';
import { redactUrlCredentials } from '../lib/redactUrls';
import { positiveInteger, readOpsConfig, type OpsSettings } from './readOpsConfig';

export { JiraSyncConfigError };

/** Where the sync spec comes from: a file, or an object inline in app-config. */
export type SpecLocation = { path: string } | { inline: unknown };

export interface JiraSyncConfig {
  instances: JiraInstanceConfig[];
  spec: SpecLocation;
  schedule: SchedulerServiceTaskScheduleDefinition;
  deletionGuard: { maxDeleteShare: number };
  webhooks: { maxBodyBytes: number; maxConcurrent: number; maxQueued: number };
  /** `jiraSync.alerts` and `jiraSync.completeness`. */
  ops: OpsSettings;
}

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 60 },
  initialDelay: { seconds: 15 },
};
const DEFAULT_RATE_LIMIT = { requestsPerSecond: 20, concurrency: 4, maxAttempts: 6, requestTimeoutMs: 30_000 };
const DEFAULT_OAUTH_TOKEN_URL = 'https://auth.atlassian.com/oauth/token';

export const DEFAULT_WEBHOOK_CONCURRENCY: WebhookConcurrency = { maxInFlight: 4, maxQueued: 200 };

function readAuth(config: Config, at: string): JiraAuthConfig {
  const type = config.getString('type');
  // A secret comes inline or from a file that is re-read every run; one of the two must be there.
  const secret = (value: string, file: string) => {
    if (!config.has(value) && !config.has(file)) {
      throw new JiraSyncConfigError(`${at}.auth needs ${value} or ${file}`);
    }
    return { [value]: config.getOptionalString(value), [file]: config.getOptionalString(file) };
  };
  switch (type) {
    case 'basic':
      return { type, email: config.getString('email'), ...secret('apiToken', 'apiTokenFile') } as JiraAuthConfig;
    case 'bearer':
      return { type, ...secret('token', 'tokenFile') } as JiraAuthConfig;
    case 'oauth2':
      return {
        type,
        clientId: config.getString('clientId'),
        clientSecret: config.getString('clientSecret'),
        tokenUrl: config.getOptionalString('tokenUrl') ?? DEFAULT_OAUTH_TOKEN_URL,
        ...secret('refreshToken', 'refreshTokenFile'),
      } as JiraAuthConfig;
    default:
      throw new JiraSyncConfigError(`${at}.auth.type must be one of basic, bearer, oauth2; got '${type}'`);
  }
}

function readInstance(config: Config, index: number): JiraInstanceConfig {
  const at = `jiraSync.instances[${index}]`;
  const name = config.getString('name');
  const baseUrl = config.getString('baseUrl').replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new JiraSyncConfigError(`${at}.baseUrl is not a URL: '${redactUrlCredentials(baseUrl)}'`);
  }
  // The URL is shown in links, logs and errors: credentials in it would leak; they belong in auth.
  if (url.username || url.password) {
    throw new JiraSyncConfigError(`${at}.baseUrl must not contain credentials (user:password@); put them in ${at}.auth`);
  }
  if (url.search || url.hash) {
    throw new JiraSyncConfigError(`${at}.baseUrl must not have a query or fragment: '${url.origin}${url.pathname}?...'`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new JiraSyncConfigError(`${at}.baseUrl must be http(s): '${baseUrl}'`);
  const deployment = config.getOptionalString('deployment');
  if (deployment !== undefined && deployment !== 'cloud' && deployment !== 'datacenter') {
    throw new JiraSyncConfigError(`${at}.deployment must be cloud or datacenter; got '${deployment}'`);
  }
  const rate = config.getOptionalConfig('rateLimit');
  const timeout = rate?.has('requestTimeout')
    ? durationToMilliseconds(readDurationFromConfig(rate, { key: 'requestTimeout' }))
    : DEFAULT_RATE_LIMIT.requestTimeoutMs;
  return {
    name,
    baseUrl,
    deployment,
    auth: readAuth(config.getConfig('auth'), at),
    webhookSecret: config.getOptionalString('webhookSecret'),
    rateLimit: {
      requestsPerSecond: rate?.getOptionalNumber('requestsPerSecond') ?? DEFAULT_RATE_LIMIT.requestsPerSecond,
      concurrency: rate?.getOptionalNumber('concurrency') ?? DEFAULT_RATE_LIMIT.concurrency,
      maxAttempts: rate?.getOptionalNumber('maxAttempts') ?? DEFAULT_RATE_LIMIT.maxAttempts,
      requestTimeoutMs: timeout,
    },
  };
}

/** Reads and checks the `jiraSync` app-config block. */
export function readJiraSyncConfig(root: Config): JiraSyncConfig {
  const config = root.getOptionalConfig('jiraSync');
  if (!config) throw new JiraSyncConfigError('the jiraSync block is missing from app-config');
  const instances = config.getConfigArray('instances').map(readInstance);
  if (!instances.length) throw new JiraSyncConfigError('jiraSync.instances must name at least one Jira instance');
  const seen = new Set<string>();
  for (const instance of instances) {
    if (seen.has(instance.name)) throw new JiraSyncConfigError(`two instances are named '${instance.name}'`);
    seen.add(instance.name);
  }

  const specConfig = config.getConfig('spec');
  const path = specConfig.getOptionalString('path');
  const inline = specConfig.getOptional('inline');
  if ((path === undefined) === (inline === undefined)) {
    throw new JiraSyncConfigError('jiraSync.spec needs exactly one of path or inline');
  }

  const maxDeleteShare = config.getOptionalNumber('deletionGuard.maxDeleteShare') ?? 0.2;
  if (!(maxDeleteShare > 0 && maxDeleteShare <= 1)) {
    throw new JiraSyncConfigError(`jiraSync.deletionGuard.maxDeleteShare must be in (0, 1]; got ${maxDeleteShare}`);
  }
  return {
    instances,
    spec: path !== undefined ? { path } : { inline },
    schedule: config.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('schedule'))
      : DEFAULT_SCHEDULE,
    deletionGuard: { maxDeleteShare },
    webhooks: {
      maxBodyBytes: config.getOptionalNumber('webhooks.maxBodyBytes') ?? 1024 * 1024,
      maxConcurrent: positiveInteger(config, 'webhooks.maxConcurrent', 'jiraSync', DEFAULT_WEBHOOK_CONCURRENCY.maxInFlight),
      maxQueued: positiveInteger(config, 'webhooks.maxQueued', 'jiraSync', DEFAULT_WEBHOOK_CONCURRENCY.maxQueued),
    },
    ops: readOpsConfig(config),
  };
}
