import { createHash } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import type { JiraClient } from '../jira/types';
import { parseJiraTime } from '../jira/time';
import { FieldMappingError } from '../jira/errors';
import type { SyncStore } from '../store/types';
import { IssueWriter } from './IssueWriter';
import { createRunContext, type RunContext } from './RunContext';
import { scopeJql } from './jql';

export type WebhookOutcome =
  | 'applied'
  | 'duplicate'
  | 'stale'
  | 'dead-lettered'
  | 'mapping-unresolved'
  | 'deleted'
  | 'out-of-scope'
  | 'ignored';

const ISSUE_EVENTS = new Set(['jira:issue_created', 'jira:issue_updated']);
const COMMENT_EVENTS = new Set(['comment_created', 'comment_updated', 'comment_deleted']);
/** `…/rest/api/2/issue/10013/comment/10082`: Data Center's comment deliveries name their issue only here. */
const COMMENT_SELF = /\/issue\/(\d+)\/comment\/[^/]+\/?$/;

type WebhookBody = {
  webhookEvent?: string;
  timestamp?: number;
  issue?: { id?: string | number; key?: string; fields?: { updated?: string } };
  comment?: { self?: string };
};

/** The delivery's issue id: from its issue object, or for a comment event without one, from the comment's URL. */
function issueIdOf(body: WebhookBody, event: string): string | null {
  if (body.issue?.id !== undefined) return String(body.issue.id);
  if (!COMMENT_EVENTS.has(event) || typeof body.comment?.self !== 'string') return null;
  return COMMENT_SELF.exec(body.comment.self)?.[1] ?? null;
}

/**
 * Applies Jira webhook deliveries to the syncs whose strategy is `webhook`, through the same
 * transform and store path as scheduled runs.
 * Payloads carry one history and not every mapped field, so a newer-looking event fetches the
 * complete issue by id; an event no newer than the stored row costs no Jira call at all.
 */
export class WebhookProcessor {
  private readonly now: () => number;
  private readonly writer: IssueWriter;
  /** Instances whose mappings failed to resolve in this process, and those whose state was told at all. */
  private readonly mappingProblems = new Set<string>();
  private readonly mappingsReported = new Set<string>();

  constructor(
    private readonly options: {
      store: SyncStore;
      clientFor(instance: string): JiraClient;
      syncs: SyncDefinition[];
      logger: LoggerService;
      now?: () => number;
      /**
       * Told, per instance, whether the mappings resolved for a delivery (null) or why not (alerts):
       * a mapping problem is answered 202 so Jira stops retrying, and the scheduled run catches up once it is fixed.
       */
      onMappingProblem?(instance: string, problem: string | null): Promise<void>;
    },
  ) {
    this.now = options.now ?? Date.now;
    this.writer = new IssueWriter({ store: options.store, now: this.now });
  }

