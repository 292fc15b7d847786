/**
 * The HTTP transport of one Jira instance (Node's built-in fetch): auth header, rate limiter,
 * circuit breaker, per-request timeout, retries with full-jitter backoff for transient failures,
 * instance-wide pauses on 429, and counters. 400/403 and other 4xx are never retried nor
 * swallowed; 401 ends the run after at most one credential renewal.
 */
import { fullJitterDelay, serverWaitMs, type BackoffOptions } from './backoff';
import type { CircuitBreaker } from './breaker';
import { TransientAuthError, type Credentials } from './auth';
import { normalizeEndpoint, workCounters, type CounterSet } from './counters';
import {
  JiraCircuitOpenError,
  JiraCredentialsError,
  JiraRequestError,
  JiraUnavailableError,
} from './errors';
import type { RateLimiter } from './limiter';
import type { JiraLogger, Redactor } from './redact';
import type { Sleep } from './sleep';

export interface TransportOptions {
  instance: string;
  baseUrl: string;
  credentials: Credentials;
  limiter: RateLimiter;
  breaker: CircuitBreaker;
  counters: CounterSet;
  redactor: Redactor;
  logger: JiraLogger;
  maxAttempts: number;
  requestTimeoutMs: number;
  backoff: BackoffOptions;
  /** 429s are waited out, not counted as failures, but only this many times per request. */
  maxRateLimitWaits: number;
  /** How long to run at half rate after `X-RateLimit-NearLimit: true`. */
  nearLimitSlowDownMs: number;
  now: () => number;
  sleep: Sleep;
  random?: () => number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Prefixed to error messages, e.g. `sync "platform"`. */
  context?: string;
}

type Attempt =
  | { kind: 'response'; status: number; headers: Headers; text: string; bytes: number; roundTripMs: number }
  | { kind: 'failure'; label: string; detail: string; bytes: number };

/** A parsed response and when Jira's clock said the request was sent (see `jiraTimeAtSend`). */
export interface TimedResponse<T> {
  body: T;
  /**
   * A lower bound of Jira's clock when the request was sent: the response's `Date` header (whole
   * seconds, stamped after the request arrived) less the round trip. Undefined without a `Date`.
   */
  jiraSentMs?: number;
}

/** `Date` (RFC 9110, whole seconds) less the round trip: never later than Jira's clock when the request left. */
export function jiraTimeAtSend(dateHeader: string | null, roundTripMs: number): number | undefined {
  if (!dateHeader) return undefined;
  const dateMs = Date.parse(dateHeader);
  return Number.isFinite(dateMs) ? dateMs - Math.ceil(roundTripMs) : undefined;
}

const RETRYABLE_STATUS = new Set([408, 500, 502, 503, 504, 520, 521, 522, 523, 524]);

