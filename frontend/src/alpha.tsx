import {
  ApiBlueprint,
  ExtensionDefinition,
  OverridableFrontendPlugin,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
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
 * jira/project-key annotation; jira/component and jira/label alone do not show it.
 *
 * @alpha
 */
// Annotated: the inferred type names filter-predicates through a nested copy, which declarations cannot reference.
export const entityJiraSyncCard: ExtensionDefinition = EntityCardBlueprint.make({
  params: {
    filter: isJiraSyncAvailable,
    loader: () => import('./components/EntityJiraSyncCard').then(m => <m.EntityJiraSyncCard />),
  },
});

/** The jira-sync plugin for the new frontend system. @alpha */
const jiraSyncPlugin: OverridableFrontendPlugin = createFrontendPlugin({
  pluginId: 'jira-sync',
  title: 'Jira',
  info: { packageJson: () => import('../package.json') },
  extensions: [jiraSyncApi, entityJiraSyncCard],
});

export default jiraSyncPlugin;
