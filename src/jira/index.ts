/** The Jira client: one per instance, complete issues and changelogs, no database. */
export { createJiraClient, REQUIRED_FIELDS, type CreateJiraClientOptions } from './client';
export type { OAuthTokenStore } from './auth';
export {
  JiraRequestError,
  JiraCredentialsError,
  JiraUnavailableError,
  JiraCircuitOpenError,
  FieldMappingError,
  FieldCoercionError,
} from './errors';
export { IncompleteChangelogError } from './changelog';
export { resolveFieldMappings, coerceFieldValue, parseLegacySprint, type ResolvedFieldMapping, type JiraSprint } from './fields';
export { formatJqlDate, jqlDateAtOrBeforeIn, jqlEpochMinute, parseJiraTime, parseJiraTimestamp, zoneOffsetMinutes } from './time';
export { normalizeEndpoint, countJiraCalls, CounterSet } from './counters';
export type * from './types';
