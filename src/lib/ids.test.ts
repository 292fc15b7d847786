import { IdSet, compareIds } from './ids';

describe('compareIds', () => {
  it('orders decimal ids numerically, beyond the precision of a double', () => {
    expect(['10', '9', '100', '2'].sort(compareIds)).toEqual(['2', '9', '10', '100']);
    expect(compareIds('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareIds('007', '7')).toBe(0);
    expect(compareIds('42', '42')).toBe(0);
  });

  it('falls back to text order for ids that are not decimal', () => {
    expect(compareIds('abc', 'abd')).toBeLessThan(0);
    expect(compareIds('10', 'x')).toBeLessThan(0);
  });
});

describe('IdSet', () => {
  it('holds decimal and other ids as the strings they were, each once', () => {
    const ids = new IdSet();
    for (const id of ['10001', '0', '10001', '007', '7', 'ABC-1', '9007199254740993', '12345678901234567890']) ids.add(id);
    expect(ids.size).toBe(7);
    expect([...ids].sort()).toEqual(['0', '007', '10001', '12345678901234567890', '7', '9007199254740993', 'ABC-1'].sort());
    expect(ids.has('10001')).toBe(true);
    expect(ids.has('007')).toBe(true);
    expect(ids.has('07')).toBe(false);
    expect(ids.has('9007199254740992')).toBe(false);
    expect(ids.has('10002')).toBe(false);
  });
});
