import type { SearchView, SimStatus, SimUser } from './model';
import { zonedToEpoch } from './time';

/**
 * A real JQL subset: tokenizer, recursive-descent parser, evaluator and ORDER BY. Dates are read
 * in the searching user's time zone; issue times are compared at minute precision, as Jira's
 * index keeps them.
 */

export class JqlError extends Error {}

type Token =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'punct'; text: '(' | ')' | ','; pos: number };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const start = i++;
      let text = '';
      while (i < jql.length && jql[i] !== c) {
        if (jql[i] === '\\' && i + 1 < jql.length) i++;
        text += jql[i++];
      }
      if (i >= jql.length) throw new JqlError(`The quoted string starting at character ${start + 1} has not been completed.`);
      i++;
      tokens.push({ kind: 'string', text, pos: start });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, pos: i++ });
    } else if ('=!<>~'.includes(c)) {
      const two = jql.slice(i, i + 2);
      const text = ['!=', '>=', '<=', '!~'].includes(two) ? two : c;
      if (text === '!') throw new JqlError(`Expecting operator but got '!' at character ${i + 1}.`);
      tokens.push({ kind: 'op', text, pos: i });
      i += text.length;
    } else {
      const start = i;
      while (i < jql.length && !/[\s()=,!<>~"']/.test(jql[i])) i++;
      tokens.push({ kind: 'word', text: jql.slice(start, i), pos: start });
    }
  }
  return tokens;
}

type Value =
  | { kind: 'literal'; text: string; quoted: boolean }
  | { kind: 'function'; name: string; args: string[] }
  | { kind: 'empty' };

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'clause'; field: string; op: string; values: Value[]; pos: number };

export interface OrderBy {
  field: string;
  direction: 'asc' | 'desc';
}

export interface Query {
  where?: Expr;
  orderBy: OrderBy[];
}