  async handle(instance: string, rawBody: Buffer, payload: unknown): Promise<WebhookOutcome> {
    const { store } = this.options;
    const body = (payload ?? {}) as WebhookBody;
    const event = String(body.webhookEvent ?? 'unknown');
    const issueId = issueIdOf(body, event);
    const eventKey = createHash('sha256').update(rawBody).digest('hex');
    const eventMs = typeof body.timestamp === 'number' ? body.timestamp : null;

    let outcome: WebhookOutcome;
    if (!issueId || !/^\d+$/.test(issueId)) {
      outcome = 'ignored';
    } else if (event === 'jira:issue_deleted') {
      outcome = await this.deleteIssue(instance, issueId);
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

  /** Deliveries keep `webhook` syncs fresh; `full` and `incremental` syncs are refreshed by their runs only. */
  private syncsOf(instance: string) {
    return this.options.syncs.filter(s => s.instance === instance && s.strategy === 'webhook');
  }

  /**
   * A delete event may be late or forged by reordering: soft-delete only what Jira no longer has.
   * An issue only `full` or `incremental` syncs see is left to their reconciliation.
   */
  private async deleteIssue(instance: string, issueId: string): Promise<WebhookOutcome> {
    const webhookSyncs = new Set(this.syncsOf(instance).map(s => s.id));
    if (!webhookSyncs.size) return 'out-of-scope';
    const seenBy = await this.options.store.syncsSeeing(instance, issueId);
    if (seenBy.length && !seenBy.some(id => webhookSyncs.has(id))) return 'out-of-scope';
    return (await this.confirmDeleted(instance, issueId)) ? 'deleted' : 'stale';
  }

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

  private async applyIssue(instance: string, issueId: string, payloadUpdated: string | number | undefined): Promise<WebhookOutcome> {
    const { store, logger } = this.options;
    const syncs = this.syncsOf(instance);
    if (!syncs.length) return 'out-of-scope';
    const stored = (await store.storedHistoryStates(instance, [issueId])).get(issueId);
    if (stored && payloadUpdated !== undefined && payloadUpdated !== null && parseJiraTime(payloadUpdated) <= stored.updatedMs) return 'stale';

    const client = this.options.clientFor(instance);
    const contexts = await this.contextsFor(instance, syncs, client);
    if (!contexts) return 'mapping-unresolved';
    const fields = [...new Set(contexts.flatMap(c => c.fetchFields))];
    const [issue] = await client.getIssues([issueId], { fields, storedHistories: contexts[0].storedHistories });
    if (!issue) return 'stale'; // Deleted since the event was sent; the delete event or reconciliation handles it.

    const projectKey = (issue.fields.project as { key?: string } | undefined)?.key ?? issue.key.split('-')[0];
    const claiming: RunContext[] = [];
    for (const context of contexts) {
      const { sync } = context;
      if (sync.projects.length && !sync.projects.includes(projectKey)) continue;
      if (sync.jql) {
        const ids = client.searchIds({ jql: `id = ${issueId} AND ${scopeJql(sync)}`, context: context.label });
        let matched = false;
        for await (const page of ids) matched ||= page.map(String).includes(issueId);
        if (!matched) continue;
      }
      claiming.push(context);
    }
    if (!claiming.length) return 'out-of-scope';

    let applied = false;
    let deadLettered = false;
    for (const context of claiming) {
      const { result, failed } = await this.writer.write(context, [issue]);
      if (result) applied ||= result.inserted + result.updated + result.restored > 0;
      for (const { error } of failed) {
        deadLettered = true;
        logger.warn(`webhook for ${issue.key}: ${error.message}; sent to dead letters of sync "${context.sync.id}"`);
      }
    }
    if (applied) return 'applied';
    return deadLettered ? 'dead-lettered' : 'stale';
  }

  /**
   * One run context per `webhook` sync, or undefined when the mappings do not resolve against
   * Jira's field catalogue (a field renamed or deleted): that is recorded and alerted, not retried.
   */
  private async contextsFor(instance: string, syncs: SyncDefinition[], client: JiraClient): Promise<RunContext[] | undefined> {
    const { store, logger, onMappingProblem } = this.options;
    const catalogue = await client.fields();
    const contexts: RunContext[] = [];
    try {
      for (const sync of syncs) contexts.push(await createRunContext({ sync, client, store, logger, catalogue }));
    } catch (e) {
      if (!(e instanceof FieldMappingError)) throw e;
      logger.error(`webhook for instance ${instance}: ${e.message}; the delivery is recorded as mapping-unresolved and not retried`);
      this.mappingProblems.add(instance);
      await onMappingProblem?.(instance, e.message).catch(err => logger.error(`mapping alert failed: ${(err as Error).message}`));
      return undefined;
    }
    // Told once per process, and after each problem: clears an incident another replica or an earlier start opened.
    if (!this.mappingsReported.has(instance) || this.mappingProblems.delete(instance)) {
      this.mappingsReported.add(instance);
      await onMappingProblem?.(instance, null).catch(err => logger.error(`mapping alert failed: ${(err as Error).message}`));
    }
    return contexts;
  }
}
