import { DependencyList, useCallback, useEffect, useRef, useState } from 'react';

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

/** Runs `load` whenever `deps` change and ignores answers that arrive after a newer load started. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): LoadState<T> {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<LoadState<T>, 'retry' | 'refresh'>>({ loading: true });
  const quiet = useRef(false);

  useEffect(() => {
    let current = true;
    const background = quiet.current;
    quiet.current = false;
    if (!background) setState(previous => ({ loading: true, value: previous.value }));
    load().then(
      value => current && setState({ loading: false, value }),
      error =>
        current &&
        setState(previous => ({ loading: false, value: background ? previous.value : undefined, error: toError(error) })),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);

  const retry = useCallback(() => setAttempt(n => n + 1), []);
  const refresh = useCallback(() => {
    quiet.current = true;
    setAttempt(n => n + 1);
  }, []);
  return { ...state, retry, refresh };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
