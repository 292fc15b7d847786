import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { IssueFilter } from '../store/types';

/** Roadie's annotation names, so existing catalogs work unchanged. */
export const PROJECT_KEY_ANNOTATION = 'jira/project-key';
export const COMPONENT_ANNOTATION = 'jira/component';
export const LABEL_ANNOTATION = 'jira/label';
/** Axis's name for the project key, read when the Roadie one is absent. */
export const AXIS_PROJECT_KEY_ANNOTATION = 'jira.com/project-key';
/** Optional: the configured Jira instance, for sites where project keys repeat across instances. */
export const INSTANCE_ANNOTATION = 'jira-sync/instance';

export interface EntitySelection {
  projectKeys: string[];
  component: string | null;
  label: string | null;
  instance: string | null;
}

const annotation = (entity: Entity, name: string) => {
  const value = entity.metadata.annotations?.[name]?.trim();
  return value ? value : null;
};

/** Which issues an entity's annotations select; 400 naming jira/project-key when it has none. */
export function entitySelection(entity: Entity, entityRef: string): EntitySelection {
  const keys = annotation(entity, PROJECT_KEY_ANNOTATION) ?? annotation(entity, AXIS_PROJECT_KEY_ANNOTATION);
  const projectKeys = [...new Set((keys ?? '').split(',').map(k => k.trim().toUpperCase()).filter(Boolean))];
  if (!projectKeys.length) {
    throw new InputError(`entity ${entityRef} has no ${PROJECT_KEY_ANNOTATION} annotation`);
  }
  return {
    projectKeys,
    component: annotation(entity, COMPONENT_ANNOTATION),
    label: annotation(entity, LABEL_ANNOTATION),
    instance: annotation(entity, INSTANCE_ANNOTATION),
  };
}

export function selectionFilter(selection: EntitySelection): IssueFilter {
  return {
    projectKeys: selection.projectKeys,
    ...(selection.component !== null && { component: selection.component }),
    ...(selection.label !== null && { label: selection.label }),
    ...(selection.instance !== null && { instance: selection.instance }),
  };
}
