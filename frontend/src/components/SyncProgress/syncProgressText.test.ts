import { describe, expect, it } from '@jest/globals';
import { formatTimeLeft, syncProgressText } from './syncProgressText';

const progress = { runId: 'r1', startedAt: '2026-12-01T10:00:00Z', issuesRead: 12400, issuesExpected: 50000, ratePerSecond: 155, etaSeconds: 240 };

describe('syncProgressText', () => {
  it("says how far a first sync got, of Jira's approximate count, and how long it has left", () => {
    expect(syncProgressText(progress, true)).toBe('First sync in progress — 12,400 of ~50,000 issues, about 4 minutes left');
    expect(syncProgressText(progress, false)).toBe('Sync in progress — 12,400 of ~50,000 issues, about 4 minutes left');
  });

  it('leaves out what the backend does not know yet', () => {
    expect(syncProgressText({ ...progress, issuesExpected: null, etaSeconds: null }, true)).toBe('First sync in progress — 12,400 issues read');
    expect(syncProgressText({ ...progress, etaSeconds: null }, true)).toBe('First sync in progress — 12,400 of ~50,000 issues');
  });

  it('rounds the time left to what a person reads', () => {
    expect(formatTimeLeft(12)).toBe('less than a minute left');
    expect(formatTimeLeft(60)).toBe('about 1 minute left');
    expect(formatTimeLeft(89 * 60)).toBe('about 89 minutes left');
    expect(formatTimeLeft(3 * 3600 + 600)).toBe('about 3 hours left');
    expect(formatTimeLeft(90 * 60)).toBe('about 2 hours left');
  });
});
