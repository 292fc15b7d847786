import { DependencyList, useCallback, useEffect, useState } from 'react';

/** What a load has produced so far; `value` is kept while a newer load runs so the card does not flash. */
export interface LoadState<T> {
  loading: boolean;
  value?: T;
  error?: Error;
  retry: () => void;
}

/** Runs `load` whenever `deps` change and ignores answers that arrive after a newer load started. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): LoadState<T> {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<LoadState<T>, 'retry'>>({ loading: true });

  useEffect(() => {
    let current = true;
    setState(previous => ({ loading: true, value: previous.value }));
    load().then(
      value => current && setState({ loading: false, value }),
      error => current && setState({ loading: false, error: toError(error) }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);

  const retry = useCallback(() => setAttempt(n => n + 1), []);
  return { ...state, retry };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
