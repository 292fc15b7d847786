import type { HumanDuration } from '@backstage/types';
import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the jira-sync backend plugin. */
  jiraSync?: {
    /** The Jira sites to sync from; syncs in the spec name them. */
    instances: Array<{
      /** Referenced by `instance` in the sync spec and in the webhook URL (/api/jira-sync/webhook/<name>). */
      name: string;
      /** e.g. https://acme.atlassian.net or https://jira.acme.internal */
      baseUrl: string;
      /** Omitted: detected from /rest/api/2/serverInfo. */
      deployment?: 'cloud' | 'datacenter';
      /**
       * How to authenticate. A secret may be given inline or as a file path; a file is re-read at
       * the start of every run, so rotating the token needs no restart.
       */
      auth:
        | {
            /** Jira Cloud: an Atlassian account email and API token. */
            type: 'basic';
            email: string;
            /** @visibility secret */
            apiToken?: string;
            apiTokenFile?: string;
          }
        | {
            /** Jira Data Center: a personal access token (or an OAuth access token). */
            type: 'bearer';
            /** @visibility secret */
            token?: string;
            tokenFile?: string;
          }
        | {
            /** Jira Cloud OAuth 2.0 (3LO); refresh tokens rotate and are persisted in the plugin's database. */
            type: 'oauth2';
            clientId: string;
            /** @visibility secret */
            clientSecret: string;
            /** The first refresh token; later ones are rotated by the plugin. @visibility secret */
            refreshToken?: string;
            refreshTokenFile?: string;
            /** Default https://auth.atlassian.com/oauth/token */
            tokenUrl?: string;
          };
      /**
       * The secret of the Jira admin webhook pointing at /api/jira-sync/webhook/<name>; deliveries
       * are checked against its X-Hub-Signature. Without it, webhooks for this instance are refused.
       * @visibility secret
       */
      webhookSecret?: string;
      /** Client-side limits for this instance. */
      rateLimit?: {
        /** Default 20. */
        requestsPerSecond?: number;
        /** Requests in flight at once. Default 4. */
        concurrency?: number;
        /** Attempts per request on 5xx, resets, timeouts. Default 6. */
        maxAttempts?: number;
        /** Per request. Default 30 seconds. */
        requestTimeout?: HumanDuration | string;
      };
    }>;
    /** The sync spec: a YAML file, or the same structure inline. */
    spec: {
      /** Path of the YAML spec, relative to the backend's working directory. */
      path?: string;
      /** The spec inline. */
      inline?: object;
    };
    /** Schedule of syncs that set none in the spec. Default every 30 minutes, timeout 60 minutes. */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    deletionGuard?: {
      /** A reconciliation that would soft-delete more than this share of a sync is held back. Default 0.2. */
      maxDeleteShare?: number;
    };
    webhooks?: {
      /** Larger deliveries get 413. Default 1048576 (1 MiB). */
      maxBodyBytes?: number;
      /** Deliveries processed at once. Default 4. */
      maxConcurrent?: number;
      /** Deliveries waiting beyond those; more are answered 503 with Retry-After, which Jira retries. Default 200. */
      maxQueued?: number;
    };
    /**
     * Alerts through Backstage's notifications service: one notice when an incident opens and one
     * when it resolves. Incidents are tracked (and logged) even with no recipients.
     */
    alerts?: {
      /**
       * Entity refs of users or groups (e.g. group:default/platform), and/or `owners`: the owners of
       * catalog entities whose jira/project-key annotation names one of the sync's projects.
       * Default none: nothing is sent.
       */
      recipients?: string[];
      /** Failed runs in a row that raise an alert. Default 3. */
      failuresInARow?: number;
      /** No successful run for longer than this is stale. Default 3 × the sync's interval (none for cron schedules). */
      staleAfter?: HumanDuration | string;
      slowRun?: {
        /** A run longer than this multiple of the median of the last 10 successful runs is slow. Default 3. */
        factor?: number;
        /** Runs shorter than this never count as slow. Default 1 minute. */
        minimumDuration?: HumanDuration | string;
      };
      tokenExpiry?: {
        /** Alert this long before the Jira access token expires. Default 14 days. */
        warnBefore?: HumanDuration | string;
        /**
         * Expiry per instance name (ISO 8601), for tokens whose expiry Jira does not tell: without
         * it, Data Center personal access tokens are looked up in GET /rest/pat/latest/tokens.
         */
        expiresAt?: { [instanceName: string]: string };
      };
      /** How often every sync and instance is evaluated besides at run ends. Default every 15 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /** The scheduled completeness check: counts and a random sample compared with Jira. */
    completeness?: {
      /** Default true. */
      enabled?: boolean;
      /** Default daily (timeout 1 hour, first run 30 minutes after start). */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Stored issues compared with Jira per check. Default 50. */
      sampleSize?: number;
      /** Re-fetch differing issues and write them through the store. Default false. */
      repair?: boolean;
    };
  };
}
