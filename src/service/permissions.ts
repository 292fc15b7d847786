import type {
  BackstageCredentials,
  HttpRouterServiceAuthPolicy,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, createPermission, type BasicPermission } from '@backstage/plugin-permission-common';

/** Reading synced issues, their changelogs and flow metrics. */
export const jiraSyncIssueReadPermission = createPermission({
  name: 'jira-sync.issue.read',
  attributes: { action: 'read' },
});

/** Reading sync status, runs and dead letters (operational data, separate from issue content). */
export const jiraSyncSyncReadPermission = createPermission({
  name: 'jira-sync.sync.read',
  attributes: { action: 'read' },
});

/** Starting a sync run now. */
export const jiraSyncRunTriggerPermission = createPermission({
  name: 'jira-sync.sync.trigger',
  attributes: { action: 'update' },
});

/** Fetching a dead-lettered issue again. */
export const jiraSyncDeadLetterRetryPermission = createPermission({
  name: 'jira-sync.dead-letter.retry',
  attributes: { action: 'update' },
});

/** Every permission of the plugin, for `permissionsRegistry.addPermissions(...)`. */
export const jiraSyncPermissions: BasicPermission[] = [
  jiraSyncIssueReadPermission,
  jiraSyncSyncReadPermission,
  jiraSyncRunTriggerPermission,
  jiraSyncDeadLetterRetryPermission,
];

export function registerPermissions(permissionsRegistry: Pick<PermissionsRegistryService, 'addPermissions'>) {
  permissionsRegistry.addPermissions(jiraSyncPermissions);
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
