/** Every store interface and record type, for imports that want them in one place. */
export type * from './records';
export type * from './SyncStore';
export type * from './ReprojectionStore';
export type * from './IssueQueryStore';
export type * from './IssueSnapshotReader';
export type * from './OpsStore';
