import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { jiraSyncApiRef } from './api/JiraSyncApi';
import { JiraSyncClient } from '@jira-sync/backstage-plugin-jira-sync-common';

/** The jira-sync plugin for apps on the legacy frontend system. @public */
export const jiraSyncPlugin = createPlugin({
  id: 'jira-sync',
  apis: [
    createApiFactory({
      api: jiraSyncApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new JiraSyncClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The entity card for the legacy frontend system; put it on entity pages inside
 * `<EntitySwitch.Case if={isJiraSyncAvailable}>`.
 *
 * @public
 */
export const EntityJiraSyncCard = jiraSyncPlugin.provide(
  createComponentExtension({
    name: 'EntityJiraSyncCard',
    component: {
      lazy: () => import('./components/EntityJiraSyncCard').then(m => m.EntityJiraSyncCard),
    },
  }),
);

/**
 * The entity's "Jira" tab for the legacy frontend system; put it in an
 * `<EntityLayout.Route path="/jira" title="Jira" if={isJiraSyncAvailable}>`.
 *
 * @public
 */
export const EntityJiraSyncContent = jiraSyncPlugin.provide(
  createComponentExtension({
    name: 'EntityJiraSyncContent',
    component: {
      lazy: () => import('./components/EntityJiraSyncContent').then(m => m.EntityJiraSyncContent),
    },
  }),
);
