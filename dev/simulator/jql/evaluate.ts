import { ISSUE_TYPES, PRIORITIES, STATUSES, STATUS_CATEGORIES, SYSTEM_FIELDS, customFieldById, projectId, type SimStatus, type SimUser } from '../data/catalog';
import type { SearchView } from '../data/store';
import { wallClock, zonedToEpoch } from '../data/time';
import { JqlError, parseJql, type Clause, type Expr, type ParsedQuery, type Value } from './parser';

/**
 * Resolves a parsed query against the site (fields, values, dates in the searching user's zone) and
 * evaluates it. Dates compare at minute precision, as Jira's index stores them: an edit at 10:30:45
 * matches `updated >= "… 10:30"` and `updated <= "… 10:30"` but not `updated > "… 10:30"`, so a
 * cursor that formats its watermark to the minute and asks for `>` loses the rest of that minute.
 */

export interface EvalContext {
  timeZone: string;
  nowMs: number;
  currentUser: SimUser;
  projectKeys: string[];
  /** Resolves an issue key (also a moved issue's old key) to its id. */
  resolveKey(key: string): number | undefined;
  keyOfId(id: number): string | undefined;
}

type Field = 'project' | 'key' | 'id' | 'updated' | 'created' | 'resolved' | 'issuetype' | 'status' | 'statusCategory' | 'labels' | 'component' | 'assignee' | 'reporter' | 'parent' | 'priority' | 'summary';

const FIELDS: Record<string, Field> = {
  project: 'project', key: 'key', issuekey: 'key', id: 'id', updated: 'updated', updateddate: 'updated',
  created: 'created', createddate: 'created', resolved: 'resolved', resolutiondate: 'resolved',
  issuetype: 'issuetype', type: 'issuetype', status: 'status', statuscategory: 'statusCategory',
  labels: 'labels', component: 'component', assignee: 'assignee', reporter: 'reporter',
  parent: 'parent', priority: 'priority', summary: 'summary', text: 'summary',
};
const SORTABLE = new Set<Field>(['updated', 'created', 'key', 'id', 'priority', 'status', 'project', 'resolved', 'issuetype', 'assignee']);
const OPERATORS: Record<string, string[]> = {
  date: ['=', '!=', '>', '>=', '<', '<=', 'in', 'not in', 'is', 'is not'],
  ordered: ['=', '!=', '>', '>=', '<', '<=', 'in', 'not in'],
  text: ['~', '!~', 'is', 'is not'],
  equality: ['=', '!=', 'in', 'not in', 'is', 'is not'],
};
const OPERATOR_KIND: Partial<Record<Field, keyof typeof OPERATORS>> = {
  updated: 'date', created: 'date', resolved: 'date', key: 'ordered', id: 'ordered', summary: 'text',
};
const operatorsOf = (field: Field) => OPERATORS[OPERATOR_KIND[field] ?? 'equality'];

export interface OrderBy {
  field: Field;
  direction: 'asc' | 'desc';
}

type Compiled =
  | { kind: 'and' | 'or'; left: Compiled; right: Compiled }
  | { kind: 'not'; expr: Compiled }
  | { kind: 'date'; field: 'updated' | 'created' | 'resolved'; op: string; bounds: Array<number | null> }
  | { kind: 'id'; op: string; ids: Array<number | undefined>; key?: { project: string; number: number } | undefined; numeric?: number }
  | { kind: 'match'; field: Field; op: string; wanted: Array<string | null> };

export interface Query {
  where?: Compiled;
  orderBy: OrderBy[];
  /** Whether the result depends on "now" (relative dates, now()), so it must not be cached across time. */
  usesNow: boolean;
}

const fieldError = (name: string) => new JqlError(`Field '${name}' does not exist or you do not have permission to view it.`);

function fieldOf(name: string): Field {
  const field = FIELDS[name.toLowerCase()];
  if (field) return field;
  const known = SYSTEM_FIELDS.some(f => f.clauseNames.some(c => c.toLowerCase() === name.toLowerCase())) ||
    [...customFieldById.values()].some(f => f.name.toLowerCase() === name.toLowerCase() || `cf[${f.schema.customId}]` === name.toLowerCase());
  if (known) throw new JqlError(`Field '${name}' is not supported by the Jira simulator's JQL subset.`);
  throw fieldError(name);
}

