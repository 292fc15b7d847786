export { KnexSyncStore } from './KnexSyncStore';
export { KnexIssueQueryStore, InvalidCursorError, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './KnexIssueQueryStore';
export { KnexIssueSnapshotReader } from './KnexIssueSnapshotReader';
export { KnexOpsStore } from './KnexOpsStore';
export { KnexOAuthTokenStore } from './KnexOAuthTokenStore';
export { connect, makeReadOnly, migrationsDirectory, probeWrite, type StoreOptions } from './database';
export type * from './types';