const FIELDS: Record<string, string> = {
  project: 'project', key: 'key', issuekey: 'key', id: 'id', updated: 'updated', updateddate: 'updated',
  created: 'created', createddate: 'created', resolved: 'resolved', resolutiondate: 'resolved',
  issuetype: 'issuetype', type: 'issuetype', status: 'status', statuscategory: 'statusCategory',
  labels: 'labels', label: 'labels', component: 'component', assignee: 'assignee', reporter: 'reporter',
  parent: 'parent', priority: 'priority', summary: 'summary', text: 'summary',
};
const ORDERABLE = new Set(['updated', 'created', 'key', 'id', 'priority', 'status', 'project', 'resolved', 'issuetype']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek() {
    return this.tokens[this.i];
  }
  private isWord(text: string, offset = 0) {
    const t = this.tokens[this.i + offset];
    return t?.kind === 'word' && t.text.toLowerCase() === text;
  }
  private where(t: Token | undefined) {
    return t ? `'${t.text}' at character ${t.pos + 1}` : 'the end of the query';
  }

  parse(): Query {
    let where: Expr | undefined;
    if (this.peek() && !(this.isWord('order') && this.isWord('by', 1))) where = this.or();
    const orderBy: OrderBy[] = [];
    if (this.isWord('order') && this.isWord('by', 1)) {
      this.i += 2;
      do {
        const t = this.peek();
        if (t?.kind !== 'word' && t?.kind !== 'string') throw new JqlError(`Expecting a field name in ORDER BY but got ${this.where(t)}.`);
        this.i++;
        const field = FIELDS[t.text.toLowerCase()];
        if (!field) throw new JqlError(`Field '${t.text}' does not exist or you do not have permission to view it.`);
        if (!ORDERABLE.has(field)) throw new JqlError(`Field '${t.text}' does not support sorting.`);
        let direction: OrderBy['direction'] = 'asc';
        if (this.isWord('asc') || this.isWord('desc')) direction = (this.tokens[this.i++].text.toLowerCase() as OrderBy['direction']);
        orderBy.push({ field, direction });
      } while (this.peek()?.text === ',' && ++this.i);
      if (orderBy.length > 7) throw new JqlError('The ORDER BY clause can have at most 7 fields.');
    }
    if (this.peek()) throw new JqlError(`Expecting either 'OR' or 'AND' but got ${this.where(this.peek())}.`);
    return { where, orderBy };
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.isWord('not')) {
      this.i++;
      return { kind: 'not', expr: this.not() };
    }
    if (this.peek()?.text === '(' && this.peek()?.kind === 'punct') {
      this.i++;
      const inner = this.or();
      if (this.peek()?.text !== ')') throw new JqlError(`Expecting ')' but got ${this.where(this.peek())}.`);
      this.i++;
      return inner;
    }
    return this.clause();
  }

  private clause(): Expr {
    const t = this.peek();
    if (!t || (t.kind !== 'word' && t.kind !== 'string')) throw new JqlError(`Expecting a field name but got ${this.where(t)}.`);
    this.i++;
    const field = FIELDS[t.text.toLowerCase()];
    if (!field) throw new JqlError(`Field '${t.text}' does not exist or you do not have permission to view it.`);
    let op: string;
    const o = this.peek();
    if (o?.kind === 'op') {
      op = o.text;
      this.i++;
    } else if (this.isWord('in')) {
      op = 'in';
      this.i++;
    } else if (this.isWord('not') && this.isWord('in', 1)) {
      op = 'not in';
      this.i += 2;
    } else if (this.isWord('is') && this.isWord('not', 1)) {
      op = 'is not';
      this.i += 2;
    } else if (this.isWord('is')) {
      op = 'is';
      this.i++;
    } else {
      throw new JqlError(`Expecting operator but got ${this.where(o)}. Valid operators for field '${t.text}' are '=', '!=', 'in', 'not in', 'is', 'is not', '<', '<=', '>', '>='.`);
    }
    const values = op === 'in' || op === 'not in' ? this.list() : [this.value()];
    return { kind: 'clause', field, op, values, pos: t.pos };
  }

  private list(): Value[] {
    if (this.peek()?.text !== '(') throw new JqlError(`Expecting '(' but got ${this.where(this.peek())}.`);
    this.i++;
    const values: Value[] = [];
    while (this.peek() && this.peek()!.text !== ')') {
      values.push(this.value());
      if (this.peek()?.text === ',') this.i++;
      else if (this.peek()?.text !== ')') throw new JqlError(`Expecting ',' or ')' but got ${this.where(this.peek())}.`);
    }
    if (!this.peek()) throw new JqlError("Expecting ')' but got the end of the query.");
    this.i++;
    return values;
  }

  private value(): Value {
    const t = this.peek();
    if (!t || t.kind === 'punct' || t.kind === 'op') throw new JqlError(`Expecting a value but got ${this.where(t)}.`);
    this.i++;
    if (t.kind === 'word' && (t.text.toLowerCase() === 'empty' || t.text.toLowerCase() === 'null')) return { kind: 'empty' };
    if (t.kind === 'word' && this.peek()?.text === '(' && this.peek()?.kind === 'punct') {
      this.i++;
      const args: string[] = [];
      while (this.peek() && this.peek()!.text !== ')') {
        const a = this.tokens[this.i++];
        if (a.text !== ',') args.push(a.text);
      }
      this.i++;
      return { kind: 'function', name: t.text.toLowerCase(), args };
    }
    return { kind: 'literal', text: t.text, quoted: t.kind === 'string' };
  }
}

export function parseJql(jql: string): Query {
  return new Parser(tokenize(jql)).parse();
}

export interface EvalContext {
  timeZone: string;
  nowMs: number;
  currentUser: SimUser;
  /** Resolves an issue key (also a moved issue's old key) to its id. */
  resolveKey(key: string): number | undefined;
  keyOfId(id: number): string | undefined;
}

const MINUTE = 60_000;
const RELATIVE = /^([+-]?)(\d+)([mhdw])$/i;
const UNITS: Record<string, number> = { m: MINUTE, h: 60 * MINUTE, d: 1440 * MINUTE, w: 10080 * MINUTE };

