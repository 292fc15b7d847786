import { useEffect } from 'react';
import type { SyncStatus } from '@jira-sync/backstage-plugin-jira-sync-common';
import { isSyncing } from './SyncProgressNotice';

/** How often a view reloads while a sync runs: the progress line moves with it. */
export const SYNCING_REFRESH_SECONDS = 5;

/** Calls `run` every `seconds` while the page is visible (syncs and webhooks change the copy under an open page); 0 never. */
export function useEvery(seconds: number, run: () => void) {
  useEffect(() => {
    if (!(seconds > 0)) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') run();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [seconds, run]);
}

/** The refresh interval of a view: every few seconds while one of its syncs runs, else `idleSeconds` (0 = never). */
export function syncRefreshSeconds(syncs: SyncStatus[], idleSeconds: number): number {
  if (!isSyncing(syncs)) return idleSeconds;
  return idleSeconds > 0 ? Math.min(idleSeconds, SYNCING_REFRESH_SECONDS) : SYNCING_REFRESH_SECONDS;
}

/**
 * A value that changes when a run of the syncs ends (it succeeded, failed or was aborted): views
 * that do not poll reload with it, so the charts appear when a first sync finishes.
 */
export function syncRunsEnded(syncs: SyncStatus[]): string {
  return syncs.map(sync => `${sync.id}:${sync.lastRun?.endedAt ?? ''}`).join(',');
}
