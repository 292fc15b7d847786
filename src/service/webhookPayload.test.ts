import { checkWebhookPayload } from './webhookPayload';

describe('checkWebhookPayload', () => {
  it('accepts issue.fields.updated as a Jira timestamp or as epoch milliseconds (one time parser)', () => {
    for (const updated of ['2026-03-18T10:00:00.000+0000', 1773828000000]) {
      const checked = checkWebhookPayload({ webhookEvent: 'jira:issue_updated', issue: { id: '7001', fields: { updated } } });
      expect(checked).toEqual({ payload: expect.objectContaining({ issue: { id: '7001', fields: { updated } } }) });
    }
  });

  it('refuses an updated that is neither, naming the field', () => {
    expect(checkWebhookPayload({ issue: { id: '7001', fields: { updated: 'soon' } } })).toEqual({
      problem: '"issue.fields.updated" must be a Jira timestamp such as 2026-01-01T10:00:00.000+0000, or epoch milliseconds',
    });
    expect(checkWebhookPayload({ issue: { id: '7001', fields: { updated: [1] } } })).toEqual({
      problem: '"issue.fields.updated" must be a Jira timestamp or epoch milliseconds; got a list',
    });
  });
});
