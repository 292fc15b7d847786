/**
 * A real JQL subset: a tokenizer and a recursive-descent parser producing an AST. Syntax errors read
 * like Jira's ("Error in the JQL Query: ... (line 1, character N)"); field and value checks are in
 * evaluate.ts, as Jira reports those without the prefix.
 */

export class JqlError extends Error {
  /** Syntax errors carry Jira's "Error in the JQL Query:" prefix; validation errors do not. */
  constructor(message: string, readonly syntax = false) {
    super(syntax ? `Error in the JQL Query: ${message}` : message);
  }
}

export type Token =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'string'; text: string; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'punct'; text: '(' | ')' | ','; pos: number };

const at = (pos: number) => `(line 1, character ${pos + 1})`;
const syntax = (message: string, pos: number) => new JqlError(`${message} ${at(pos)}`, true);
const RESERVED_CHARS = /[\s()=,!<>~"']/;

export function tokenize(jql: string): Token[] {
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
      if (i >= jql.length) throw syntax(`The quoted string ${c}${text}${c} has not been completed.`, start);
      i++;
      tokens.push({ kind: 'string', text, pos: start });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, pos: i++ });
    } else if ('=!<>~'.includes(c)) {
      const two = jql.slice(i, i + 2);
      const text = ['!=', '>=', '<=', '!~'].includes(two) ? two : c;
      if (text === '!') throw syntax("Expecting operator but got '!'.", i);
      tokens.push({ kind: 'op', text, pos: i });
      i += text.length;
    } else {
      const start = i;
      while (i < jql.length && !RESERVED_CHARS.test(jql[i])) i++;
      tokens.push({ kind: 'word', text: jql.slice(start, i), pos: start });
    }
  }
  return tokens;
}

export type Value =
  | { kind: 'literal'; text: string; quoted: boolean; pos: number }
  | { kind: 'function'; name: string; args: string[]; pos: number }
  | { kind: 'empty'; pos: number };

export interface Clause {
  kind: 'clause';
  /** The field as written. */
  name: string;
  op: string;
  values: Value[];
  pos: number;
}

export type Expr = { kind: 'and' | 'or'; left: Expr; right: Expr } | { kind: 'not'; expr: Expr } | Clause;

export interface OrderByTerm {
  name: string;
  direction: 'asc' | 'desc';
  pos: number;
}

export interface ParsedQuery {
  where?: Expr;
  orderBy: OrderByTerm[];
}

const OPERATORS = "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'";
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'order', 'by', 'empty', 'null']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly length: number) {}

  private peek(offset = 0) {
    return this.tokens[this.i + offset];
  }
  private isWord(text: string, offset = 0) {
    const t = this.peek(offset);
    return t?.kind === 'word' && t.text.toLowerCase() === text;
  }
  private isPunct(text: string) {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === text;
  }
  private got(t: Token | undefined) {
    return t ? `'${t.text}'` : 'end of query';
  }
  private posOf(t: Token | undefined) {
    return t ? t.pos : this.length;
  }
  private isOrderBy() {
    return this.isWord('order') && this.isWord('by', 1);
  }

  parse(): ParsedQuery {
    let where: Expr | undefined;
    if (this.peek() && !this.isOrderBy()) where = this.or();
    const orderBy: OrderByTerm[] = [];
    if (this.isOrderBy()) {
      this.i += 2;
      do {
        const t = this.peek();
        if (t?.kind !== 'word' && t?.kind !== 'string') throw syntax(`Expecting a field name in the ORDER BY clause but got ${this.got(t)}.`, this.posOf(t));
        this.i++;
        let direction: OrderByTerm['direction'] = 'asc';
        if (this.isWord('asc') || this.isWord('desc')) direction = this.tokens[this.i++].text.toLowerCase() as OrderByTerm['direction'];
        orderBy.push({ name: t.text, direction, pos: t.pos });
      } while (this.isPunct(',') && ++this.i);
    }
    const rest = this.peek();
    if (rest) throw syntax(`Expecting either 'OR' or 'AND' but got ${this.got(rest)}.`, rest.pos);
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
    if (this.isWord('not') || (this.peek()?.kind === 'op' && this.peek()?.text === '!')) {
      this.i++;
      return { kind: 'not', expr: this.not() };
    }
    if (this.isPunct('(')) {
      this.i++;
      const inner = this.or();
      if (!this.isPunct(')')) throw syntax(`Expecting ')' but got ${this.got(this.peek())}.`, this.posOf(this.peek()));
      this.i++;
      return inner;
    }
    return this.clause();
  }

  private clause(): Clause {
    const t = this.peek();
    if (!t || (t.kind !== 'word' && t.kind !== 'string') || (t.kind === 'word' && KEYWORDS.has(t.text.toLowerCase()))) {
      throw syntax(`Expecting a field name but got ${this.got(t)}.`, this.posOf(t));
    }
    this.i++;
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
      throw syntax(`Expecting operator but got ${this.got(o)}. The valid operators are ${OPERATORS}.`, this.posOf(o));
    }
    const values = op === 'in' || op === 'not in' ? this.list() : [this.value()];
    return { kind: 'clause', name: t.text, op, values, pos: t.pos };
  }

  private list(): Value[] {
    if (!this.isPunct('(')) throw syntax(`Expecting '(' but got ${this.got(this.peek())}.`, this.posOf(this.peek()));
    this.i++;
    const values: Value[] = [];
    for (;;) {
      values.push(this.value());
      if (this.isPunct(',')) {
        this.i++;
        continue;
      }
      if (this.isPunct(')')) break;
      throw syntax(`Expecting ',' or ')' but got ${this.got(this.peek())}.`, this.posOf(this.peek()));
    }
    this.i++;
    return values;
  }

  private value(): Value {
    const t = this.peek();
    if (!t || t.kind === 'punct' || t.kind === 'op' || (t.kind === 'word' && ['and', 'or', 'order'].includes(t.text.toLowerCase()))) {
      throw syntax(`Expecting either a value, list or function but got ${this.got(t)}.`, this.posOf(t));
    }
    this.i++;
    if (t.kind === 'word' && (t.text.toLowerCase() === 'empty' || t.text.toLowerCase() === 'null')) return { kind: 'empty', pos: t.pos };
    if (t.kind === 'word' && this.isPunct('(')) {
      this.i++;
      const args: string[] = [];
      while (!this.isPunct(')')) {
        const a = this.peek();
        if (!a) throw syntax(`Expecting ')' but got end of query.`, this.length);
        this.i++;
        if (!(a.kind === 'punct' && a.text === ',')) args.push(a.text);
      }
      this.i++;
      return { kind: 'function', name: t.text, args, pos: t.pos };
    }
    return { kind: 'literal', text: t.text, quoted: t.kind === 'string', pos: t.pos };
  }
}

export function parseJql(jql: string): ParsedQuery {
  return new Parser(tokenize(jql), jql.length).parse();
}
