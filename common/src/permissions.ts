import { createPermission, type BasicPermission } from '@backstage/plugin-permission-common';

/** Reading synced issues, their changelogs and flow metrics. @public */
export const jiraSyncIssueReadPermission = createPermission({
  name: 'jira-sync.issue.read',
  attributes: { action: 'read' },
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
export const jiraSyncPermissions: BasicPermission[] = [
  jiraSyncIssueReadPermission,
  jiraSyncSyncReadPermission,
  jiraSyncRunTriggerPermission,
  jiraSyncDeadLetterRetryPermission,
];
