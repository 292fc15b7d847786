import { useEffect, useState } from 'react';
import type { IssueHistory, JiraSyncApi } from '@jira-sync/backstage-plugin-jira-sync-common';

// The route's largest page, so an issue with thousands of histories takes few requests.
const PAGE = 500;

export interface ChangelogState {
  histories: IssueHistory[];
  complete: boolean;
  error?: Error;
}

/** An issue's whole changelog, page after page until the route has no next cursor; shown as the pages arrive. */
export function useCompleteChangelog(api: JiraSyncApi, keyOrId: string, instance?: string): ChangelogState {
  const [state, setState] = useState<ChangelogState>({ histories: [], complete: false });
  useEffect(() => {
    let current = true;
    setState({ histories: [], complete: false });
    (async () => {
      let cursor: string | undefined;
      do {
        const page = await api.getIssueChangelog(keyOrId, { instance, limit: PAGE, cursor });
        if (!current) return;
        cursor = page.nextCursor;
        const done = !cursor;
        setState(previous => ({ histories: [...previous.histories, ...page.items], complete: done }));
      } while (cursor);
    })().catch(error => {
      if (current) setState(previous => ({ ...previous, error: error instanceof Error ? error : new Error(String(error)) }));
    });
    return () => {
      current = false;
    };
  }, [api, keyOrId, instance]);
  return state;
}
