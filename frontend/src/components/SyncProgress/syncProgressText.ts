import type { SyncProgress } from '@jira-sync/backstage-plugin-jira-sync-common';

const count = (n: number) => n.toLocaleString('en-US');

/** "about 4 minutes left", "less than a minute left", "about 2 hours left". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} left`;
  const hours = Math.round(minutes / 60);
  return `about ${hours} ${hours === 1 ? 'hour' : 'hours'} left`;
}

/**
 * "First sync in progress — 12,400 of ~50,000 issues, about 4 minutes left": the expected count is
 * Jira's approximate one, so it carries a tilde; what the backend does not know yet is left out.
 */
export function syncProgressText(progress: SyncProgress, firstSync: boolean): string {
  const what = firstSync ? 'First sync in progress' : 'Sync in progress';
  const read =
    progress.issuesExpected !== null
      ? `${count(progress.issuesRead)} of ~${count(progress.issuesExpected)} issues`
      : `${count(progress.issuesRead)} issues read`;
  const left = progress.etaSeconds !== null ? `, ${formatTimeLeft(progress.etaSeconds)}` : '';
  return `${what} — ${read}${left}`;
}