const MINUTE = 60_000;
const UNITS: Record<string, number> = { m: MINUTE, h: 60 * MINUTE, d: 1440 * MINUTE, w: 10080 * MINUTE };
const DATE_FORMATS = "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";

/** A relative period like `-5m`, `-2h`, `-1d`, `-1w`, `"-4w 2d"`: from now, in ms; undefined if not one. */
function relativePeriod(text: string): number | undefined {
  const m = /^([+-]?)\s*((?:\d+\s*[wdhm]\s*)+)$/i.exec(text);
  if (!m) return undefined;
  let ms = 0;
  for (const part of m[2].matchAll(/(\d+)\s*([wdhm])/gi)) ms += Number(part[1]) * UNITS[part[2].toLowerCase()];
  return m[1] === '-' ? -ms : ms;
}

/** A JQL date value as an instant: quoted dates in the user's zone at minute precision, numbers as epoch ms, periods from now. */
function dateValue(value: Value, ctx: EvalContext, name: string, note: () => void): number | null {
  if (value.kind === 'empty') return null;
  if (value.kind === 'function') {
    const fn = value.name.toLowerCase();
    const today = wallClock(ctx.nowMs, ctx.timeZone);
    note();
    if (fn === 'now') return ctx.nowMs;
    if (fn === 'startofday') return zonedToEpoch(today.year, today.month, today.day, 0, 0, ctx.timeZone);
    if (fn === 'endofday') return zonedToEpoch(today.year, today.month, today.day + 1, 0, 0, ctx.timeZone) - 1;
    throw new JqlError(`Unable to find JQL function '${value.name}(${value.args.join(', ')})'.`);
  }
  const text = value.text.trim();
  if (/^-?\d+$/.test(text)) return Number(text); // Epoch milliseconds, quoted or not.
  const period = relativePeriod(text);
  if (period !== undefined) {
    note();
    return ctx.nowMs + period;
  }
  const m = /^(\d{4})([/-])(\d{1,2})\2(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text);
  const invalid = () => new JqlError(`Date value '${text}' for field '${name}' is invalid. ${DATE_FORMATS}`);
  if (!m) throw invalid();
  const [year, month, day, hour, minute] = [m[1], m[3], m[4], m[5] ?? '0', m[6] ?? '0'].map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59) throw invalid();
  return zonedToEpoch(year, month, day, hour, minute, ctx.timeZone);
}

const KEY = /^([A-Z][A-Z0-9_]*)-(\d+)$/;

function compileClause(clause: Clause, ctx: EvalContext, note: () => void): Compiled {
  const field = fieldOf(clause.name);
  const { op, values, name } = { ...clause, name: clause.name };
  if (!operatorsOf(field).includes(op)) {
    throw new JqlError(`The operator '${op.toUpperCase()}' is not supported by the '${name}' field.`);
  }
  if ((op === 'is' || op === 'is not') && values[0].kind !== 'empty') {
    throw new JqlError(`The operator '${op.toUpperCase()}' can only be used with the value 'EMPTY' or 'NULL' for field '${name}'.`);
  }
  if (field === 'updated' || field === 'created' || field === 'resolved') {
    return { kind: 'date', field, op, bounds: values.map(v => dateValue(v, ctx, name, note)) };
  }
  const literal = (v: Value): string | null => {
    if (v.kind === 'empty') return null;
    if (v.kind === 'function') {
      if (v.name.toLowerCase() === 'currentuser' && (field === 'assignee' || field === 'reporter')) return ctx.currentUser.accountId;
      throw new JqlError(`Unable to find JQL function '${v.name}(${v.args.join(', ')})'.`);
    }
    return v.text;
  };
  const wanted = values.map(literal);
  if (field === 'id' || field === 'key') {
    const ids = wanted.map(w => {
      if (w === null) return undefined;
      if (/^\d+$/.test(w)) return Number(w);
      if (field === 'id' || !KEY.test(w.toUpperCase())) throw new JqlError(`The issue key '${w}' for field '${name}' is invalid.`);
      return ctx.resolveKey(w.toUpperCase());
    });
    if (op === '=' || op === '!=' || op === 'in' || op === 'not in') return { kind: 'id', op, ids };
    const w = wanted[0];
    if (w === null) throw new JqlError(`The operator '${op}' cannot be used with EMPTY for field '${name}'.`);
    if (field === 'id' || /^\d+$/.test(w)) return { kind: 'id', op, ids: [], numeric: Number(w) };
    const m = KEY.exec(w.toUpperCase())!;
    return { kind: 'id', op, ids: [], key: { project: m[1], number: Number(m[2]) } };
  }
  // Values Jira knows a closed list of: a wrong one is an error, not an empty result.
  const lists: Partial<Record<Field, string[]>> = {
    project: ctx.projectKeys.flatMap(k => [k, projectId(k)]),
    status: STATUSES.flatMap(s => [s.name, s.id]),
    issuetype: ISSUE_TYPES.flatMap(t => [t.name, t.id]),
    priority: PRIORITIES.flatMap(p => [p.name, p.id]),
    statusCategory: Object.values(STATUS_CATEGORIES).flatMap(c => [c.key, c.name, String(c.id)]),
  };
  const allowed = lists[field]?.map(s => s.toLowerCase());
  for (const w of wanted) {
    if (w !== null && allowed && !allowed.includes(w.toLowerCase())) throw new JqlError(`The value '${w}' does not exist for the field '${name}'.`);
  }
  return { kind: 'match', field, op, wanted: wanted.map(w => (w === null ? null : w.toLowerCase())) };
}

