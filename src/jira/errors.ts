/** Errors the Jira client throws. Messages never contain secrets (the transport redacts them). */

/** Jira answered with a status that retrying cannot fix (400 bad JQL, 403, 404, 410…). */
export class JiraRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Normalized, e.g. `POST /rest/api/3/search/jql`. */
    readonly endpoint: string,
    /** Jira's own `errorMessages` and `errors` text. */
    readonly jiraMessages: string[] = [],
  ) {
    super(message);
    this.name = 'JiraRequestError';
  }
}

/** The credential is missing, expired or revoked: the run ends, nothing is retried. */
export class JiraCredentialsError extends Error {
  constructor(message: string, readonly instance: string, readonly status?: number, readonly endpoint?: string) {
    super(message);
    this.name = 'JiraCredentialsError';
  }
}

/** Jira kept failing (5xx, resets, timeouts, broken bodies) through every allowed attempt. */
export class JiraUnavailableError extends Error {
  constructor(message: string, readonly instance: string, readonly endpoint: string, readonly attempts: number) {
    super(message);
    this.name = 'JiraUnavailableError';
  }
}

/** The instance's circuit breaker is open: calls fail fast until the cool-down ends. */
export class JiraCircuitOpenError extends Error {
  constructor(message: string, readonly instance: string, readonly retryAtMs: number) {
    super(message);
    this.name = 'JiraCircuitOpenError';
  }
}

/** A field mapping cannot be resolved against the instance's field catalogue. */
export class FieldMappingError extends Error {
  constructor(message: string, readonly problems: string[]) {
    super(message);
    this.name = 'FieldMappingError';
  }
}

/** A raw Jira value does not fit the declared type; the engine dead-letters the issue. */
export class FieldCoercionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldCoercionError';
  }
}
