/**
 * The field catalogue, pure: resolving spec mappings (display names) to this site's field ids, and
 * coercing raw Jira values by the declared type. No I/O here.
 */
import type { CustomFieldMapping, CustomFieldType } from '../spec/types';
import type { JiraField } from './types';
import { FieldCoercionError, FieldMappingError } from './errors';
import { parseJiraTime } from './time';
import { jiraUserId } from './users';
import { editDistance } from '../spec/editDistance';

export { FieldCoercionError, FieldMappingError } from './errors';

/** A spec mapping whose Jira field id is known. */
export interface ResolvedFieldMapping {
  alias: string;
  fieldId: string;
  type: CustomFieldType;
}

const SPRINT_CUSTOM = 'com.pyxis.greenhopper.jira:gh-sprint';

/** Declared type → `schema.type` values it can hold. Unlisted schema types (any, project…) are not judged. */
const COMPATIBLE: Record<Exclude<CustomFieldType, 'json'>, string[]> = {
  string: ['string', 'number', 'date', 'datetime'],
  number: ['number'],
  date: ['date', 'string'],
  datetime: ['datetime', 'string'],
  option: ['option', 'option-with-child', 'string'],
  options: ['array', 'option'],
  user: ['user'],
  users: ['array', 'user'],
  labels: ['array', 'string'],
  sprint: ['array'],
};
const JUDGED_SCHEMA_TYPES = new Set(['string', 'number', 'date', 'datetime', 'option', 'option-with-child', 'array', 'user']);
/** For arrays, the item types each declared type accepts. */
const COMPATIBLE_ITEMS: Partial<Record<CustomFieldType, string[]>> = {
  options: ['option', 'string', 'component', 'version'],
  users: ['user'],
  labels: ['string'],
  sprint: ['json'],
};

function describeField(field: JiraField): string {
  const type = field.schema?.custom ?? (field.schema?.items ? `${field.schema.type} of ${field.schema.items}` : field.schema?.type);
  return `"${field.name}" (${field.id}${type ? `, ${type}` : ''})`;
}

/** Why a declared type cannot hold this field's values, or undefined when it can (or we cannot tell). */
export function typeMismatch(type: CustomFieldType, field: JiraField): string | undefined {
  if (type === 'json') return undefined;
  const schema = field.schema ?? {};
  const isSprint = schema.custom === SPRINT_CUSTOM;
  if (type === 'sprint' && schema.custom && !isSprint) return `it is not a sprint field (${schema.custom})`;
  if (isSprint && type !== 'sprint') return `it is a sprint field; declare it as "sprint" (or "json")`;
  // Known by its custom type: Cloud lists objects (items "json"), Data Center and older Cloud legacy strings (items "string").
  if (isSprint) return undefined;
  if (!schema.type || !JUDGED_SCHEMA_TYPES.has(schema.type)) return undefined;
  if (!COMPATIBLE[type].includes(schema.type)) return `its values are ${schema.type}${schema.items ? ` of ${schema.items}` : ''}`;
  const items = COMPATIBLE_ITEMS[type];
  if (schema.type === 'array' && schema.items && items && !items.includes(schema.items)) {
    return `its values are arrays of ${schema.items}`;
  }
  if (schema.type === 'array' && !COMPATIBLE_ITEMS[type]) return `its values are arrays`;
  return undefined;
}

/** Up to three catalogue entries whose name or id is close to what was written. */
export function nearFields(wanted: string, fields: JiraField[]): JiraField[] {
  const w = wanted.toLowerCase().trim();
  const limit = Math.max(2, Math.floor(w.length / 4));
  return fields
    .map(field => {
      const name = field.name.toLowerCase();
      const distance = Math.min(editDistance(w, name), editDistance(w, field.id.toLowerCase()));
      const contains = w.length >= 4 && (name.includes(w) || w.includes(name)) ? limit : Infinity;
      return { field, score: Math.min(distance, contains) };
    })
    .filter(c => c.score <= limit)
    .sort((a, b) => a.score - b.score || a.field.name.localeCompare(b.field.name))
    .slice(0, 3)
    .map(c => c.field);
}

