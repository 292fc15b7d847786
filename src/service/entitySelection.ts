import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { IssueFilter } from '../store/types';

/** Roadie's annotation names, so existing catalogs work unchanged. */
export const PROJECT_KEY_ANNOTATION = 'jira/project-key';
export const COMPONENT_ANNOTATION = 'jira/component';
export const LABEL_ANNOTATION = 'jira/label';
/** Axis's name for the project key, read when the Roadie one is absent. */
export const AXIS_PROJECT_KEY_ANNOTATION = 'jira.com/project-key';
/** Axis's comma-separated component names (any of them), read when jira/component is absent. */
export const AXIS_COMPONENTS_ANNOTATION = 'jira.com/components';
/** Optional: the configured Jira instance, for sites where project keys repeat across instances. */
export const INSTANCE_ANNOTATION = 'jira-sync/instance';

export interface EntitySelection {
  projectKeys: string[];
  /** jira/component's one component name, as annotated. */
  component: string | null;
  /** An issue is selected when it has any of these components; empty: components do not narrow. */
  components: string[];
  label: string | null;
  instance: string | null;
}

const annotation = (entity: Entity, name: string) => {
  const value = entity.metadata.annotations?.[name]?.trim();
  return value ? value : null;
};

/** The distinct non-empty items of a comma-separated annotation value. */
const listed = (value: string | null) => [...new Set((value ?? '').split(',').map(item => item.trim()).filter(Boolean))];

/** Which issues an entity's annotations select; 400 naming jira/project-key when it has none. */
export function entitySelection(entity: Entity, entityRef: string): EntitySelection {
  const keys = annotation(entity, PROJECT_KEY_ANNOTATION) ?? annotation(entity, AXIS_PROJECT_KEY_ANNOTATION);
  const projectKeys = listed(keys?.toUpperCase() ?? null);
  if (!projectKeys.length) {
    throw new InputError(`entity ${entityRef} has no ${PROJECT_KEY_ANNOTATION} annotation`);
  }
  const component = annotation(entity, COMPONENT_ANNOTATION);
  // jira/component is one name (it may hold a comma); jira.com/components is a comma-separated list.
  const components = component !== null ? [component] : listed(annotation(entity, AXIS_COMPONENTS_ANNOTATION));
  return {
    projectKeys,
    component,
    components,
    label: annotation(entity, LABEL_ANNOTATION),
    instance: annotation(entity, INSTANCE_ANNOTATION),
  };
}

export function selectionFilter(selection: EntitySelection): IssueFilter {
  return {
    projectKeys: selection.projectKeys,
    ...(selection.components.length > 0 && { components: selection.components }),
    ...(selection.label !== null && { label: selection.label }),
    ...(selection.instance !== null && { instance: selection.instance }),
  };
}
