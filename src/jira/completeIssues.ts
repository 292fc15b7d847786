/** What every read of issues shares: the fields every issue needs and how complete changelogs are fetched. */
import type { ChangelogOptions } from './changelog';
import type { JiraDeployment, SearchOptions } from './types';

/** Fields every issue needs, whatever the sync asked for. */
export const REQUIRED_FIELDS = ['updated', 'created', 'project'];

export const withRequiredFields = (wanted: string[]) => [...new Set([...wanted, ...REQUIRED_FIELDS])];

/** The changelog strategy of one client (see changelog.ts for what is cheapest when). */
export type ChangelogSettings = Pick<ChangelogOptions, 'batchIssues' | 'maxBufferedIssues' | 'perIssueMaxPages'>;

export function changelogOptions(
  settings: ChangelogSettings,
  deployment: JiraDeployment,
  read: Pick<SearchOptions, 'storedHistories' | 'signal' | 'context'>,
): ChangelogOptions {
  return { deployment, storedHistories: read.storedHistories, signal: read.signal, context: read.context, ...settings };
}