function compileExpr(expr: Expr, ctx: EvalContext, note: () => void): Compiled {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { kind: expr.kind, left: compileExpr(expr.left, ctx, note), right: compileExpr(expr.right, ctx, note) };
    case 'not':
      return { kind: 'not', expr: compileExpr(expr.expr, ctx, note) };
    default:
      return compileClause(expr, ctx, note);
  }
}

/** Parses and resolves JQL; throws JqlError (a 400) for syntax, unknown fields, bad values and bad dates. */
export function compileJql(jql: string, ctx: EvalContext): Query {
  const parsed: ParsedQuery = parseJql(jql);
  let usesNow = false;
  const where = parsed.where ? compileExpr(parsed.where, ctx, () => (usesNow = true)) : undefined;
  if (parsed.orderBy.length > 7) throw new JqlError('The ORDER BY clause can have at most 7 fields.');
  const orderBy = parsed.orderBy.map(term => {
    const field = fieldOf(term.name);
    if (!SORTABLE.has(field)) throw new JqlError(`Field '${term.name}' does not support sorting.`);
    return { field, direction: term.direction };
  });
  return { where, orderBy, usesNow };
}

function fieldStrings(view: SearchView, field: Field, ctx: EvalContext): string[] {
  const v = view.values;
  switch (field) {
    case 'project':
      return [view.projectKey, projectId(view.projectKey)];
    case 'issuetype':
      return [(v.issuetype as { name: string }).name, (v.issuetype as { id: string }).id];
    case 'status':
      return [(v.status as SimStatus).name, (v.status as SimStatus).id];
    case 'statusCategory': {
      const c = STATUS_CATEGORIES[(v.status as SimStatus).category];
      return [c.key, c.name, String(c.id)];
    }
    case 'labels':
      return (v.labels as string[]) ?? [];
    case 'component':
      return ((v.components as Array<{ name: string; id: string }>) ?? []).flatMap(c => [c.name, c.id]);
    case 'assignee':
    case 'reporter': {
      const user = v[field] as SimUser | null;
      return user ? [user.accountId, user.displayName, user.emailAddress, user.name] : [];
    }
    case 'priority':
      return v.priority ? [(v.priority as { name: string }).name, (v.priority as { id: string }).id] : [];
    case 'parent': {
      if (!v.parent) return [];
      const key = ctx.keyOfId(v.parent as number);
      return [String(v.parent), ...(key ? [key] : [])];
    }
    case 'summary':
      return v.summary ? [String(v.summary)] : [];
    default:
      return [];
  }
}

function dateOf(view: SearchView, field: 'updated' | 'created' | 'resolved'): number | null {
  if (field === 'updated') return view.updatedMs;
  if (field === 'created') return view.createdMs;
  return (view.values.resolutiondate as number | null) ?? null;
}

const minuteOf = (epochMs: number) => Math.floor(epochMs / MINUTE);

function compareNumbers(op: string, a: number, b: number): boolean {
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    default: return a <= b;
  }
}

function keyParts(key: string) {
  const dash = key.lastIndexOf('-');
  return { project: key.slice(0, dash), number: Number(key.slice(dash + 1)) };
}

