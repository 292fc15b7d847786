export { SyncProgressNotice, isSyncing } from './SyncProgressNotice';
export { syncProgressText, formatTimeLeft } from './syncProgressText';
