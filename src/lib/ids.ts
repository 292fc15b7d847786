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