/**
 * Resolves each mapping to a field id of this site. A name that matches no field or several, an
 * unknown id, or a declared type that clearly cannot hold the field's values is an error that
 * names the candidates; every problem is reported at once.
 */
export function resolveFieldMappings(
  mappings: CustomFieldMapping[],
  fields: JiraField[],
  context?: string,
): ResolvedFieldMapping[] {
  const prefix = context ? `${context}: ` : '';
  const problems: string[] = [];
  const resolved: ResolvedFieldMapping[] = [];
  const byId = new Map(fields.map(f => [f.id, f]));

  for (const mapping of mappings) {
    const label = `custom field "${mapping.alias}"`;
    const suggest = (wanted: string) => {
      const near = nearFields(wanted, fields);
      return near.length ? `; did you mean ${near.map(describeField).join(' or ')}?` : '';
    };
    let field: JiraField | undefined;
    if (mapping.fieldId) {
      field = byId.get(mapping.fieldId);
      if (!field) problems.push(`${label}: no field with id "${mapping.fieldId}" on this Jira${suggest(mapping.fieldId)}`);
    } else if (mapping.fieldName) {
      const name = mapping.fieldName.trim();
      let matches = fields.filter(f => f.name === name);
      if (!matches.length) matches = fields.filter(f => f.name.toLowerCase() === name.toLowerCase());
      if (matches.length === 1) {
        field = matches[0];
      } else if (matches.length > 1) {
        problems.push(
          `${label}: the name "${name}" matches ${matches.length} fields: ${matches.map(describeField).join(', ')}; set fieldId to pick one`,
        );
      } else {
        problems.push(`${label}: no field named "${name}" on this Jira${suggest(name)}`);
      }
    } else {
      problems.push(`${label}: neither fieldId nor fieldName is set`);
    }
    if (!field) continue;
    const mismatch = typeMismatch(mapping.type, field);
    if (mismatch) {
      problems.push(`${label}: declared as ${mapping.type}, but ${describeField(field)} cannot be one: ${mismatch}`);
      continue;
    }
    resolved.push({ alias: mapping.alias, fieldId: field.id, type: mapping.type });
  }

  if (problems.length) {
    throw new FieldMappingError(`${prefix}${problems.join('\n')}`, problems);
  }
  return resolved;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};
const fail = (type: string, raw: unknown, why = ''): never => {
  throw new FieldCoercionError(`cannot read ${show(raw)} as ${type}${why ? ` (${why})` : ''}`);
};

function asString(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  return fail('string', raw);
}

function asNumber(raw: unknown): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return fail('number', raw);
}

function asDate(raw: unknown): string {
  if (typeof raw !== 'string') return fail('date', raw);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!m) return fail('date', raw, 'expected YYYY-MM-DD');
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) return fail('date', raw, 'no such day');
  return raw.trim();
}

function asDatetime(raw: unknown): string {
  if (typeof raw !== 'string' && typeof raw !== 'number') return fail('datetime', raw);
  try {
    return new Date(parseJiraTime(raw)).toISOString();
  } catch {
    return fail('datetime', raw, 'expected a timestamp with an offset or epoch milliseconds');
  }
}

function asOption(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (!isObj(raw)) return fail('option', raw);
  const value = [raw.value, raw.name].find((v): v is string => typeof v === 'string');
  if (value === undefined) return fail('option', raw, 'no value');
  if (raw.child !== undefined && raw.child !== null) return `${value} / ${asOption(raw.child)}`;
  return value;
}

function asUser(raw: unknown): { accountId: string; displayName: string | null } {
  if (!isObj(raw)) return fail('user', raw);
  const id = jiraUserId(raw);
  if (!id) return fail('user', raw, 'no accountId, key or name');
  return { accountId: id, displayName: typeof raw.displayName === 'string' ? raw.displayName : null };
}

