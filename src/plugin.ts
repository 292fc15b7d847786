import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readJiraSyncConfig } from './config';
import { loadSyncSpec } from './spec';
import { KnexIssueQueryStore, KnexOAuthTokenStore, KnexSyncStore, probeWrite } from './store';
import { createJiraClients } from './jira/clientRegistry';
import { SyncEngine, SyncMetrics, WebhookProcessor, scheduleSyncs, auditSpecChanges } from './sync';
import {
  createJiraSyncApi,
  createRouter,
  createSchedulerTaskStateReader,
  registerJiraSyncActions,
  jiraSyncAuthPolicies,
  jiraSyncIssueResourceRef,
  registerPermissions,
} from './service';
import { createJiraSyncOps } from './ops';

/** The jira-sync backend plugin: wiring only. */
export const jiraSyncPlugin = createBackendPlugin({
  pluginId: 'jira-sync',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auditor: coreServices.auditor,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        // Always resolvable (the ref has a default factory); without a notifications backend sends fail and alerts are only logged.
        notifications: notificationService,
      },
      async init({ config, logger, auditor, database, scheduler, httpRouter, httpAuth, auth, discovery, permissions, permissionsRegistry, catalog, actionsRegistry, notifications }) {
        // A broken config or spec stops the plugin here, before anything runs.
        const settings = readJiraSyncConfig(config);
        const spec = await loadSyncSpec(settings.spec, {
          instances: settings.instances.map(instance => instance.name),
          defaults: { schedule: settings.schedule, maxDeleteShare: settings.deletionGuard.maxDeleteShare },
        });

        const store = await KnexSyncStore.create({ database });
        const clients = createJiraClients({ instances: settings.instances, logger, oauthTokens: await KnexOAuthTokenStore.create({ database }) });
        const ops = await createJiraSyncOps({
          database, settings: settings.ops, syncs: spec.syncs, instances: settings.instances, syncStore: store,
          clientFor: clients.get, notifications, catalog, auth, logger,
        });
        const engine = new SyncEngine({ store, clientFor: clients.get, logger, metrics: new SyncMetrics(), onRunFinished: ops.onRunFinished });
        const webhooks = new WebhookProcessor({ store, clientFor: clients.get, syncs: spec.syncs, logger, onMappingProblem: ops.onWebhookMappings });

        const queryStore = await KnexIssueQueryStore.create({ database });
        registerPermissions(permissionsRegistry, queryStore);
        jiraSyncAuthPolicies.forEach(policy => httpRouter.addAuthPolicy(policy));
        const routerOptions = {
          logger,
          auditor,
          httpAuth,
          permissions,
          issueRuleset: permissionsRegistry.getPermissionRuleset(jiraSyncIssueResourceRef),
          catalog,
          scheduler,
          queryStore,
          syncStore: store,
          syncs: spec.syncs,
          instances: settings.instances,
          webhooks,
          engine,
          webhookBodyLimitBytes: settings.webhooks.maxBodyBytes,
          webhookConcurrency: { maxInFlight: settings.webhooks.maxConcurrent, maxQueued: settings.webhooks.maxQueued },
          taskStates: createSchedulerTaskStateReader({ discovery, auth }),
          checkDatabase: async () => probeWrite(await database.getClient()),
          healthFacts: ops.healthFacts,
        };
        httpRouter.use(await createRouter(routerOptions));
        // The same operations for AI agents (Backstage's MCP server) and other callers of the actions registry.
        registerJiraSyncActions(actionsRegistry, createJiraSyncApi(routerOptions));

        await auditSpecChanges({ auditor, store, syncs: spec.syncs, source: spec.source });
        await scheduleSyncs({ scheduler, engine, syncs: spec.syncs, logger });
        await ops.schedule(scheduler);
        logger.info(`jira-sync: ${spec.syncs.length} syncs from ${spec.source}`);
      },
    });
  },
});
