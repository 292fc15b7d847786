import { createHash } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import type { JiraClient, StoredHistoryState } from '../jira/types';
import { resolveFieldMappings } from '../jira/fields';
import { parseJiraTimestamp } from '../jira/time';
import type { SyncStore } from '../store/types';
import { IssueTransformError, toIssueVersion } from './transform';
import { scopeJql } from './jql';

export type WebhookOutcome = 'applied' | 'duplicate' | 'stale' | 'deleted' | 'out-of-scope' | 'ignored';

const ISSUE_EVENTS = new Set(['jira:issue_created', 'jira:issue_updated']);
const COMMENT_EVENTS = new Set(['comment_created', 'comment_updated', 'comment_deleted']);

/**
 * Applies Jira webhook deliveries through the same transform and store path as scheduled runs.
 * Payloads carry one history and not every mapped field, so a newer-looking event fetches the
 * complete issue by id; an event no newer than the stored row costs no Jira call at all.
 */
export class WebhookProcessor {
  private readonly now: () => number;

  constructor(
    private readonly options: {
      store: SyncStore;
      clientFor(instance: string): JiraClient;
      syncs: SyncDefinition[];
      logger: LoggerService;
      now?: () => number;
    },
  ) {
    this.now = options.now ?? Date.now;
  }

  async handle(instance: string, rawBody: Buffer, payload: unknown): Promise<WebhookOutcome> {
    const { store } = this.options;
    const body = (payload ?? {}) as {
      webhookEvent?: string;
      timestamp?: number;
      issue?: { id?: string | number; key?: string; fields?: { updated?: string } };
    };
    const event = String(body.webhookEvent ?? 'unknown');
    const issueId = body.issue?.id !== undefined ? String(body.issue.id) : null;
    const eventKey = createHash('sha256').update(rawBody).digest('hex');
    const eventMs = typeof body.timestamp === 'number' ? body.timestamp : null;

    let outcome: WebhookOutcome;
    if (!issueId || !/^\d+$/.test(issueId)) {
      outcome = 'ignored';
    } else if (event === 'jira:issue_deleted') {
      outcome = (await this.confirmDeleted(instance, issueId)) ? 'deleted' : 'stale';
    } else if (ISSUE_EVENTS.has(event) || COMMENT_EVENTS.has(event)) {
      outcome = await this.applyIssue(instance, issueId, body.issue?.fields?.updated);
    } else {
      outcome = 'ignored';
    }
    // Recorded after processing: a delivery that failed half-way is retried by Jira and processed again.
    const first = await store.recordWebhookEvent({
      instance,
      eventKey,
      webhookEvent: event,
      issueId,
      eventMs,
      outcome,
      nowMs: this.now(),
    });
    return first ? outcome : 'duplicate';
  }

  private syncsOf(instance: string) {
    return this.options.syncs.filter(s => s.instance === instance);
  }

  /** A delete event may be late or forged by reordering: soft-delete only what Jira no longer has. */
  private async confirmDeleted(instance: string, issueId: string): Promise<boolean> {
    const client = this.options.clientFor(instance);
    const found = await client.getIssues([issueId], { fields: ['updated'] });
    if (found.length) return false;
    return this.options.store.softDeleteIssue({
      instance,
      issueId,
      reason: 'deleted in Jira (webhook)',
      nowMs: this.now(),
    });
  }

  private async applyIssue(instance: string, issueId: string, payloadUpdated: string | undefined): Promise<WebhookOutcome> {
    const { store, logger } = this.options;
    const syncs = this.syncsOf(instance);
    if (!syncs.length) return 'out-of-scope';
    const stored = (await store.storedHistoryStates(instance, [issueId])).get(issueId);
    if (stored && payloadUpdated && parseJiraTimestamp(payloadUpdated) <= stored.updatedMs) return 'stale';

    const client = this.options.clientFor(instance);
    const catalogue = await client.fields();
    const fields = new Set<string>();
    const mappingsBySync = new Map(
      syncs.map(sync => {
        const mappings = resolveFieldMappings(sync.customFields, catalogue, `sync "${sync.id}"`);
        sync.fields.forEach(f => fields.add(f));
        mappings.forEach(m => fields.add(m.fieldId));
        return [sync.id, mappings] as const;
      }),
    );
    const storedHistories = async (ids: string[]) => {
      const map = new Map<string, StoredHistoryState>();
      for (const [id, s] of await store.storedHistoryStates(instance, ids)) {
        map.set(id, { historyCount: s.historyCount, lastHistoryId: s.lastHistoryId });
      }
      return map;
    };
    const [issue] = await client.getIssues([issueId], { fields: [...fields], storedHistories });
    if (!issue) return 'stale'; // Deleted since the event was sent; the delete event or reconciliation handles it.

    const projectKey = (issue.fields.project as { key?: string } | undefined)?.key ?? issue.key.split('-')[0];
    const claiming: SyncDefinition[] = [];
    for (const sync of syncs) {
      if (sync.projects.length && !sync.projects.includes(projectKey)) continue;
      if (sync.jql) {
        const ids = client.searchIds({ jql: `id = ${issueId} AND ${scopeJql(sync)}`, context: `sync "${sync.id}"` });
        let matched = false;
        for await (const page of ids) matched ||= page.map(String).includes(issueId);
        if (!matched) continue;
      }
      claiming.push(sync);
    }
    if (!claiming.length) return 'out-of-scope';

    let applied = false;
    for (const sync of claiming) {
      try {
        const version = toIssueVersion(instance, issue, mappingsBySync.get(sync.id)!);
        const result = await store.writePage({ syncId: sync.id, instance, versions: [version], nowMs: this.now() });
        applied ||= result.inserted + result.updated + result.restored > 0;
      } catch (e) {
        if (!(e instanceof IssueTransformError)) throw e;
        await store.addDeadLetter({
          syncId: sync.id,
          instance,
          issueId,
          issueKey: issue.key,
          error: e.message,
          payload: issue,
          nowMs: this.now(),
        });
        logger.warn(`webhook for ${issue.key}: ${e.message}; sent to dead letters of sync "${sync.id}"`);
      }
    }
    return applied ? 'applied' : 'stale';
  }
}
