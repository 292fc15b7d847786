import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { SyncStatus } from '@jira-sync/backstage-plugin-jira-sync-common';
import { syncProgressText } from './syncProgressText';

/** Whether any of the syncs is running now, so an empty list means "not read yet" rather than "none". */
export function isSyncing(syncs: SyncStatus[]): boolean {
  return syncs.some(sync => sync.progress);
}

/** One line with a bar per running sync: how far it got and how long it has left. */
export function SyncProgressNotice(props: { syncs: SyncStatus[] }) {
  const running = props.syncs.filter(sync => sync.progress);
  if (running.length === 0) return null;
  return (
    <Box mb={2} role="status" data-testid="jira-sync-progress">
      {running.map(sync => {
        const progress = sync.progress!;
        const text = syncProgressText(progress, !sync.lastSuccessAt);
        const percent =
          progress.issuesExpected && progress.issuesExpected > 0
            ? Math.min(100, (100 * progress.issuesRead) / progress.issuesExpected)
            : undefined;
        return (
          <Box key={sync.id} mb={1}>
            <Typography variant="body2" data-testid="jira-sync-progress-text">
              {running.length > 1 ? `${sync.id}: ${text}` : text}
            </Typography>
            <LinearProgress
              aria-label={text}
              variant={percent === undefined ? 'indeterminate' : 'determinate'}
              value={percent}
            />
          </Box>
        );
      })}
    </Box>
  );
}
