import {
  AuthorizeResult,
  createPermission,
  type ConditionalPolicyDecision,
  type Permission,
  type PermissionCondition,
  type PermissionCriteria,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/** The resource type of a synced Jira issue; its resource ref is `<instance>/<numeric issue id>`. @public */
export const RESOURCE_TYPE_JIRA_SYNC_ISSUE = 'jira-sync-issue';

/** Reading synced issues, their changelogs and flow metrics; conditional decisions narrow which issues. @public */
export const jiraSyncIssueReadPermission = createPermission({
  name: 'jira-sync.issue.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_JIRA_SYNC_ISSUE,
});

/** Reading sync status, runs and dead letters (operational data, separate from issue content). @public */
export const jiraSyncSyncReadPermission = createPermission({
  name: 'jira-sync.sync.read',
  attributes: { action: 'read' },
});

/** Starting a sync run now. @public */
export const jiraSyncRunTriggerPermission = createPermission({
  name: 'jira-sync.sync.trigger',
  attributes: { action: 'update' },
});

/** Fetching a dead-lettered issue again. @public */
export const jiraSyncDeadLetterRetryPermission = createPermission({
  name: 'jira-sync.dead-letter.retry',
  attributes: { action: 'update' },
});

/** Every permission of the plugin. @public */
export const jiraSyncPermissions: Permission[] = [
  jiraSyncIssueReadPermission,
  jiraSyncSyncReadPermission,
  jiraSyncRunTriggerPermission,
  jiraSyncDeadLetterRetryPermission,
];

/** The names of the jira-sync-issue permission rules the backend registers. @public */
export const JIRA_SYNC_ISSUE_RULE_NAMES = {
  hasProjectKey: 'HAS_PROJECT_KEY',
  hasLabel: 'HAS_LABEL',
  hasComponent: 'HAS_COMPONENT',
  hasIssueType: 'HAS_ISSUE_TYPE',
  isInInstance: 'IS_IN_INSTANCE',
} as const;

/** A condition on synced issues, for conditional decisions of a permission policy. @public */
export type JiraSyncIssueCondition = PermissionCondition<typeof RESOURCE_TYPE_JIRA_SYNC_ISSUE>;

const condition = (rule: string, params: Record<string, string>): JiraSyncIssueCondition => ({
  rule,
  resourceType: RESOURCE_TYPE_JIRA_SYNC_ISSUE,
  params,
});

/**
 * Condition factories for the backend's jira-sync-issue rules (what `createConditionExports`
 * gives, without a backend dependency in policies' imports). @public
 */
export const jiraSyncIssueConditions = {
  /** The issue is in the Jira project with this key (case-insensitive). */
  hasProjectKey: (params: { projectKey: string }) => condition(JIRA_SYNC_ISSUE_RULE_NAMES.hasProjectKey, params),
  /** The issue carries this label (exact). */
  hasLabel: (params: { label: string }) => condition(JIRA_SYNC_ISSUE_RULE_NAMES.hasLabel, params),
  /** The issue has a component of this name (exact). */
  hasComponent: (params: { component: string }) => condition(JIRA_SYNC_ISSUE_RULE_NAMES.hasComponent, params),
  /** The issue is of this issue type (exact name, e.g. "Bug"). */
  hasIssueType: (params: { issueType: string }) => condition(JIRA_SYNC_ISSUE_RULE_NAMES.hasIssueType, params),
  /** The issue was synced from the configured Jira instance of this name. */
  isInInstance: (params: { instance: string }) => condition(JIRA_SYNC_ISSUE_RULE_NAMES.isInInstance, params),
};

/** A CONDITIONAL decision for a jira-sync-issue permission, for permission policies. @public */
export function createJiraSyncIssueConditionalDecision(
  permission: ResourcePermission<typeof RESOURCE_TYPE_JIRA_SYNC_ISSUE>,
  conditions: PermissionCriteria<JiraSyncIssueCondition>,
): ConditionalPolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'jira-sync',
    resourceType: permission.resourceType,
    conditions,
  };
}
