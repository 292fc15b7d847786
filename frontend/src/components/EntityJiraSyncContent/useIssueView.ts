import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { IssueView, readIssueView, writeIssueView } from './issueView';

/**
 * The tab's view, read from and written to the URL's search params. A change of what the list
 * selects starts again at the first page (its cursor belongs to the old selection).
 */
export function useIssueView(): [IssueView, (change: Partial<IssueView>, options?: { replace?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => readIssueView(params), [params]);
  const update = useCallback(
    (change: Partial<IssueView>, options: { replace?: boolean } = {}) => {
      setParams(
        previous => {
          const current = readIssueView(previous);
          const selectsOtherIssues = Object.keys(change).some(name => !['cursor', 'issue', 'instance', 'weeks', 'by'].includes(name));
          const next = { ...current, ...(selectsOtherIssues && { cursor: undefined }), ...change };
          return writeIssueView(next, previous);
        },
        { replace: options.replace },
      );
    },
    [setParams],
  );
  return [view, update];
}
