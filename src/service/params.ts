import { InputError } from '@backstage/errors';

/** Express's parsed query string (qs): strings, arrays of strings, or nested objects. */
export type Query = Record<string, unknown>;

/** Rejects parameters a route does not know, so a misspelt filter fails instead of being ignored. */
export function rejectUnknownParams(query: Query, known: readonly string[]): void {
  const unknown = Object.keys(query).filter(name => !known.includes(name));
  if (unknown.length) {
    throw new InputError(`unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  }
}

/** A parameter given at most once, as a plain string. */
export function stringParam(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InputError(`query parameter "${name}" must be given once, as a string`);
  return value;
}

/** A parameter that may be repeated or comma-separated; empty entries are dropped. */
export function listParam(query: Query, name: string): string[] | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  const parts = Array.isArray(value) ? value : [value];
  if (!parts.every(p => typeof p === 'string')) throw new InputError(`query parameter "${name}" must be a string`);
  const items = (parts as string[]).flatMap(p => p.split(',')).map(p => p.trim()).filter(Boolean);
  if (!items.length) throw new InputError(`query parameter "${name}" is empty`);
  return items;
}

export function enumParam<T extends string>(query: Query, name: string, values: readonly T[]): T | undefined;
export function enumParam<T extends string>(query: Query, name: string, values: readonly T[], fallback: T): T;
export function enumParam<T extends string>(query: Query, name: string, values: readonly T[], fallback?: T): T | undefined {
  const value = stringParam(query, name);
  if (value === undefined) return fallback;
  if (!values.includes(value as T)) {
    throw new InputError(`query parameter "${name}" must be one of ${values.join(', ')}; got "${value}"`);
  }
  return value as T;
}

/**
 * A whole number in [min, max]. With `cap`, values above max are lowered to max (page sizes);
 * without it they are rejected.
 */
export function integerParam(
  query: Query,
  name: string,
  options: { min: number; max: number; fallback: number; cap?: boolean },
): number {
  const value = stringParam(query, name);
  if (value === undefined) return options.fallback;
  if (!/^\d+$/.test(value)) throw new InputError(`query parameter "${name}" must be a whole number; got "${value}"`);
  const n = Number(value);
  if (n < options.min || (n > options.max && !options.cap)) {
    throw new InputError(`query parameter "${name}" must be between ${options.min} and ${options.max}; got ${value}`);
  }
  return Math.min(n, options.max);
}

export function booleanParam(query: Query, name: string, fallback: boolean): boolean {
  const value = stringParam(query, name);
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InputError(`query parameter "${name}" must be true or false; got "${value}"`);
}

/** An RFC 3339 date-time with an explicit offset, as epoch milliseconds. */
export function dateTimeParam(query: Query, name: string): number | undefined {
  const value = stringParam(query, name);
  if (value === undefined) return undefined;
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
  const ms = Date.parse(value);
  if (!rfc3339.test(value) || Number.isNaN(ms)) {
    throw new InputError(`query parameter "${name}" must be a date-time such as 2026-01-31T12:00:00Z; got "${value}"`);
  }
  return ms;
}

/** `alias:value` of a mapped custom field; the value may itself contain colons. */
export function customFieldParam(query: Query, name: string): { alias: string; value: string } | undefined {
  const value = stringParam(query, name);
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  if (colon <= 0) throw new InputError(`query parameter "${name}" must be alias:value; got "${value}"`);
  return { alias: value.slice(0, colon), value: value.slice(colon + 1) };
}
