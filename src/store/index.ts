export { createKnexSyncStore, KnexSyncStore } from './KnexSyncStore';
export { createKnexIssueQueryStore, KnexIssueQueryStore, InvalidCursorError, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './KnexIssueQueryStore';
export { createKnexIssueSnapshotReader, KnexIssueSnapshotReader } from './KnexIssueSnapshotReader';
export type * from './types';