export function evaluate(expr: Compiled | undefined, view: SearchView, ctx: EvalContext): boolean {
  if (!expr) return true;
  switch (expr.kind) {
    case 'and': return evaluate(expr.left, view, ctx) && evaluate(expr.right, view, ctx);
    case 'or': return evaluate(expr.left, view, ctx) || evaluate(expr.right, view, ctx);
    case 'not': return !evaluate(expr.expr, view, ctx);
    case 'date': {
      const exact = dateOf(view, expr.field);
      if (expr.op === 'is') return exact === null;
      if (expr.op === 'is not') return exact !== null;
      if (exact === null) return false;
      // Both sides at minute resolution: the index keeps no seconds, and literals (epoch ms too) lose theirs.
      const at = minuteOf(exact);
      const bounds = expr.bounds.map(b => (b === null ? null : minuteOf(b)));
      if (expr.op === 'in') return bounds.includes(at);
      if (expr.op === 'not in') return !bounds.includes(at);
      return bounds[0] !== null && compareNumbers(expr.op, at, bounds[0]);
    }
    case 'id': {
      if (expr.op === '=' || expr.op === 'in') return expr.ids.includes(view.id);
      if (expr.op === '!=' || expr.op === 'not in') return !expr.ids.includes(view.id);
      if (expr.numeric !== undefined) return compareNumbers(expr.op, view.id, expr.numeric);
      // Key ranges stay inside the key's project and compare issue numbers.
      const mine = keyParts(view.key);
      return mine.project === expr.key!.project && compareNumbers(expr.op, mine.number, expr.key!.number);
    }
    default: {
      const actual = fieldStrings(view, expr.field, ctx).map(s => s.toLowerCase());
      const empty = actual.length === 0;
      const has = (w: string | null) => (w === null ? empty : actual.includes(w));
      switch (expr.op) {
        case '~': return !empty && actual[0].includes(expr.wanted[0] ?? '');
        case '!~': return !empty && !actual[0].includes(expr.wanted[0] ?? '');
        case 'is': return empty;
        case 'is not': return !empty;
        case '=': return has(expr.wanted[0]);
        case '!=': return expr.wanted[0] === null ? !empty : !empty && !has(expr.wanted[0]);
        case 'in': return expr.wanted.some(has);
        default: return !empty && !expr.wanted.some(has);
      }
    }
  }
}

const PRIORITY_RANK: Record<string, number> = { '1': 1, '2': 2, '3': 3, '4': 4 };

/** The value an issue sorts by for one ORDER BY field (numbers compare numerically, strings lexically). */
export function sortValue(view: SearchView, field: Field): number | string {
  switch (field) {
    case 'updated': return view.updatedMs;
    case 'created': return view.createdMs;
    case 'id': return view.id;
    case 'key': return `${view.projectKey}\u0000${String(keyParts(view.key).number).padStart(12, '0')}`;
    case 'resolved': return (view.values.resolutiondate as number | null) ?? Number.MAX_SAFE_INTEGER;
    case 'priority': return PRIORITY_RANK[(view.values.priority as { id: string } | null)?.id ?? ''] ?? 9;
    case 'status': return (view.values.status as SimStatus).name;
    case 'issuetype': return (view.values.issuetype as { name: string }).name;
    case 'project': return view.projectKey;
    case 'assignee': return (view.values.assignee as SimUser | null)?.displayName ?? '\uffff';
    default: return '';
  }
}

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (String(a) === String(b)) return 0;
  return String(a) < String(b) ? -1 : 1;
}

/** The values a keyset token remembers: the ORDER BY values, then the id as the final tiebreak. */
export function sortKey(view: SearchView, orderBy: OrderBy[]): Array<number | string> {
  return [...orderBy.map(o => sortValue(view, o.field)), view.id];
}

/** Compares two sort keys under an ORDER BY; the id tiebreak is ascending. */
export function compareSortKeys(a: Array<number | string>, b: Array<number | string>, orderBy: OrderBy[]): number {
  for (let i = 0; i < orderBy.length; i++) {
    const d = compareValues(a[i], b[i]);
    if (d !== 0) return orderBy[i].direction === 'asc' ? d : -d;
  }
  return (a[orderBy.length] as number) - (b[orderBy.length] as number);
}
