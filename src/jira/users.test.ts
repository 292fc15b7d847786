import { jiraUserId } from './users';

describe('jiraUserId', () => {
  it('is the accountId on Cloud, the stable key on Data Center, the name only when there is no key', () => {
    expect(jiraUserId({ accountId: 'abc', displayName: 'Ann' })).toBe('abc');
    expect(jiraUserId({ key: 'JIRAUSER10400', name: 'ann', displayName: 'Ann' })).toBe('JIRAUSER10400');
    expect(jiraUserId({ name: 'ann' })).toBe('ann');
    expect(jiraUserId({ accountId: '', key: 'JIRAUSER1' })).toBe('JIRAUSER1');
    expect(jiraUserId({ displayName: 'Nobody' })).toBeNull();
    expect(jiraUserId(null)).toBeNull();
  });
});
