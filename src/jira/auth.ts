/**
 * Credentials for one Jira instance: Basic (email + API token), Bearer PAT, OAuth 2.0 with
 * refresh-token rotation. Token files are re-read at the start of each run, so rotating a token
 * needs no restart. Every secret is registered with the redactor so it never reaches a log line
 * or an error message.
 */
import { readFile } from 'node:fs/promises';
import type { JiraAuthConfig } from '../config/types';
import { JiraCredentialsError } from './errors';
import type { Redactor } from './redact';

/** Where rotated OAuth refresh tokens live between runs (the plugin persists them in its database). */
export interface OAuthTokenStore {
  load(instance: string): Promise<string | undefined>;
  save(instance: string, refreshToken: string): Promise<void>;
}

/** A token endpoint that failed in a way a retry may fix (5xx, reset): the transport retries it. */
export class TransientAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientAuthError';
  }
}

export interface Credentials {
  /** Marks token files stale: the next request re-reads them. */
  beginRun(): void;
  /** The `Authorization` header value for the next request. */
  authorization(signal?: AbortSignal): Promise<string>;
  /**
   * After a 401 on a request sent with `used`: true when a different credential is now available
   * (OAuth refreshed, or a token file was rotated), so the request may be sent once more.
   */
  renewAfterUnauthorized(used: string, signal?: AbortSignal): Promise<boolean>;
}

export interface CredentialsOptions {
  instance: string;
  auth: JiraAuthConfig;
  redactor: Redactor;
  logger: { warn(message: string): void; info(message: string): void };
  oauthTokenStore?: OAuthTokenStore;
  now: () => number;
  /** Refresh an OAuth access token this long before it expires. */
  refreshSkewMs?: number;
  requestTimeoutMs: number;
}

async function readSecretFile(instance: string, path: string, what: string): Promise<string> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (!text) throw new Error('the file is empty');
    return text;
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new JiraCredentialsError(`cannot read the ${what} file for instance ${instance} (${path}): ${reason}`, instance);
  }
}

/** A static secret from config or a file that is re-read each run. */
class FileBackedSecret {
  private value?: string;
  private stale = true;

  constructor(
    private readonly options: CredentialsOptions,
    private readonly inline: string | undefined,
    private readonly file: string | undefined,
    private readonly what: string,
  ) {}

  markStale() {
    this.stale = true;
  }

  get hasFile() {
    return !!this.file;
  }

  async get(): Promise<string> {
    if (this.stale || this.value === undefined) {
      const { instance, redactor } = this.options;
      const next = this.file ? await readSecretFile(instance, this.file, this.what) : this.inline;
      if (!next) throw new JiraCredentialsError(`no ${this.what} configured for instance ${instance}`, instance);
      redactor.add(next);
      this.value = next;
      this.stale = false;
    }
    return this.value;
  }
}

class BasicCredentials implements Credentials {
  private readonly token: FileBackedSecret;

  constructor(private readonly options: CredentialsOptions, private readonly email: string, inline?: string, file?: string) {
    this.token = new FileBackedSecret(options, inline, file, 'API token');
  }

  beginRun() {
    this.token.markStale();
  }

  async authorization() {
    const header = `Basic ${Buffer.from(`${this.email}:${await this.token.get()}`).toString('base64')}`;
    this.options.redactor.add(header.slice('Basic '.length));
    return header;
  }

  async renewAfterUnauthorized(used: string) {
    if (!this.token.hasFile) return false;
    this.token.markStale();
    return (await this.authorization()) !== used;
  }
}

class BearerCredentials implements Credentials {
  private readonly token: FileBackedSecret;

  constructor(options: CredentialsOptions, inline?: string, file?: string) {
    this.token = new FileBackedSecret(options, inline, file, 'token');
  }

  beginRun() {
    this.token.markStale();
  }

  async authorization() {
    return `Bearer ${await this.token.get()}`;
  }

  async renewAfterUnauthorized(used: string) {
    if (!this.token.hasFile) return false;
    this.token.markStale();
    return (await this.authorization()) !== used;
  }
}

interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  error?: string;
}

/**
 * OAuth 2.0 refresh-token grant with rotation: each refresh returns a new refresh token and
 * invalidates the old one, so the new one is persisted before the new access token is used.
 */
class OAuthCredentials implements Credentials {
  private refreshToken?: string;
  /** The configured token (inline or file) last seen; a change means an operator put in a new one. */
  private configuredSeen?: string;
  private accessToken?: string;
  private expiresAtMs = 0;
  private refreshing?: Promise<string>;
  private readonly configured: FileBackedSecret;
  private warnedNoStore = false;

  constructor(private readonly options: CredentialsOptions, private readonly auth: Extract<JiraAuthConfig, { type: 'oauth2' }>) {
    options.redactor.add(auth.clientSecret);
    this.configured = new FileBackedSecret(options, auth.refreshToken, auth.refreshTokenFile, 'OAuth refresh token');
  }

