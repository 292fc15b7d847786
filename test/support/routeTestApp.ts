import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Knex } from 'knex';
import { wrapServer } from '@backstage/backend-openapi-utils/testUtils';
import {
  coreServices,
  createBackendPlugin,
  type BackendFeature,
  type PermissionsRegistryService,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef, type CatalogService } from '@backstage/plugin-catalog-node';
import { KnexIssueQueryStore } from '../../src/store';
import { storeDatabase } from '../../src/store/testFixtures';
import { createRouter, jiraSyncAuthPolicies, jiraSyncIssueResourceRef, registerPermissions, type RouterOptions } from '../../src/service';

const MOUNT_POINT = '/api/jira-sync';

type TestBackend = Awaited<ReturnType<typeof startTestBackend>>;
type PermissionsRegistration = Pick<PermissionsRegistryService, 'addPermissions' | 'addResourceType'>;

/** What the backend's services give the router; the test decides the rest. */
export interface RouteTestServices {
  catalog: CatalogService;
  permissions: PermissionsService;
}

export interface RouteTestBackendOptions {
  knex: Knex;
  /** The router's options beyond logger, httpAuth, permissions, issueRuleset, catalog and queryStore (which it may still override). */
  router: (services: RouteTestServices) => Omit<RouterOptions, 'httpAuth' | 'permissions' | 'queryStore' | 'logger' | 'catalog'> & Partial<Pick<RouterOptions, 'logger' | 'catalog'>>;
  /** To see what the plugin registers; default the backend's registry. */
  permissionsRegistry?: (registry: PermissionsRegistryService) => PermissionsRegistration;
  /** The services and plugins around it (config, auth, permissions, catalog...). */
  features: BackendFeature[];
}

/**
 * The plugin wired as src/plugin.ts wires it, on a test backend, behind wrapServer's proxy: every request
 * made through `server` and its response are checked against the plugin's /openapi.json.
 */
export async function startRouteTestBackend(options: RouteTestBackendOptions): Promise<{ backend: TestBackend; server: http.Server; services: RouteTestServices }> {
  let services: RouteTestServices | undefined;
  const plugin = createBackendPlugin({
    pluginId: 'jira-sync',
    register(env) {
      env.registerInit({
        deps: {
          logger: coreServices.logger,
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          catalog: catalogServiceRef,
        },
        async init(deps) {
          services = { catalog: deps.catalog, permissions: deps.permissions };
          const queryStore = await KnexIssueQueryStore.create(storeDatabase(options.knex));
          registerPermissions(options.permissionsRegistry?.(deps.permissionsRegistry) ?? deps.permissionsRegistry, queryStore);
          for (const policy of jiraSyncAuthPolicies) deps.httpRouter.addAuthPolicy(policy);
          deps.httpRouter.use(
            await createRouter({
              logger: deps.logger,
              httpAuth: deps.httpAuth,
              permissions: deps.permissions,
              issueRuleset: deps.permissionsRegistry.getPermissionRuleset(jiraSyncIssueResourceRef),
              catalog: deps.catalog,
              queryStore,
              ...options.router(services),
            }),
          );
        },
      });
    },
  });
  const backend = await startTestBackend({ features: [plugin, ...options.features] });
  return { backend, server: await wrapBackendServer(backend.server), services: services! };
}

/** The backend's HTTP server behind wrapServer's validating proxy; requests keep the /api/jira-sync prefix. */
export async function wrapBackendServer(server: http.Server): Promise<http.Server> {
  const handle = server.listeners('request')[0] as http.RequestListener;
  const { port } = server.address() as AddressInfo;
  const app = express();
  // The proxy reads the document at the root: the plugin's, whose served paths carry the mount point as the requests do.
  app.get('/openapi.json', async (_req, res) => {
    const served = await fetch(`http://127.0.0.1:${port}${MOUNT_POINT}/openapi.json`);
    res.status(served.status).json(withFormatsAsPatterns(await served.json()));
  });
  app.use((req, res) => handle(req, res));
  // mockttp forwards to `localhost` over IPv6 when ::1 holds the port, and /etc/hosts names only 127.0.0.1 localhost (ENOTFOUND).
  app.listen = ((forwardPort: number) => http.createServer(app).listen(forwardPort, '127.0.0.1')) as typeof app.listen;
  return wrapServer(app);
}

/** The same checks as the formats, which the proxy's strict ajv (0.7.4 registers none) refuses to compile. */
const FORMAT_PATTERNS: Record<string, string> = {
  'date-time': '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
  date: '^\\d{4}-\\d{2}-\\d{2}$',
};

function withFormatsAsPatterns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withFormatsAsPatterns);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === 'format' && typeof value === 'string' && FORMAT_PATTERNS[value] ? ['pattern', FORMAT_PATTERNS[value]] : [key, withFormatsAsPatterns(value)],
    ),
  );
}
