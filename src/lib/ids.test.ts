import { compareIds } from './ids';

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
