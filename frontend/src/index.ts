/**
 * jira-sync frontend: an entity card with the entity's synced Jira issues, counts, flow metrics
 * and sync freshness. The new frontend system's plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export { jiraSyncPlugin, EntityJiraSyncCard } from './plugin';
export type { EntityJiraSyncCardProps } from './components/EntityJiraSyncCard';
export {
  JIRA_COM_PROJECT_KEY_ANNOTATION,
  JIRA_COMPONENT_ANNOTATION,
  JIRA_LABEL_ANNOTATION,
  JIRA_PROJECT_KEY_ANNOTATION,
  isJiraSyncAvailable,
  projectKeysOf,
} from './annotations';
export { jiraSyncApiRef } from './api/JiraSyncApi';
export type { JiraSyncApi } from './api/JiraSyncApi';
export { JiraSyncClient } from './api/JiraSyncClient';
export * from './api/types';
