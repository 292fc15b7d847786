/** Authentication for one Jira instance, as read from app-config. Secrets are never logged. */
export type JiraAuthConfig =
  | { type: 'basic'; email: string; apiToken?: string; apiTokenFile?: string }
  | { type: 'bearer'; token?: string; tokenFile?: string }
  | {
      type: 'oauth2';
      clientId: string;
      clientSecret: string;
      /** Initial refresh token; rotated tokens are persisted by the plugin, not written back here. */
      refreshToken?: string;
      refreshTokenFile?: string;
      tokenUrl: string;
    };

/** Webhook deliveries processed at once, and waiting beyond those; more get 503, which Jira retries. */
export interface WebhookConcurrency {
  maxInFlight: number;
  maxQueued: number;
}

export interface JiraInstanceConfig {
  name: string;
  baseUrl: string;
  /** Omitted: detected from serverInfo. */
  deployment?: 'cloud' | 'datacenter';
  auth: JiraAuthConfig;
  webhookSecret?: string;
  rateLimit: {
    requestsPerSecond: number;
    concurrency: number;
    maxAttempts: number;
    requestTimeoutMs: number;
  };
}
