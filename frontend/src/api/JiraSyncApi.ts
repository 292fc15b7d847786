import { createApiRef } from '@backstage/core-plugin-api';
import type { JiraSyncApi } from '@jira-sync/backstage-plugin-jira-sync-common';

/** The JiraSyncApi reference; works in both the legacy and the new frontend system. @public */
export const jiraSyncApiRef = createApiRef<JiraSyncApi>({
  id: 'plugin.jira-sync.service',
});