/** Jira's own error text: `errorMessages` and `errors` of an error body, or the start of a non-JSON body. */
export function jiraErrorMessages(text: string): string[] {
  try {
    const body = JSON.parse(text);
    const messages: string[] = [];
    if (Array.isArray(body?.errorMessages)) messages.push(...body.errorMessages.map(String));
    if (body?.errors && typeof body.errors === 'object') {
      for (const [field, message] of Object.entries(body.errors)) messages.push(`${field}: ${String(message)}`);
    }
    if (typeof body?.message === 'string') messages.push(body.message);
    if (messages.length) return messages;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const trimmed = text.replace(/\s+/g, ' ').trim();
  return trimmed ? [trimmed.length > 300 ? `${trimmed.slice(0, 297)}...` : trimmed] : [];
}

function failureLabel(error: unknown): { label: string; detail: string } {
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return { label: 'timeout', detail: 'timed out' };
  const code = e?.cause?.code ?? e?.code;
  if (code) return { label: code, detail: `${code}${e?.cause?.message ? ` (${e.cause.message})` : ''}` };
  return { label: 'network', detail: e?.message ?? String(error) };
}

/** The instance's counters and, inside a run's scope, the run's: each call counted in both. */
function countingInto(instance: CounterSet, work: CounterSet | undefined): Pick<CounterSet, 'call' | 'retry' | 'waited'> {
  if (!work) return instance;
  return {
    call: (endpoint, status, bytes) => {
      instance.call(endpoint, status, bytes);
      work.call(endpoint, status, bytes);
    },
    retry: () => {
      instance.retry();
      work.retry();
    },
    waited: ms => {
      instance.waited(ms);
      work.waited(ms);
    },
  };
}

export class JiraTransport {
  private warnedNearLimit = false;

  constructor(private readonly options: TransportOptions) {}

  /** Sends a request and returns its parsed JSON body; throws a typed error otherwise. */
  async request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.timedRequest<T>(method, path, options)).body;
  }

  /** As `request`, with Jira's clock when the (successful) request was sent. */
  async timedRequest<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<TimedResponse<T>> {
    const { instance, breaker, limiter, credentials, logger, maxAttempts } = this.options;
    const counters = countingInto(this.options.counters, workCounters());
    const endpoint = normalizeEndpoint(method, path);
    const prefix = options.context ? `${options.context}: ` : '';
    const url = this.url(path, options.query);
    let failures = 0;
    let rateLimitWaits = 0;
    let renewed = false;

    for (;;) {
      options.signal?.throwIfAborted();
      if (!breaker.tryAcquire()) {
        throw new JiraCircuitOpenError(
          `${prefix}Jira instance ${instance} is failing (circuit breaker open after ${breaker.consecutiveFailures} consecutive failures); ` +
            `not calling ${endpoint} until ${new Date(breaker.retryAtMs).toISOString()}`,
          instance,
          breaker.retryAtMs,
        );
      }
      let authorization: string;
      let attempt: Attempt;
      const { release, waitedMs } = await limiter.acquire(options.signal).catch(e => {
        breaker.onNeutral();
        throw e;
      });
      counters.waited(waitedMs);
      try {
        authorization = await credentials.authorization(options.signal);
        attempt = await this.send(method, url, authorization, options);
      } catch (e) {
        release();
        if (e instanceof TransientAuthError) {
          attempt = { kind: 'failure', label: 'token-endpoint', detail: e.message, bytes: 0 };
          authorization = '';
        } else {
          breaker.onNeutral();
          throw this.options.redactor.scrub(e);
        }
      }
      release();
      const parsed = attempt.kind === 'response' && attempt.status >= 200 && attempt.status < 300 ? this.parse<T>(attempt.text, attempt.status) : undefined;
      if (parsed && !parsed.ok && attempt.kind === 'response') {
        attempt = { kind: 'failure', label: 'truncated', detail: `HTTP ${attempt.status} with an unreadable body`, bytes: attempt.bytes };
      }
      if (attempt.kind === 'response') counters.call(endpoint, attempt.status, attempt.bytes);
      else if (attempt.label !== 'token-endpoint') counters.call(endpoint, attempt.label, attempt.bytes);

      if (attempt.kind === 'response') {
        const { status, headers, text } = attempt;
        this.noteNearLimit(headers);
        if (parsed?.ok) {
          breaker.onSuccess();
          return { body: parsed.value, jiraSentMs: jiraTimeAtSend(headers.get('date'), attempt.roundTripMs) };
        } else if (status === 429) {
          breaker.onNeutral();
          rateLimitWaits++;
          if (rateLimitWaits > this.options.maxRateLimitWaits) {
            throw new JiraUnavailableError(
              `${prefix}Jira instance ${instance} kept rate-limiting ${endpoint} (HTTP 429 ${rateLimitWaits} times)`,
              instance,
              endpoint,
              failures + rateLimitWaits,
            );
          }
          const waitMs = serverWaitMs(headers, this.options.now()) ?? fullJitterDelay(rateLimitWaits, this.options.backoff, this.options.random);
          const reason = headers.get('ratelimit-reason');
          // Every request of this instance waits, not just this one: the budget is per tenant.
          limiter.pauseUntil(this.options.now() + waitMs);
          logger.warn(
            `Jira instance ${instance}: HTTP 429 on ${endpoint}${reason ? ` (${reason})` : ''}; pausing all requests for ${waitMs} ms`,
          );
          counters.retry();
          continue;
        } else if (status === 401) {
          breaker.onNeutral();
          if (!renewed && (await credentials.renewAfterUnauthorized(authorization, options.signal).catch(e => {
            throw this.options.redactor.scrub(e);
          }))) {
            renewed = true;
            counters.retry();
            logger.info(`Jira instance ${instance}: HTTP 401 on ${endpoint}; retrying once with renewed credentials`);
            continue;
          }
          throw this.options.redactor.scrub(
            new JiraCredentialsError(
              `${prefix}credentials for instance ${instance} expired or were revoked (HTTP 401 from ${endpoint})`,
              instance,
              401,
              endpoint,
            ),
          );
        } else if (RETRYABLE_STATUS.has(status)) {
          attempt = { kind: 'failure', label: String(status), detail: `HTTP ${status}`, bytes: attempt.bytes };
          const hinted = serverWaitMs(headers, this.options.now());
          if (hinted !== undefined) limiter.pauseUntil(this.options.now() + hinted);
        } else {
          // Jira answered: it is up. A 4xx is the caller's problem and is never retried.
          breaker.onSuccess();
          throw this.requestError(status, endpoint, text, prefix);
        }
      }

      // A transient failure: 5xx, reset, timeout, unreadable body, token endpoint down.
      breaker.onFailure();
      failures++;
      if (failures >= maxAttempts) {
        throw this.options.redactor.scrub(
          new JiraUnavailableError(
            `${prefix}Jira instance ${instance} unavailable: ${endpoint} failed ${failures} times (last: ${attempt.detail})`,
            instance,
            endpoint,
            failures,
          ),
        );
      }
      if (breaker.state !== 'closed') {
        throw new JiraCircuitOpenError(
          `${prefix}Jira instance ${instance} is failing (circuit breaker opened after ${breaker.consecutiveFailures} consecutive failures, last: ${attempt.detail} on ${endpoint}); ` +
            `not calling it until ${new Date(breaker.retryAtMs).toISOString()}`,
          instance,
          breaker.retryAtMs,
        );
      }
      const delay = fullJitterDelay(failures - 1, this.options.backoff, this.options.random);
      logger.debug(
        `Jira instance ${instance}: ${endpoint} failed (${this.options.redactor.redact(attempt.detail)}); attempt ${failures + 1}/${maxAttempts} in ${delay} ms`,
      );
      counters.retry();
      await this.options.sleep(delay, options.signal);
    }
  }

  private url(path: string, query?: RequestOptions['query']): string {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
    const qs = params.toString();
    return `${base}${path}${qs ? `?${qs}` : ''}`;
  }

  private async send(method: string, url: string, authorization: string, options: RequestOptions): Promise<Attempt> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    // Monotonic: a step of the wall clock cannot shrink the round trip.
    const sentAt = performance.now();
    try {
      const response = await fetch(url, {
        method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        signal,
      });
      let buffer: Buffer;
      try {
        buffer = Buffer.from(await response.arrayBuffer());
      } catch (e) {
        if (options.signal?.aborted) throw options.signal.reason;
        // Headers came, the body broke off: a truncated response.
        return { kind: 'failure', label: 'truncated', detail: `HTTP ${response.status}, body cut off (${failureLabel(e).detail})`, bytes: 0 };
      }
      const roundTripMs = performance.now() - sentAt;
      return { kind: 'response', status: response.status, headers: response.headers, text: buffer.toString('utf8'), bytes: buffer.length, roundTripMs };
    } catch (e) {
      // The caller's abort stops at once, without a retry.
      if (options.signal?.aborted) throw options.signal.reason;
      return { kind: 'failure', ...failureLabel(e), bytes: 0 };
    }
  }

  private parse<T>(text: string, status: number): { ok: true; value: T } | { ok: false } {
    if (text === '' && status === 204) return { ok: true, value: undefined as T };
    try {
      return { ok: true, value: JSON.parse(text) as T };
    } catch {
      return { ok: false };
    }
  }

  private noteNearLimit(headers: Headers) {
    if (headers.get('x-ratelimit-nearlimit')?.toLowerCase() !== 'true') return;
    this.options.limiter.slowDown(0.5, this.options.nearLimitSlowDownMs);
    if (!this.warnedNearLimit) {
      this.warnedNearLimit = true;
      this.options.logger.warn(
        `Jira instance ${this.options.instance}: rate limit nearly spent (X-RateLimit-NearLimit); halving the request rate for ${this.options.nearLimitSlowDownMs} ms`,
      );
    }
  }

  private requestError(status: number, endpoint: string, text: string, prefix: string): JiraRequestError {
    const messages = jiraErrorMessages(this.options.redactor.redact(text));
    const detail = messages.length ? `: ${messages.join('; ')}` : '';
    const isSearch = /\/search(\/jql)?$/.test(endpoint) || endpoint.endsWith('/search/approximate-count');
    let what: string;
    if (status === 400 && isSearch) what = `Jira rejected the JQL (HTTP 400)`;
    else if (status === 403) what = `Jira refused ${endpoint} (HTTP 403, no permission)`;
    else if (status === 410) what = `Jira no longer offers ${endpoint} (HTTP 410)`;
    else what = `Jira answered HTTP ${status} to ${endpoint}`;
    return new JiraRequestError(`${prefix}${what}${detail}`, status, endpoint, messages);
  }
}
