import type { Entity } from '@backstage/catalog-model';

/** One or several Jira project keys, comma-separated. Required for the card. @public */
export const JIRA_PROJECT_KEY_ANNOTATION = 'jira/project-key';
/** Another plugin's name for the project key; the backend reads it when jira/project-key is absent. @public */
export const JIRA_COM_PROJECT_KEY_ANNOTATION = 'jira.com/project-key';
/** Narrows the project's issues to one Jira component (only with a project key). @public */
export const JIRA_COMPONENT_ANNOTATION = 'jira/component';
/** Another plugin's (Axis's) comma-separated components: issues with any of them; read when jira/component is absent. @public */
export const JIRA_COM_COMPONENTS_ANNOTATION = 'jira.com/components';
/** Narrows the project's issues to one Jira label (only with a project key). @public */
export const JIRA_LABEL_ANNOTATION = 'jira/label';

/**
 * Whether the entity names a Jira project, which the card needs: jira/component, jira.com/components
 * and jira/label only narrow a project's issues, so on their own they do not make the card available.
 *
 * @public
 */
export function isJiraSyncAvailable(entity: Entity): boolean {
  return projectKeysOf(entity).length > 0;
}

/** The project keys in the entity's jira/project-key annotation. @public */
export function projectKeysOf(entity: Entity): string[] {
  const annotations = entity.metadata.annotations ?? {};
  const value = annotations[JIRA_PROJECT_KEY_ANNOTATION]?.trim() || annotations[JIRA_COM_PROJECT_KEY_ANNOTATION] || '';
  return value
    .split(',')
    .map(key => key.trim())
    .filter(Boolean);
}
