/**
 * What one Jira instance is, cached for the client: its deployment (configured or detected from
 * serverInfo), the searching user's time zone and the field catalogue. The zone and catalogue
 * rarely change, so a run re-reads them only when older than the TTL: a run that finds nothing
 * new costs one search call. No JQL bound depends on the cached zone (bounds are epoch ms).
 */
import { jqlDateAtOrBeforeIn } from './time';
import type { JiraTransport } from './transport';
import type { JiraDeployment, JiraField } from './types';
import type { JiraLogger } from './redact';

interface ServerInfo {
  deploymentType?: string;
}

/** Caches a promise but forgets a failed one, so the next call asks again. */
class Remembered<T> {
  private promise?: Promise<T>;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    this.promise ??= this.load().catch(e => {
      this.promise = undefined;
      throw e;
    });
    return this.promise;
  }

  forget() {
    this.promise = undefined;
  }
}

export class InstanceCatalogue {
  private readonly detected: Remembered<JiraDeployment>;
  private readonly zone: Remembered<string>;
  private readonly catalogue: Remembered<JiraField[]>;
  private loadedMs = -Infinity;

  constructor(
    private readonly options: {
      instance: string;
      /** Configured deployment; undefined: detected once from serverInfo. */
      deployment?: JiraDeployment;
      transport: JiraTransport;
      logger: JiraLogger;
      now: () => number;
      ttlMs: number;
    },
  ) {
    const { instance, transport, logger } = options;
    this.detected = new Remembered(async () => {
      const info = await transport.request<ServerInfo>('GET', '/rest/api/2/serverInfo');
      const detected: JiraDeployment = info.deploymentType?.toLowerCase() === 'cloud' ? 'cloud' : 'datacenter';
      logger.info(`Jira instance ${instance}: ${info.deploymentType ?? 'unknown'} deployment, using the ${detected === 'cloud' ? 'Cloud' : 'Data Center'} API`);
      return detected;
    });
    this.zone = new Remembered(async () => {
      const me = await transport.request<{ timeZone?: string }>('GET', `${await this.apiBase()}/myself`);
      if (!me.timeZone) throw new Error(`Jira instance ${instance}: myself has no timeZone; JQL dates cannot be rendered safely`);
      // Validates the zone now rather than at the first bound.
      jqlDateAtOrBeforeIn(options.now(), me.timeZone);
      return me.timeZone;
    });
    this.catalogue = new Remembered(async () => transport.request<JiraField[]>('GET', `${await this.apiBase()}/field`));
  }

  deployment(): Promise<JiraDeployment> {
    return this.options.deployment ? Promise.resolve(this.options.deployment) : this.detected.get();
  }

  async apiBase(): Promise<string> {
    return (await this.deployment()) === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  }

  timeZone(): Promise<string> {
    return this.zone.get();
  }

  fields(): Promise<JiraField[]> {
    return this.catalogue.get();
  }

  /** At the start of a run: drops the zone and catalogue once they are older than the TTL. */
  refreshIfStale() {
    const nowMs = this.options.now();
    if (nowMs - this.loadedMs < this.options.ttlMs) return;
    this.catalogue.forget();
    this.zone.forget();
    this.loadedMs = nowMs;
  }
}