const listOf = <T>(raw: unknown, one: (v: unknown) => T): T[] => (Array.isArray(raw) ? raw : [raw]).map(one);

export interface JiraSprint {
  id: number;
  name: string;
  state: string | null;
  startDate: string | null;
  endDate: string | null;
  completeDate: string | null;
  boardId: number | null;
  goal: string | null;
}

const LEGACY_SPRINT_KEYS = [
  'id', 'rapidViewId', 'state', 'name', 'goal', 'startDate', 'endDate', 'completeDate', 'activatedDate',
  'sequence', 'autoStartStop', 'synced', 'incompleteIssuesDestinationId',
];
const LEGACY_SPRINT = /^com\.atlassian\.greenhopper\.service\.sprint\.Sprint@[0-9a-f]+\[(.*)\]$/is;
const LEGACY_SPLIT = new RegExp(`,(?=(?:${LEGACY_SPRINT_KEYS.join('|')})=)`);

/** Data Center's legacy sprint string `com.atlassian.greenhopper.service.sprint.Sprint@1f[id=1,name=...]`. */
export function parseLegacySprint(s: string): Obj {
  const m = LEGACY_SPRINT.exec(s.trim());
  if (!m) return fail('sprint', s, 'not a sprint object or legacy sprint string');
  const out: Obj = {};
  for (const pair of m[1].split(LEGACY_SPLIT)) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const value = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = value === '<null>' ? null : value;
  }
  if (out.rapidViewId !== undefined && out.boardId === undefined) out.boardId = out.rapidViewId;
  return out;
}

function sprintDate(raw: unknown): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  return asDatetime(raw);
}

function optionalInt(raw: unknown): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  return asNumber(raw);
}

function asSprint(raw: unknown): JiraSprint {
  const s = typeof raw === 'string' ? parseLegacySprint(raw) : raw;
  if (!isObj(s)) return fail('sprint', raw);
  if (s.id === undefined || s.id === null || typeof s.name !== 'string') return fail('sprint', raw, 'no id or name');
  return {
    id: asNumber(s.id),
    name: s.name,
    state: typeof s.state === 'string' ? s.state.toLowerCase() : null,
    startDate: sprintDate(s.startDate),
    endDate: sprintDate(s.endDate),
    completeDate: sprintDate(s.completeDate),
    boardId: optionalInt(s.boardId),
    goal: typeof s.goal === 'string' && s.goal !== '' ? s.goal : null,
  };
}

function asLabels(raw: unknown): string[] {
  if (typeof raw === 'string') return raw.split(/\s+/).filter(Boolean);
  if (!Array.isArray(raw)) return fail('labels', raw);
  return raw.map(v => (typeof v === 'string' ? v : fail('labels', raw, 'a label is not a string')));
}

/**
 * A raw Jira value in the declared type. Null stays null. A value that does not fit throws a
 * `FieldCoercionError` (the engine dead-letters the issue rather than storing a wrong value).
 */
export function coerceFieldValue(raw: unknown, type: CustomFieldType): unknown {
  if (raw === null || raw === undefined) return null;
  try {
    switch (type) {
      case 'string':
        return asString(raw);
      case 'number':
        return asNumber(raw);
      case 'date':
        return asDate(raw);
      case 'datetime':
        return asDatetime(raw);
      case 'option':
        return asOption(raw);
      case 'options':
        return listOf(raw, asOption);
      case 'user':
        return asUser(raw);
      case 'users':
        return listOf(raw, asUser);
      case 'labels':
        return asLabels(raw);
      case 'sprint':
        return listOf(raw, asSprint);
      case 'json':
        return raw;
      default:
        throw new FieldCoercionError(`unknown field type "${type as string}"`);
    }
  } catch (e) {
    if (e instanceof FieldCoercionError) throw e;
    throw new FieldCoercionError(`cannot read ${show(raw)} as ${type}: ${(e as Error).message}`);
  }
}
