import type {
  BackstageCredentials,
  HttpRouterServiceAuthPolicy,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, type BasicPermission } from '@backstage/plugin-permission-common';
import { jiraSyncIssueReadPermission, jiraSyncPermissions } from '@jira-sync/backstage-plugin-jira-sync-common';
import type { IssueQueryStore } from '../store/types';
import { issueResourceLoader, jiraSyncIssueResourceRef, jiraSyncIssueRules } from './issuePermissions';

/** The permissions, and the jira-sync-issue resource type with its rules and loader for batch checks. */
export function registerPermissions(
  permissionsRegistry: Pick<PermissionsRegistryService, 'addPermissions' | 'addResourceType'>,
  queryStore: Pick<IssueQueryStore, 'getIssue'>,
) {
  permissionsRegistry.addPermissions(jiraSyncPermissions.filter(p => p !== jiraSyncIssueReadPermission));
  permissionsRegistry.addResourceType({
    resourceRef: jiraSyncIssueResourceRef,
    permissions: [jiraSyncIssueReadPermission],
    rules: Object.values(jiraSyncIssueRules),
    getResources: issueResourceLoader(queryStore),
  });
}

/** Routes that authenticate otherwise (the webhook by HMAC) or need no credentials at all. */
export const jiraSyncAuthPolicies: HttpRouterServiceAuthPolicy[] = [
  { path: '/health', allow: 'unauthenticated' },
  { path: '/webhook', allow: 'unauthenticated' },
  { path: '/openapi.json', allow: 'unauthenticated' },
];

/** Throws NotAllowedError (403) unless the permission framework allows `permission` for the caller. */
export async function requirePermission(
  permissions: PermissionsService,
  permission: BasicPermission,
  credentials: BackstageCredentials,
): Promise<void> {
  const [decision] = await permissions.authorize([{ permission }], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`not allowed: ${permission.name}`);
  }
}
