import { InputError } from '@backstage/errors';

// The typed router (src/schema) has refused unknown, repeated, malformed and out-of-range
// parameters and filled defaults; these read what the document cannot express.

/** A repeated parameter whose values may also be comma-separated; empty entries are dropped. */
export function listParam(name: string, values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const items = values.flatMap(p => p.split(',')).map(p => p.trim()).filter(Boolean);
  if (!items.length) throw new InputError(`query parameter "${name}" is empty`);
  return items;
}

/** A page size above the maximum is lowered to it rather than refused. */
export function pageLimit(limit: number, max = 500): number {
  return Math.min(limit, max);
}

/** An RFC 3339 date-time with an explicit offset, as epoch milliseconds. */
export function dateTimeParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
  const ms = Date.parse(value);
  if (!rfc3339.test(value) || Number.isNaN(ms)) {
    throw new InputError(`query parameter "${name}" must be a date-time such as 2026-01-31T12:00:00Z; got "${value}"`);
  }
  return ms;
}

/** `alias:value` of a mapped custom field; the value may itself contain colons. */
export function customFieldParam(name: string, value: string | undefined): { alias: string; value: string } | undefined {
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  if (colon <= 0) throw new InputError(`query parameter "${name}" must be alias:value; got "${value}"`);
  return { alias: value.slice(0, colon), value: value.slice(colon + 1) };
}
