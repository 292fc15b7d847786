import { serializeDeadLetter, serializeRun } from './serialize';

const counters = {
  issuesRead: 0, issuesInserted: 0, issuesUpdated: 0, issuesUnchanged: 0, issuesDeleted: 0, issuesRestored: 0,
  historiesWritten: 0, deadLetters: 0, apiCalls: 0, apiRetries: 0, apiBytes: 0, rateLimitWaitMs: 0,
};

describe('errors served by the API', () => {
  it('a run error stored before credentials were refused in URLs is served redacted', () => {
    const run = serializeRun({
      runId: '1', syncId: 's', strategy: 'full', trigger: 'schedule', startedMs: 0, endedMs: 1, outcome: 'failed', details: null,
      error: 'fetch failed: GET http://admin:hunter2pass@jira.local/rest/api/2/search?access_token=tok-123 ECONNREFUSED',
      ...counters,
    });
    expect(run.error).toBe('fetch failed: GET http://***@jira.local/rest/api/2/search?access_token=*** ECONNREFUSED');
  });

  it('so is a dead letter error', () => {
    const letter = serializeDeadLetter({
      deadLetterId: '1', syncId: 's', instance: 'i', issueId: '1', issueKey: 'A-1', payload: {}, attempts: 1, firstFailedMs: 0, lastFailedMs: 0, resolvedMs: null,
      error: 'could not read https://bot:pw-123456@jira.local/x',
    });
    expect(letter.error).toBe('could not read https://***@jira.local/x');
  });
});
