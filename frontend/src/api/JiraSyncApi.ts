import { createApiRef } from '@backstage/core-plugin-api';
import type { JiraSyncFrontendApi } from './contract';

/** The JiraSyncApi reference; works in both the legacy and the new frontend system. @public */
export const jiraSyncApiRef = createApiRef<JiraSyncFrontendApi>({
  id: 'plugin.jira-sync.service',
});
