/** Messages between the bench orchestrator (which hosts the simulator) and one worker process per (size, database). */

export type BenchDatabase = 'sqlite' | 'postgres';

export interface EndpointCounts {
  [endpoint: string]: { calls: number; bytes: number };
}

export interface WorkerInput {
  size: number;
  db: BenchDatabase;
  simUrl: string;
  credentials: { email: string; apiToken: string };
  /** Admin connection for creating and dropping the benchmark's PostgreSQL databases. */
  postgresUrl: string;
  rateLimit: { requestsPerSecond: number; concurrency: number };
  /** What a complete sync stores, from the simulator's truth. */
  expected: { issues: number; histories: number };
  fields: string[];
  projects: string[];
}

/** Worker → orchestrator: operations on the simulator, which lives in the orchestrator's process. */
export type SimRequest =
  | { kind: 'sim'; id: number; op: 'clearLog' }
  | { kind: 'sim'; id: number; op: 'counts' }
  | { kind: 'sim'; id: number; op: 'touch'; share: number };

export interface SimReply {
  kind: 'sim-reply';
  id: number;
  value?: unknown;
  error?: string;
}

export interface RunFigures {
  wallMs: number;
  /** CPU time of the worker process (one JS thread + libuv) during the run: close to wallMs means CPU-bound. */
  workerCpuMs?: number;
  calls: number;
  bytes: number;
  endpoints: EndpointCounts;
  issuesRead: number;
  historiesWritten: number;
}

export interface WorkerResult {
  size: number;
  db: BenchDatabase;
  full: RunFigures & {
    /** Time inside store.writePage (one transaction per page: issues, histories, items, links, scope, checkpoint). */
    writeMs: number;
    /** Time inside the store's stored-history lookups the client makes per page. */
    storedHistoriesMs: number;
    pages: number;
  };
  /** The same client calls with no database work (a null sink): the API-bound floor. */
  floor: { wallMs: number; calls: number; endpoints: EndpointCounts };
  /** The rows the full run stored, batch-inserted with knex into a fresh schema. */
  rawInsert: { ms: number; rows: Record<string, number> };
  stored: { issues: number; histories: number; complete: boolean };
  incremental: RunFigures & { changedIssues: number; issuesUpdated: number };
  /** An incremental run right after the full one, nothing changed in Jira. */
  noChange: RunFigures;
  /** The incremental run repeated with nothing changed since: re-reads what is still inside the overlap window. */
  repeatAfterIncremental: RunFigures;
  /** VmHWM after the full run, before anything else in the process. */
  peakRssBytes: number;
  /** RSS with the code loaded and the database migrated, before the full run: what the sync adds is the peak minus this. */
  baselineRssBytes?: number;
  /** Heap in use after a forced garbage collection at the end of the full run: what is retained. */
  heapAfterFullRunBytes: number;
}

export type WorkerMessage = SimRequest | { kind: 'result'; result: WorkerResult } | { kind: 'error'; message: string };