/** A JQL date literal as an instant: quoted dates in the user's zone, numbers as epoch ms, relative dates from now. */
function dateValue(value: Value, ctx: EvalContext, field: string): number {
  if (value.kind === 'function') {
    if (value.name === 'now') return ctx.nowMs;
    if (value.name === 'startofday') {
      const d = new Date(ctx.nowMs);
      return zonedToEpoch(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, 0, ctx.timeZone);
    }
    throw new JqlError(`Unable to find JQL function '${value.name}()'.`);
  }
  if (value.kind !== 'literal') throw new JqlError(`The field '${field}' cannot be compared with EMPTY using that operator.`);
  const text = value.text.trim();
  if (!value.quoted && /^\d+$/.test(text)) return Number(text);
  const relative = RELATIVE.exec(text);
  if (relative) return ctx.nowMs + (relative[1] === '-' ? -1 : 1) * Number(relative[2]) * UNITS[relative[3].toLowerCase()];
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text);
  if (!m) {
    throw new JqlError(
      `Date value '${text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  }
  return zonedToEpoch(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), ctx.timeZone);
}

function compareKeys(a: string, b: string): number {
  const [pa, na] = a.toUpperCase().split('-');
  const [pb, nb] = b.toUpperCase().split('-');
  return pa === pb ? Number(na) - Number(nb) : pa < pb ? -1 : 1;
}

function literals(values: Value[], ctx: EvalContext): Array<string | null> {
  return values.map(v => {
    if (v.kind === 'empty') return null;
    if (v.kind === 'function') {
      if (v.name === 'currentuser') return ctx.currentUser.accountId;
      throw new JqlError(`Unable to find JQL function '${v.name}()'.`);
    }
    return v.text;
  });
}

function fieldStrings(view: SearchView, field: string, ctx: EvalContext): string[] {
  const v = view.values;
  switch (field) {
    case 'project':
      return [view.projectKey];
    case 'issuetype':
      return [(v.issuetype as { name: string }).name];
    case 'status':
      return [(v.status as SimStatus).name, (v.status as SimStatus).id];
    case 'statusCategory': {
      const category = (v.status as SimStatus).category;
      return [category, { new: 'To Do', indeterminate: 'In Progress', done: 'Done' }[category]];
    }
    case 'labels':
      return (v.labels as string[]) ?? [];
    case 'component':
      return ((v.components as Array<{ name: string }>) ?? []).map(c => c.name);
    case 'assignee':
    case 'reporter': {
      const user = v[field] as SimUser | null;
      return user ? [user.accountId, user.displayName, user.emailAddress] : [];
    }
    case 'priority':
      return v.priority ? [(v.priority as { name: string }).name] : [];
    case 'parent': {
      const key = v.parent ? ctx.keyOfId(v.parent as number) : undefined;
      return v.parent ? [String(v.parent), ...(key ? [key] : [])] : [];
    }
    case 'summary':
      return [String(v.summary ?? '')];
    default:
      return [];
  }
}

function evaluateClause(view: SearchView, clause: Extract<Expr, { kind: 'clause' }>, ctx: EvalContext): boolean {
  const { field, op, values } = clause;
  if (field === 'updated' || field === 'created' || field === 'resolved') {
    const raw = field === 'updated' ? view.updatedMs : field === 'created' ? view.createdMs : (view.values.resolutiondate as { instantMs: number } | null)?.instantMs;
    if (op === 'is' || op === 'is not') return (raw === undefined || raw === null) === (op === 'is');
    if (raw === undefined || raw === null) return false;
    const at = Math.floor(raw / MINUTE) * MINUTE; // Jira's index keeps minutes.
    const bounds = values.map(v => dateValue(v, ctx, field));
    switch (op) {
      case '=': return at === bounds[0];
      case '!=': return at !== bounds[0];
      case '>': return at > bounds[0];
      case '>=': return at >= bounds[0];
      case '<': return at < bounds[0];
      case '<=': return at <= bounds[0];
      case 'in': return bounds.includes(at);
      case 'not in': return !bounds.includes(at);
      default: throw new JqlError(`The operator '${op}' is not supported by the '${field}' field.`);
    }
  }
  if (field === 'id' || field === 'key') {
    const wanted = literals(values, ctx);
    const ids = wanted.map(w => (w === null ? undefined : field === 'id' || /^\d+$/.test(w) ? Number(w) : ctx.resolveKey(w)));
    if (op === '=' || op === 'in') return ids.includes(view.id);
    if (op === '!=' || op === 'not in') return !ids.includes(view.id);
    const other = wanted[0];
    if (other === null) throw new JqlError(`The operator '${op}' is not supported by the '${field}' field with EMPTY.`);
    const cmp = field === 'id' ? view.id - Number(other) : compareKeys(view.key, other);
    if (field === 'key' && view.key.split('-')[0] !== other.toUpperCase().split('-')[0]) return false;
    return op === '>' ? cmp > 0 : op === '>=' ? cmp >= 0 : op === '<' ? cmp < 0 : op === '<=' ? cmp <= 0 : false;
  }
  const actual = fieldStrings(view, field, ctx).map(s => s.toLowerCase());
  const wanted = literals(values, ctx).map(w => (w === null ? null : w.toLowerCase()));
  if (field === 'summary') {
    if (op !== '~' && op !== '!~') throw new JqlError(`The operator '${op}' is not supported by the '${clause.field}' field.`);
    const hit = actual[0].includes(wanted[0] ?? '');
    return op === '~' ? hit : !hit;
  }
  const empty = actual.length === 0;
  switch (op) {
    case 'is': return wanted[0] === null ? empty : false;
    case 'is not': return wanted[0] === null ? !empty : true;
    case '=': return wanted[0] === null ? empty : actual.includes(wanted[0]);
    case '!=': return wanted[0] === null ? !empty : !actual.includes(wanted[0]) && !empty;
    case 'in': return wanted.some(w => (w === null ? empty : actual.includes(w)));
    case 'not in': return !empty && !wanted.some(w => w !== null && actual.includes(w));
    default: throw new JqlError(`The operator '${op}' is not supported by the '${field}' field.`);
  }
}

export function evaluate(expr: Expr | undefined, view: SearchView, ctx: EvalContext): boolean {
  if (!expr) return true;
  switch (expr.kind) {
    case 'and': return evaluate(expr.left, view, ctx) && evaluate(expr.right, view, ctx);
    case 'or': return evaluate(expr.left, view, ctx) || evaluate(expr.right, view, ctx);
    case 'not': return !evaluate(expr.expr, view, ctx);
    default: return evaluateClause(view, expr, ctx);
  }
}

/** Checks every date literal and function once, so a bad query fails even when nothing matches. */
export function validate(query: Query, ctx: EvalContext) {
  const walk = (expr: Expr | undefined): void => {
    if (!expr) return;
    if (expr.kind === 'and' || expr.kind === 'or') {
      walk(expr.left);
      walk(expr.right);
      return;
    }
    if (expr.kind === 'not') return walk(expr.expr);
    if (expr.kind !== 'clause') return;
    if (['updated', 'created', 'resolved'].includes(expr.field) && expr.op !== 'is' && expr.op !== 'is not') expr.values.forEach(v => dateValue(v, ctx, expr.field));
    else literals(expr.values, ctx);
  };
  walk(query.where);
}

const PRIORITY_RANK: Record<string, number> = { Highest: 1, High: 2, Medium: 3, Low: 4 };

function sortValue(view: SearchView, field: string): number | string {
  switch (field) {
    case 'updated': return view.updatedMs;
    case 'created': return view.createdMs;
    case 'id': return view.id;
    case 'resolved': return (view.values.resolutiondate as { instantMs: number } | null)?.instantMs ?? Number.MAX_SAFE_INTEGER;
    case 'priority': return PRIORITY_RANK[(view.values.priority as { name: string } | null)?.name ?? ''] ?? 9;
    case 'status': return (view.values.status as SimStatus).name;
    case 'issuetype': return (view.values.issuetype as { name: string }).name;
    case 'project': return view.projectKey;
    default: return '';
  }
}

/** Compares two issues by ORDER BY, then by id, so the order is total and stable. */
export function compareBy(orderBy: OrderBy[]) {
  return (a: SearchView, b: SearchView): number => {
    for (const { field, direction } of orderBy) {
      const d = field === 'key' ? compareKeys(a.key, b.key) : compareValues(sortValue(a, field), sortValue(b, field));
      if (d !== 0) return direction === 'asc' ? d : -d;
    }
    return a.id - b.id;
  };
}

function compareValues(a: number | string, b: number | string): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The values a keyset token remembers: where the previous page ended. */
export function sortKey(view: SearchView, orderBy: OrderBy[]): Array<number | string> {
  return [...orderBy.map(o => (o.field === 'key' ? view.key : sortValue(view, o.field))), view.id];
}
