import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import type { JiraClient, JiraField, StoredHistoryState } from '../jira/types';
import { resolveFieldMappings } from '../jira/fields';
import type { RunCounters, SyncStore } from '../store/types';
import type { ResolvedFieldMapping } from './transform';

/** Looks up what is stored of some issues' histories, so the client fetches only new ones. */
export type StoredHistoryLookup = (issueIds: string[]) => Promise<Map<string, StoredHistoryState>>;

/**
 * Everything one run of one sync needs, built once: every path that reads issues from Jira and
 * writes them (sweeps, dead-letter retries, webhooks, completeness repair) takes this.
 */
export interface RunContext {
  readonly sync: SyncDefinition;
  readonly client: JiraClient;
  readonly mappings: ResolvedFieldMapping[];
  /** Jira field ids to fetch: the spec's standard fields and the mapped custom fields. */
  readonly fetchFields: string[];
  readonly storedHistories: StoredHistoryLookup;
  readonly counters: RunCounters;
  readonly logger: LoggerService;
  readonly signal?: AbortSignal;
  /** `sync "<id>"`: prefixed to errors of Jira calls made for this run. */
  readonly label: string;
}

export const emptyCounters = (): RunCounters => ({
  issuesRead: 0,
  issuesInserted: 0,
  issuesUpdated: 0,
  issuesUnchanged: 0,
  issuesDeleted: 0,
  issuesRestored: 0,
  historiesWritten: 0,
  deadLetters: 0,
  apiCalls: 0,
  apiRetries: 0,
  apiBytes: 0,
  rateLimitWaitMs: 0,
});

/** The fields a sync fetches: its standard fields and the ids its custom fields resolved to. */
export const fetchFieldsOf = (sync: Pick<SyncDefinition, 'fields'>, mappings: ResolvedFieldMapping[]): string[] => [
  ...new Set([...sync.fields, ...mappings.map(m => m.fieldId)]),
];

export function storedHistoryLookup(store: Pick<SyncStore, 'storedHistoryStates'>, instance: string): StoredHistoryLookup {
  return async ids => {
    const out = new Map<string, StoredHistoryState>();
    for (const [id, s] of await store.storedHistoryStates(instance, ids)) {
      out.set(id, { historyCount: s.historyCount, lastHistoryId: s.lastHistoryId });
    }
    return out;
  };
}

/** Resolves the sync's mappings against the field catalogue (read from Jira unless given). */
export async function createRunContext(input: {
  sync: SyncDefinition;
  client: JiraClient;
  store: Pick<SyncStore, 'storedHistoryStates'>;
  logger: LoggerService;
  signal?: AbortSignal;
  counters?: RunCounters;
  catalogue?: JiraField[];
}): Promise<RunContext> {
  const { sync, client, store, logger, signal } = input;
  const label = `sync "${sync.id}"`;
  const mappings = resolveFieldMappings(sync.customFields, input.catalogue ?? (await client.fields()), label);
  return {
    sync,
    client,
    mappings,
    fetchFields: fetchFieldsOf(sync, mappings),
    storedHistories: storedHistoryLookup(store, sync.instance),
    counters: input.counters ?? emptyCounters(),
    logger,
    signal,
    label,
  };
}
