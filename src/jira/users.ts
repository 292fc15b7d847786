import type { JiraUserRef } from './types';

/**
 * The one id a Jira user is stored under, everywhere (assignee, reporter, user custom fields,
 * history authors): Cloud's `accountId`, else Data Center's `key`. A DC `name` changes when the
 * user is renamed, so it is only the last resort (very old payloads without a key).
 */
export function jiraUserId(user: JiraUserRef | Record<string, unknown> | null | undefined): string | null {
  if (!user) return null;
  const u = user as Record<string, unknown>;
  const id = [u.accountId, u.key, u.name].find(v => typeof v === 'string' && v !== '');
  return (id as string | undefined) ?? null;
}
