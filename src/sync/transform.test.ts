import type { JiraIssue } from '../jira/types';
import { IssueTransformError, toIssueVersion } from './transform';

/** Data Center payload shapes: a user whose key and name differ, times as Jira may write them. */
const dcUser = (key: string, name: string, displayName: string) => ({ key, name, displayName, emailAddress: `${name}@example.com` });

function issue(overrides: { fields?: Record<string, unknown>; histories?: JiraIssue['histories'] } = {}): JiraIssue {
  const histories = overrides.histories ?? [];
  return {
    id: '10100',
    key: 'DC-1',
    fields: {
      project: { id: '10000', key: 'DC' },
      summary: 'legacy',
      created: '2026-01-05T09:00:00.000-0800',
      updated: '2026-01-06T09:00:00.000-0800',
      ...overrides.fields,
    },
    histories,
    historyTotal: histories.length,
  };
}

describe('toIssueVersion', () => {
  it('reads created, updated and resolutiondate written as epoch milliseconds', () => {
    const { issue: record } = toIssueVersion('dc', issue({ fields: { created: 1767632400000, updated: 1767718800000, resolutiondate: 1767718800500 } }), []);
    expect(record).toMatchObject({ createdMs: 1767632400000, updatedMs: 1767718800000, resolvedMs: 1767718800500 });
  });

  it('reads a history whose created is epoch milliseconds (changelog/bulkfetch) and keeps what Jira wrote', () => {
    const { histories } = toIssueVersion('dc', issue({ histories: [{ id: '501', created: 1767700000000, items: [] }] }), []);
    expect(histories[0]).toMatchObject({ historyId: '501', createdMs: 1767700000000, createdRaw: '1767700000000' });
  });

  it('refuses a history without a readable time, naming it: the issue goes to the dead letters, never stored at a made-up time', () => {
    const bad = issue({ histories: [{ id: '502', created: 'yesterday', items: [] }] });
    expect(() => toIssueVersion('dc', bad, [])).toThrow(IssueTransformError);
    expect(() => toIssueVersion('dc', bad, [])).toThrow(/history 502: created: not a Jira timestamp/);
    const missing = issue({ histories: [{ id: '503', items: [] } as unknown as JiraIssue['histories'][number]] });
    expect(() => toIssueVersion('dc', missing, [])).toThrow(/history 503: created is not a Jira timestamp or epoch milliseconds/);
  });

  it('names the field whose time cannot be read', () => {
    expect(() => toIssueVersion('dc', issue({ fields: { updated: '2026-01-06 09:00' } }), [])).toThrow(/field "updated": not a Jira timestamp/);
    expect(() => toIssueVersion('dc', issue({ fields: { created: undefined } }), [])).toThrow(/field "created" is missing/);
  });

  it('stores a Data Center user by the stable key everywhere: assignee, reporter, user custom fields, history authors', () => {
    const ann = dcUser('JIRAUSER10400', 'ann', 'Ann');
    const bob = dcUser('JIRAUSER10401', 'bob', 'Bob');
    const version = toIssueVersion(
      'dc',
      issue({
        fields: { assignee: ann, reporter: bob, customfield_10006: ann, customfield_10007: [ann, bob] },
        histories: [{ id: '504', author: bob, created: '2026-01-06T09:00:00.000-0800', items: [] }],
      }),
      [
        { alias: 'reviewer', fieldId: 'customfield_10006', type: 'user' },
        { alias: 'stakeholders', fieldId: 'customfield_10007', type: 'users' },
      ],
    );
    expect(version.issue).toMatchObject({ assigneeAccountId: 'JIRAUSER10400', reporterAccountId: 'JIRAUSER10401' });
    expect(version.issue.customFields).toEqual({
      reviewer: { accountId: 'JIRAUSER10400', displayName: 'Ann' },
      stakeholders: [
        { accountId: 'JIRAUSER10400', displayName: 'Ann' },
        { accountId: 'JIRAUSER10401', displayName: 'Bob' },
      ],
    });
    expect(version.histories[0].authorAccountId).toBe('JIRAUSER10401');
  });

  it('stores a Cloud user by accountId', () => {
    const { issue: record } = toIssueVersion('c', issue({ fields: { assignee: { accountId: '5b10ac8d82e05b22cc7d4000', displayName: 'Ann' } } }), []);
    expect(record.assigneeAccountId).toBe('5b10ac8d82e05b22cc7d4000');
  });
});
