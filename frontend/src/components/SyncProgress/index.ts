export { SyncProgressNotice, isSyncing } from './SyncProgressNotice';
export { syncProgressText, formatTimeLeft } from './syncProgressText';
export { SYNCING_REFRESH_SECONDS, syncRefreshSeconds, syncRunsEnded, useEvery } from './useSyncRefresh';
