import { DependencyList, useCallback, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

/** What a load has produced so far; `value` is kept while a newer load runs so the card does not flash. */
export interface LoadState<T> {
  loading: boolean;
  value?: T;
  error?: Error;
  /** Loads again, showing that it loads. */
  retry: () => void;
  /** Loads again in the background: no loading state, and a failure keeps the value shown. */
  refresh: () => void;
}

type Shown<T> = Omit<LoadState<T>, 'retry' | 'refresh'>;

/**
 * react-use's useAsyncRetry (which runs `load` whenever `deps` change and drops answers of
 * superseded loads), plus a quiet reload that keeps showing the last answer.
 */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): LoadState<T> {
  const quietNext = useRef(false);
  const quietRun = useRef(false);
  const shown = useRef<Shown<T>>({ loading: true });
  const state = useAsyncRetry(() => {
    quietRun.current = quietNext.current;
    quietNext.current = false;
    return load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  shown.current = nextShown(shown.current, state, quietRun.current);
  const latest = useRef(state);
  latest.current = state;
  const retry = useCallback(() => {
    quietNext.current = false;
    latest.current.retry();
  }, []);
  // useAsyncRetry ignores a retry while a load runs; the quiet flag must then not pass to the next load.
  const refresh = useCallback(() => {
    if (latest.current.loading) return;
    quietNext.current = true;
    latest.current.retry();
  }, []);
  return { ...shown.current, retry, refresh };
}

/** What the card shows: a quiet load keeps the previous state, a loud one keeps only the value. */
function nextShown<T>(previous: Shown<T>, state: { loading: boolean; value?: T; error?: Error }, quiet: boolean): Shown<T> {
  if (state.loading) return quiet ? { ...previous, loading: false } : { loading: true, value: previous.value };
  if (state.error) return { loading: false, value: quiet ? previous.value : undefined, error: state.error };
  return { loading: false, value: state.value };
}
