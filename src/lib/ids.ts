const DECIMAL = /^\d+$/;

/** Orders Jira ids (decimal strings that may exceed 2^53) numerically; anything else by text. */
export function compareIds(a: string, b: string): number {
  if (!DECIMAL.test(a) || !DECIMAL.test(b)) return a.localeCompare(b);
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

const CANONICAL_SAFE_INTEGER = /^(0|[1-9]\d{0,14})$/;

/**
 * A set of Jira ids that keeps canonical decimal ids (Jira's, below 10^15) as numbers and
 * anything else as text: a 200,000-id census in a fraction of the memory of a Set of strings.
 * `'007'` and `'7'` stay distinct, as they would in a Set of strings.
 */
export class IdSet {
  private readonly numbers = new Set<number>();
  private readonly texts = new Set<string>();

  add(id: string): this {
    if (CANONICAL_SAFE_INTEGER.test(id)) this.numbers.add(Number(id));
    else this.texts.add(id);
    return this;
  }

  has(id: string): boolean {
    return CANONICAL_SAFE_INTEGER.test(id) ? this.numbers.has(Number(id)) : this.texts.has(id);
  }

  get size(): number {
    return this.numbers.size + this.texts.size;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (const n of this.numbers) yield String(n);
    yield* this.texts;
  }
}
