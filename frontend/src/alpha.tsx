import {
  ApiBlueprint,
  ExtensionDefinition,
  OverridableFrontendPlugin,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { z } from 'zod/v4';
import { jiraSyncApiRef } from './api/JiraSyncApi';
import { JiraSyncClient } from '@jira-sync/backstage-plugin-jira-sync-common';
import { isJiraSyncAvailable } from './annotations';

/** The {@link JiraSyncClient} as an API extension of the new frontend system. @alpha */
export const jiraSyncApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: jiraSyncApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new JiraSyncClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The entity card (extension id `entity-card:jira-sync`), shown only on entities with a
 * jira/project-key annotation; jira/component and jira/label alone do not show it. Config:
 * `refreshIntervalSeconds` (default 60; 0 never), besides the blueprint's `filter` and `type`.
 *
 * @alpha
 */
// Annotated: the inferred type names filter-predicates through a nested copy, which declarations cannot reference.
export const entityJiraSyncCard: ExtensionDefinition = EntityCardBlueprint.makeWithOverrides({
  configSchema: {
    refreshIntervalSeconds: z.number().min(0).optional(),
  },
  factory(originalFactory, { config }) {
    return originalFactory({
      filter: isJiraSyncAvailable,
      loader: () =>
        import('./components/EntityJiraSyncCard').then(m => (
          <m.EntityJiraSyncCard refreshIntervalSeconds={config.refreshIntervalSeconds} />
        )),
    });
  },
});

/**
 * The entity's "Jira" tab (extension id `entity-content:jira-sync`, path `/jira`): flow charts,
 * the full issue list and each issue's history; shown on the same entities as the card.
 *
 * @alpha
 */
export const entityJiraSyncContent: ExtensionDefinition = EntityContentBlueprint.make({
  params: {
    path: '/jira',
    title: 'Jira',
    filter: isJiraSyncAvailable,
    loader: () => import('./components/EntityJiraSyncContent').then(m => <m.EntityJiraSyncContent />),
  },
});

/** The jira-sync plugin for the new frontend system. @alpha */
const jiraSyncPlugin: OverridableFrontendPlugin = createFrontendPlugin({
  pluginId: 'jira-sync',
  title: 'Jira',
  info: { packageJson: () => import('../package.json') },
  extensions: [jiraSyncApi, entityJiraSyncCard, entityJiraSyncContent],
});

export default jiraSyncPlugin;
