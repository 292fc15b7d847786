import { parseJiraTime } from '../jira/time';

/**
 * The shape of a Jira webhook body as far as the processor reads it. A signed delivery with other
 * types (an object for `webhookEvent`, a boolean for `fields.updated`) is refused with a 400 that
 * names the field, before the processor sees it.
 */
export interface WebhookPayload {
  webhookEvent?: string;
  timestamp?: number;
  issue?: { id?: string | number; key?: string; fields?: { updated?: string | number; [field: string]: unknown } };
  [key: string]: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v;
}

/** The payload, typed, or the problem (`"issue.fields.updated" must be a string; got a number`). */
export function checkWebhookPayload(payload: unknown): { payload: WebhookPayload } | { problem: string } {
  const wrong = (field: string, expected: string, value: unknown) => ({ problem: `"${field}" must be ${expected}; got ${describe(value)}` });
  if (!isObject(payload)) return wrong('(body)', 'a JSON object', payload);
  const { webhookEvent, timestamp, issue } = payload;
  if (webhookEvent !== undefined && (typeof webhookEvent !== 'string' || webhookEvent.length > 64)) {
    return wrong('webhookEvent', 'a string of at most 64 characters', webhookEvent);
  }
  if (timestamp !== undefined && !Number.isFinite(timestamp)) return wrong('timestamp', 'a number (epoch milliseconds)', timestamp);
  if (issue !== undefined) {
    if (!isObject(issue)) return wrong('issue', 'an object', issue);
    const { id, key, fields } = issue;
    if (id !== undefined && !(typeof id === 'string' && /^\d{1,19}$/.test(id)) && !Number.isSafeInteger(id)) {
      return wrong('issue.id', 'a numeric Jira issue id', id);
    }
    if (key !== undefined && (typeof key !== 'string' || key.length > 255)) return wrong('issue.key', 'a string', key);
    if (fields !== undefined) {
      if (!isObject(fields)) return wrong('issue.fields', 'an object', fields);
      const { updated } = fields;
      if (updated !== undefined && updated !== null && typeof updated !== 'string' && typeof updated !== 'number') {
        return wrong('issue.fields.updated', 'a Jira timestamp or epoch milliseconds', updated);
      }
      if (updated !== undefined && updated !== null) {
        try {
          parseJiraTime(updated);
        } catch {
          return { problem: '"issue.fields.updated" must be a Jira timestamp such as 2026-01-01T10:00:00.000+0000, or epoch milliseconds' };
        }
      }
    }
  }
  return { payload: payload as WebhookPayload };
}
