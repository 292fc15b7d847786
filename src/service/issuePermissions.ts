import type { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionTransformer,
  createPermissionResourceRef,
  createPermissionRule,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  JIRA_SYNC_ISSUE_RULE_NAMES,
  RESOURCE_TYPE_JIRA_SYNC_ISSUE,
  jiraSyncIssueReadPermission,
} from '@jira-sync/backstage-plugin-jira-sync-common';
import { z } from 'zod';
import type { IssueAccessCriterion, IssueAccessScope, IssueListItem, IssueQueryStore } from '../store/types';

/** Synced issues as a permission resource: rules apply to listed issues and query as access criteria. */
export const jiraSyncIssueResourceRef = createPermissionResourceRef<IssueListItem, IssueAccessCriterion>().with({
  pluginId: 'jira-sync',
  resourceType: RESOURCE_TYPE_JIRA_SYNC_ISSUE,
});

const hasProjectKey = createPermissionRule({
  name: JIRA_SYNC_ISSUE_RULE_NAMES.hasProjectKey,
  description: 'Allow issues of the Jira project with this key (case-insensitive)',
  resourceRef: jiraSyncIssueResourceRef,
  paramsSchema: z.object({ projectKey: z.string().min(1).describe('Jira project key, e.g. PAY') }),
  apply: (issue, { projectKey }) => issue.projectKey.toUpperCase() === projectKey.toUpperCase(),
  toQuery: ({ projectKey }) => ({ field: 'projectKey', values: [projectKey.toUpperCase()] }),
});

const hasLabel = createPermissionRule({
  name: JIRA_SYNC_ISSUE_RULE_NAMES.hasLabel,
  description: 'Allow issues carrying this label (exact)',
  resourceRef: jiraSyncIssueResourceRef,
  paramsSchema: z.object({ label: z.string().min(1).describe('Jira label') }),
  apply: (issue, { label }) => issue.labels.includes(label),
  toQuery: ({ label }) => ({ field: 'label', values: [label] }),
});

const hasComponent = createPermissionRule({
  name: JIRA_SYNC_ISSUE_RULE_NAMES.hasComponent,
  description: 'Allow issues with a component of this name (exact)',
  resourceRef: jiraSyncIssueResourceRef,
  paramsSchema: z.object({ component: z.string().min(1).describe('Jira component name') }),
  apply: (issue, { component }) => issue.components.includes(component),
  toQuery: ({ component }) => ({ field: 'component', values: [component] }),
});

const hasIssueType = createPermissionRule({
  name: JIRA_SYNC_ISSUE_RULE_NAMES.hasIssueType,
  description: 'Allow issues of this issue type (exact name)',
  resourceRef: jiraSyncIssueResourceRef,
  paramsSchema: z.object({ issueType: z.string().min(1).describe('Jira issue type name, e.g. Bug') }),
  apply: (issue, { issueType }) => issue.issueType === issueType,
  toQuery: ({ issueType }) => ({ field: 'issueType', values: [issueType] }),
});

const isInInstance = createPermissionRule({
  name: JIRA_SYNC_ISSUE_RULE_NAMES.isInInstance,
  description: 'Allow issues synced from the configured Jira instance of this name',
  resourceRef: jiraSyncIssueResourceRef,
  paramsSchema: z.object({ instance: z.string().min(1).describe('jiraSync.instances[].name') }),
  apply: (issue, { instance }) => issue.instance === instance,
  toQuery: ({ instance }) => ({ field: 'instance', values: [instance] }),
});

/** The built-in rules of the jira-sync-issue resource type. */
export const jiraSyncIssueRules = { hasProjectKey, hasLabel, hasComponent, hasIssueType, isInInstance };

/** `<instance>/<numeric issue id or key>`, the resource ref of one synced issue. */
export const issueResourceRef = (issue: Pick<IssueListItem, 'instance' | 'issueId'>) => `${issue.instance}/${issue.issueId}`;

/** Loads issues by resource ref for the permission backend's batch checks; unknown or malformed refs are undefined. */
export function issueResourceLoader(queryStore: Pick<IssueQueryStore, 'getIssue'>) {
  return (refs: string[]): Promise<Array<IssueListItem | undefined>> =>
    Promise.all(
      refs.map(async ref => {
        const slash = ref.lastIndexOf('/');
        if (slash <= 0 || slash === ref.length - 1) return undefined;
        return queryStore.getIssue(ref.slice(0, slash), ref.slice(slash + 1));
      }),
    );
}

/** The ruleset of the built-in rules alone, for routers built without the permissions registry. */
export const builtInIssueRuleset: PermissionRuleset<IssueListItem, IssueAccessCriterion, typeof RESOURCE_TYPE_JIRA_SYNC_ISSUE> = {
  getRuleByName(name) {
    const rule = Object.values(jiraSyncIssueRules).find(r => r.name === name);
    if (!rule) throw new Error(`unknown jira-sync-issue permission rule "${name}"`);
    return rule as any;
  },
};

/**
 * Which issues the caller may read: undefined for all of them, an access scope for a conditional
 * decision; NotAllowedError (403) when denied.
 */
export async function issueReadScope(
  permissions: PermissionsService,
  ruleset: PermissionRuleset<IssueListItem, IssueAccessCriterion>,
  credentials: BackstageCredentials,
): Promise<IssueAccessScope | undefined> {
  const [decision] = await permissions.authorizeConditional([{ permission: jiraSyncIssueReadPermission }], { credentials });
  if (decision.result === AuthorizeResult.ALLOW) return undefined;
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    return createConditionTransformer(ruleset)(decision.conditions) as IssueAccessScope;
  }
  throw new NotAllowedError(`not allowed: ${jiraSyncIssueReadPermission.name}`);
}
