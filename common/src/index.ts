/**
 * What the jira-sync backend, its frontend and other plugins share: the permissions (for
 * permission policies), the REST API's request and response types, and a client for the API.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
export type { JiraSyncApi } from './JiraSyncApi';
export { JiraSyncClient } from './JiraSyncClient';
export type { JiraSyncClientOptions } from './JiraSyncClient';
