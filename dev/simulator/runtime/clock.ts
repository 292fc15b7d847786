/** The simulator's "now": real time by default; tests start it anywhere, freeze it or move it forward. */
export interface SimClock {
  now(): number;
  advance(ms: number): void;
  freeze(atMs?: number): void;
  unfreeze(): void;
}

export function createClock(options: { startMs?: number; frozen?: boolean } = {}): SimClock {
  let offset = options.startMs !== undefined ? options.startMs - Date.now() : 0;
  let frozenAt: number | undefined = options.frozen ? options.startMs ?? Date.now() : undefined;
  return {
    now: () => frozenAt ?? Date.now() + offset,
    advance(ms) {
      if (frozenAt !== undefined) frozenAt += ms;
      else offset += ms;
    },
    freeze(atMs) {
      frozenAt = atMs ?? frozenAt ?? Date.now() + offset;
    },
    unfreeze() {
      if (frozenAt !== undefined) offset = frozenAt - Date.now();
      frozenAt = undefined;
    },
  };
}
