import type { JiraIssue } from '../jira/types';
import type { IssueVersion, PageWriteResult, SyncStore, SyncStateUpdate } from '../store/types';
import type { RunContext } from './RunContext';
import { IssueTransformError, toIssueVersion } from './transform';
import { redactUrlCredentials } from '../lib/redactUrls';

export interface IssueWriteOutcome {
  /** The versions handed to the store (every issue that transformed). */
  versions: IssueVersion[];
  /** Issues that could not be transformed; each is in the sync's dead letters now. */
  failed: Array<{ issue: JiraIssue; error: IssueTransformError }>;
  /** Undefined when nothing was written (no version, no checkpoint). */
  result?: PageWriteResult;
}

export interface IssueWriteOptions {
  /**
   * The sync whose scope the issues join; null keeps a row current without claiming it (an issue
   * moving out of the sync's scope). Default: the context's sync.
   */
  scopeSyncId?: string | null;
  /** Committed in the same transaction as the page; a function is given the versions that transformed. */
  checkpoint?: SyncStateUpdate | ((versions: IssueVersion[]) => SyncStateUpdate);
}

/**
 * The one way complete Jira issues reach the store: transform with the sync's mappings, send what
 * cannot be transformed to the dead letters (the rest goes on), write the page in one transaction.
 */
export class IssueWriter {
  constructor(private readonly options: { store: Pick<SyncStore, 'writePage' | 'addDeadLetter'>; now: () => number }) {}

  async write(context: RunContext, issues: JiraIssue[], options: IssueWriteOptions = {}): Promise<IssueWriteOutcome> {
    const { store, now } = this.options;
    const { sync, counters } = context;
    const versions: IssueVersion[] = [];
    const failed: IssueWriteOutcome['failed'] = [];
    for (const issue of issues) {
      try {
        versions.push(toIssueVersion(sync.instance, issue, context.mappings));
      } catch (e) {
        if (!(e instanceof IssueTransformError)) throw e;
        counters.deadLetters += 1;
        failed.push({ issue, error: e });
        await store.addDeadLetter({
          syncId: sync.id,
          instance: sync.instance,
          issueId: String(issue.id),
          issueKey: issue.key,
          error: redactUrlCredentials(e.message),
          payload: issue,
          nowMs: now(),
        });
      }
    }
    if (!versions.length && !options.checkpoint) return { versions, failed };
    const result = await store.writePage({
      syncId: options.scopeSyncId === undefined ? sync.id : options.scopeSyncId,
      instance: sync.instance,
      versions,
      state: typeof options.checkpoint === 'function' ? options.checkpoint(versions) : options.checkpoint,
      nowMs: now(),
    });
    return { versions, failed, result };
  }
}

/** Adds a page write to the run's counters; `read` is how many issues Jira returned for it. */
export function countWrite(counters: RunContext['counters'], result: PageWriteResult | undefined, read: number) {
  counters.issuesRead += read;
  if (!result) return;
  counters.issuesInserted += result.inserted;
  counters.issuesUpdated += result.updated;
  counters.issuesUnchanged += result.unchanged + result.stale;
  counters.issuesRestored += result.restored;
  counters.historiesWritten += result.historiesWritten;
}
