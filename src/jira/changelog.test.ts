import { orderHistories, planIssue } from './changelog';
import type { RawIssue } from './search';
import type { JiraHistory } from './types';

const history = (id: number, minute: number): JiraHistory => ({
  id: String(id),
  created: `2024-01-01T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000+0000`,
  items: [],
});

/** A searched issue whose changelog embeds the newest `embedded` of `total` histories (newest first, as Cloud does). */
function searched(total: number, embedded: number): RawIssue {
  const all = Array.from({ length: total }, (_, i) => history(100 + i, i));
  return {
    id: '10001',
    key: 'A-1',
    fields: {},
    changelog: { startAt: 0, maxResults: embedded, total, histories: all.slice(total - embedded).reverse() },
  };
}

const cloud = { deployment: 'cloud' as const, perIssueMaxPages: 2 };

describe('orderHistories', () => {
  it('sorts oldest first (ties by numeric id) and drops repeated ids', () => {
    const a = history(9, 5);
    const b = history(10, 5);
    const c = history(2, 1);
    expect(orderHistories([b, a, c, { ...a }]).map(h => h.id)).toEqual(['2', '9', '10']);
  });

  it('orders histories whose created is epoch milliseconds (changelog/bulkfetch) by that time, mixed with timestamps', () => {
    // An imported history: a higher id, an older time.
    const imported: JiraHistory = { id: '30', created: Date.parse('2023-06-01T00:00:00Z'), items: [] };
    const later: JiraHistory = { id: '20', created: Date.parse('2024-01-01T02:00:00Z'), items: [] };
    expect(orderHistories([history(11, 60), later, imported]).map(h => h.id)).toEqual(['30', '11', '20']);
  });

  it('orders by id alone when a time cannot be read, never placing that history at a made-up time 0', () => {
    const unreadable: JiraHistory = { id: '12', created: 'not a time', items: [] };
    expect(orderHistories([history(13, 1), unreadable, history(11, 5)]).map(h => h.id)).toEqual(['11', '12', '13']);
  });
});

describe('planIssue', () => {
  it('trusts an embedded changelog only when it holds the whole total', () => {
    expect(planIssue(searched(12, 12), undefined, cloud).need).toEqual({ kind: 'none' });
    const complete = planIssue(searched(12, 12), undefined, cloud).issue;
    expect(complete.histories.map(h => h.id)).toEqual(Array.from({ length: 12 }, (_, i) => String(100 + i)));
    expect(complete.historyTotal).toBe(12);
    expect(planIssue(searched(41, 40), undefined, cloud).need).toEqual({ kind: 'bulk', dropFirst: 0 });
  });

  it('bulk-fetches every issue when nothing is embedded (Cloud) or asks the issue endpoint (Data Center)', () => {
    const bare: RawIssue = { id: '1', key: 'A-1', fields: {} };
    expect(planIssue(bare, undefined, cloud).need).toEqual({ kind: 'bulk', dropFirst: 0 });
    expect(planIssue(bare, undefined, { ...cloud, deployment: 'datacenter' }).need).toEqual({ kind: 'dc-issue' });
    expect(planIssue(searched(200, 100), undefined, { ...cloud, deployment: 'datacenter' }).need).toEqual({ kind: 'dc-issue' });
  });

  it('takes only the new histories from the embedded ones when they cover the gap', () => {
    const planned = planIssue(searched(500, 40), { historyCount: 470, lastHistoryId: String(100 + 469) }, cloud);
    expect(planned.need).toEqual({ kind: 'none' });
    expect(planned.issue.historiesFrom).toBe(470);
    expect(planned.issue.historyTotal).toBe(500);
    expect(planned.issue.histories.map(h => h.id)).toEqual(Array.from({ length: 30 }, (_, i) => String(100 + 470 + i)));
  });

  it('hands on only the new part of a complete embedded changelog when it continues the stored one', () => {
    const trimmed = planIssue(searched(12, 12), { historyCount: 10, lastHistoryId: '109' }, cloud).issue;
    expect(trimmed.histories.map(h => h.id)).toEqual(['110', '111']);
    expect(trimmed.historiesFrom).toBe(10);
    const whole = planIssue(searched(12, 12), { historyCount: 10, lastHistoryId: 'elsewhere' }, cloud).issue;
    expect(whole.histories).toHaveLength(12);
    expect(whole.historiesFrom).toBeUndefined();
  });

  it('does not trust the embedded tail when it does not continue the stored history', () => {
    const planned = planIssue(searched(500, 40), { historyCount: 470, lastHistoryId: 'somethingElse' }, cloud);
    expect(planned.need.kind).not.toBe('none');
  });

  it('pages from startAt for a few new histories of a long changelog, bulk otherwise', () => {
    expect(planIssue(searched(2000, 40), { historyCount: 1900 }, cloud).need).toEqual({ kind: 'page', startAt: 1900 });
    // Short known part: re-reading it in a bulk call costs less than its own call.
    expect(planIssue(searched(150, 40), { historyCount: 60 }, cloud).need).toEqual({ kind: 'bulk', dropFirst: 60 });
    // Stored more than Jira has (history removed): start over.
    expect(planIssue(searched(150, 40), { historyCount: 160 }, cloud).need).toEqual({ kind: 'bulk', dropFirst: 0 });
  });
});
