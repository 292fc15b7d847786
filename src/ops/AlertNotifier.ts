import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationSendOptions, NotificationService } from '@backstage/plugin-notifications-node';
import { OWNERS_RECIPIENT } from '../config/readOpsConfig';

/** Annotations naming Jira projects (Roadie's and Axis's); values may list several keys, comma-separated. */
const PROJECT_ANNOTATIONS = ['jira/project-key', 'jira.com/project-key'];

/** After a failed send, sending pauses this long: without a notifications backend every send fails. */
const PAUSE_AFTER_FAILURE_MS = 10 * 60_000;

type NotificationSeverity = NonNullable<NotificationSendOptions['payload']['severity']>;

export interface AlertNotice {
  /** `jira-sync:<subject>:<kind>`: the notifications backend replaces an older notice with the same scope. */
  scope: string;
  title: string;
  description: string;
  severity: NotificationSeverity;
  /** Jira projects the alert is about: their entities' owners are the `owners` recipients. */
  projects: string[];
}

export type NoticeOutcome = 'sent' | 'no-recipients' | 'failed';

/**
 * Sends alert notices through Backstage's notification service to the configured recipients.
 * The service is optional in practice: its ref always resolves (it has a default factory that
 * posts to the notifications backend), so a missing backend shows up as a failing `send`, which
 * pauses sending instead of breaking anything.
 */
export class AlertNotifier {
  private pausedUntilMs = 0;

  constructor(
    private readonly options: {
      notifications: NotificationService;
      recipients: string[];
      catalog: Pick<CatalogService, 'getEntities'>;
      auth: Pick<AuthService, 'getOwnServiceCredentials'>;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.options.now ? this.options.now() : Date.now();
  }

  get configured(): boolean {
    return this.options.recipients.length > 0;
  }

  async send(notice: AlertNotice, logger: LoggerService = this.options.logger): Promise<NoticeOutcome> {
    if (this.now() < this.pausedUntilMs) return 'failed';
    let entityRef: string[];
    try {
      entityRef = await this.recipientsFor(notice.projects);
    } catch (e) {
      logger.warn(`alert "${notice.title}": could not read the catalog for the owners of ${notice.projects.join(', ')}: ${(e as Error).message}`);
      return 'failed';
    }
    if (!entityRef.length) return 'no-recipients';
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef },
        payload: {
          title: notice.title,
          description: notice.description,
          severity: notice.severity,
          topic: 'jira-sync',
          scope: notice.scope,
        },
      });
      logger.info(`alert sent to ${entityRef.join(', ')}: ${notice.title}`);
      return 'sent';
    } catch (e) {
      this.pausedUntilMs = this.now() + PAUSE_AFTER_FAILURE_MS;
      logger.warn(
        `alert "${notice.title}" could not be sent (is the notifications backend installed?); ` +
          `sending pauses for ${PAUSE_AFTER_FAILURE_MS / 60_000} min and the notice is retried: ${(e as Error).message}`,
      );
      return 'failed';
    }
  }

  /** Configured entity refs, with `owners` expanded to the owners of entities annotated with the projects. */
  async recipientsFor(projects: string[]): Promise<string[]> {
    const refs = new Set<string>();
    for (const recipient of this.options.recipients) {
      if (recipient === OWNERS_RECIPIENT) {
        for (const owner of await this.ownersOf(projects)) refs.add(owner);
      } else {
        refs.add(recipient);
      }
    }
    return [...refs].sort();
  }

  private async ownersOf(projects: string[]): Promise<string[]> {
    if (!projects.length) return [];
    const wanted = new Set(projects.map(p => p.toUpperCase()));
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const owners = new Set<string>();
    for (const annotation of PROJECT_ANNOTATIONS) {
      const { items } = await this.options.catalog.getEntities(
        {
          filter: { [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS },
          fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.annotations', 'spec.owner', 'relations'],
        },
        { credentials },
      );
      for (const entity of items) {
        const keys = String(entity.metadata.annotations?.[annotation] ?? '')
          .split(',')
          .map(k => k.trim().toUpperCase());
        if (keys.some(k => wanted.has(k))) ownerRefsOf(entity).forEach(ref => owners.add(ref));
      }
    }
    return [...owners];
  }
}

function ownerRefsOf(entity: Entity): string[] {
  const related = (entity.relations ?? []).filter(r => r.type === 'ownedBy').map(r => r.targetRef);
  if (related.length) return related;
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return [];
  return [stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }))];
}