  beginRun() {
    this.configured.markStale();
  }

  private async currentRefreshToken(): Promise<string> {
    const configured = await this.configured.get().catch(e => {
      // With a persisted rotated token, a missing initial token is fine.
      if (this.refreshToken) return undefined;
      throw e;
    });
    if (this.configuredSeen === undefined) {
      const stored = await this.options.oauthTokenStore?.load(this.options.instance);
      if (stored) this.options.redactor.add(stored);
      this.refreshToken = stored ?? configured;
      this.configuredSeen = configured;
    } else if (configured !== undefined && configured !== this.configuredSeen) {
      // The operator replaced the configured token (new consent): it wins over the rotated one.
      this.options.logger.info(`Jira instance ${this.options.instance}: using the newly configured OAuth refresh token`);
      this.refreshToken = configured;
      this.configuredSeen = configured;
      this.accessToken = undefined;
    }
    if (!this.refreshToken) {
      throw new JiraCredentialsError(`no OAuth refresh token for instance ${this.options.instance}`, this.options.instance);
    }
    return this.refreshToken;
  }

  async authorization(signal?: AbortSignal) {
    await this.currentRefreshToken();
    const skew = this.options.refreshSkewMs ?? 60_000;
    if (!this.accessToken || this.options.now() >= this.expiresAtMs - skew) await this.refresh(signal);
    return `Bearer ${this.accessToken}`;
  }

  async renewAfterUnauthorized(used: string, signal?: AbortSignal) {
    // Another request may have refreshed already: then the current token is new to this one.
    if (this.accessToken && `Bearer ${this.accessToken}` !== used) return true;
    this.accessToken = undefined;
    await this.refresh(signal);
    return true;
  }

  private refresh(signal?: AbortSignal): Promise<string> {
    // Single flight: concurrent callers share one refresh, so a rotated token is spent only once.
    this.refreshing ??= this.doRefresh(signal).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(signal?: AbortSignal): Promise<string> {
    const { instance, redactor, logger, oauthTokenStore } = this.options;
    const refreshToken = await this.currentRefreshToken();
    const endpoint = `POST ${new URL(this.auth.tokenUrl).pathname}`;
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.auth.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: this.auth.clientId,
          client_secret: this.auth.clientSecret,
          refresh_token: refreshToken,
        }).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw new TransientAuthError(`OAuth token endpoint for instance ${instance} failed (${endpoint}): ${redactor.redact((e as Error).message)}`);
    }
    if (response.status >= 500 || response.status === 429) {
      throw new TransientAuthError(`OAuth token endpoint for instance ${instance} answered HTTP ${response.status} (${endpoint})`);
    }
    let body: TokenResponse = {};
    try {
      body = JSON.parse(text);
    } catch {
      if (response.ok) throw new TransientAuthError(`OAuth token endpoint for instance ${instance} sent an unreadable body (${endpoint})`);
    }
    if (!response.ok || !body.access_token) {
      const code = typeof body.error === 'string' ? `: ${redactor.redact(body.error)}` : '';
      throw new JiraCredentialsError(
        `credentials for instance ${instance} expired or were revoked (HTTP ${response.status} from ${endpoint}${code})`,
        instance,
        response.status,
        endpoint,
      );
    }
    redactor.add(body.access_token);
    if (body.refresh_token && body.refresh_token !== refreshToken) {
      redactor.add(body.refresh_token);
      // Persist first: the old refresh token is now dead, a crash must not lose the new one.
      if (oauthTokenStore) {
        await oauthTokenStore.save(instance, body.refresh_token);
      } else if (!this.warnedNoStore) {
        this.warnedNoStore = true;
        logger.warn(`Jira instance ${instance}: OAuth refresh token rotated but no token store is configured; a restart will need a new one`);
      }
      this.refreshToken = body.refresh_token;
    }
    this.accessToken = body.access_token;
    this.expiresAtMs = this.options.now() + (Number(body.expires_in) || 3600) * 1000;
    return this.accessToken;
  }
}

export function createCredentials(options: CredentialsOptions): Credentials {
  const { auth } = options;
  switch (auth.type) {
    case 'basic':
      if (auth.apiToken) options.redactor.add(auth.apiToken);
      return new BasicCredentials(options, auth.email, auth.apiToken, auth.apiTokenFile);
    case 'bearer':
      if (auth.token) options.redactor.add(auth.token);
      return new BearerCredentials(options, auth.token, auth.tokenFile);
    case 'oauth2':
      if (auth.refreshToken) options.redactor.add(auth.refreshToken);
      return new OAuthCredentials(options, auth);
    default:
      throw new JiraCredentialsError(
        `unknown auth type "${(auth as { type: string }).type}" for instance ${options.instance}`,
        options.instance,
      );
  }
}
