import { formatJqlDate, instantsOfJqlDate, jqlDateAtOrBeforeIn, parseJiraTime, parseJiraTimestamp, readJiraTime, zoneOffsetMinutes } from './time';

describe('formatJqlDate', () => {
  const t = Date.UTC(2024, 0, 15, 10, 7, 59, 999); // 2024-01-15T10:07:59.999Z

  it.each([
    ['UTC', '2024/01/15 10:07'],
    ['Pacific/Kiritimati', '2024/01/16 00:07'], // +14
    ['Australia/Eucla', '2024/01/15 18:52'], // +8:45
    ['Pacific/Chatham', '2024/01/15 23:52'], // +13:45 (southern summer)
    ['America/St_Johns', '2024/01/15 06:37'], // -3:30
    ['Asia/Kolkata', '2024/01/15 15:37'], // +5:30
    ['America/Los_Angeles', '2024/01/15 02:07'],
  ])('renders the instant in %s, floored to the minute', (zone, expected) => {
    expect(formatJqlDate(t, zone)).toBe(expected);
  });

  it('never rounds up: 59.999 s stays in the same minute', () => {
    expect(formatJqlDate(Date.UTC(2024, 5, 1, 23, 59, 59, 999), 'UTC')).toBe('2024/06/01 23:59');
  });

  it('follows a DST switch (America/New_York, 2024-03-10)', () => {
    // 06:59Z is 01:59 EST; 07:00Z is 03:00 EDT: the local hour 02 does not exist.
    expect(formatJqlDate(Date.UTC(2024, 2, 10, 6, 59), 'America/New_York')).toBe('2024/03/10 01:59');
    expect(formatJqlDate(Date.UTC(2024, 2, 10, 7, 0), 'America/New_York')).toBe('2024/03/10 03:00');
    // Fall back: 01:30 happens twice; both instants render as 01:30 (the earlier bound is safe for >=).
    expect(formatJqlDate(Date.UTC(2024, 10, 3, 5, 30), 'America/New_York')).toBe('2024/11/03 01:30');
    expect(formatJqlDate(Date.UTC(2024, 10, 3, 6, 30), 'America/New_York')).toBe('2024/11/03 01:30');
  });

  it('renders midnight as 00, not 24', () => {
    expect(formatJqlDate(Date.UTC(2024, 0, 1, 0, 0), 'UTC')).toBe('2024/01/01 00:00');
  });

  it('refuses an unknown zone instead of falling back to UTC', () => {
    expect(() => formatJqlDate(t, 'Mars/Olympus')).toThrow(RangeError);
  });

  it('knows the offsets of unusual zones', () => {
    expect(zoneOffsetMinutes(t, 'Pacific/Kiritimati')).toBe(14 * 60);
    expect(zoneOffsetMinutes(t, 'Australia/Eucla')).toBe(8 * 60 + 45);
    expect(zoneOffsetMinutes(t, 'Pacific/Chatham')).toBe(13 * 60 + 45);
    expect(zoneOffsetMinutes(t, 'America/St_Johns')).toBe(-(3 * 60 + 30));
  });
});

describe('parseJiraTimestamp', () => {
  it('parses an offset without a colon', () => {
    expect(parseJiraTimestamp('2022-06-09T16:29:31.871-0700')).toBe(Date.UTC(2022, 5, 9, 23, 29, 31, 871));
  });
  it('parses Z and an offset with a colon', () => {
    expect(parseJiraTimestamp('2022-06-09T16:29:31.871Z')).toBe(Date.UTC(2022, 5, 9, 16, 29, 31, 871));
    expect(parseJiraTimestamp('2022-06-09T16:29:31.871+05:30')).toBe(Date.UTC(2022, 5, 9, 10, 59, 31, 871));
    expect(parseJiraTimestamp('2022-06-09T16:29:31+1345')).toBe(Date.UTC(2022, 5, 9, 2, 44, 31));
  });
  it('parses timestamps without milliseconds or with more digits', () => {
    expect(parseJiraTimestamp('2022-06-09T16:29-0330')).toBe(Date.UTC(2022, 5, 9, 19, 59));
    expect(parseJiraTimestamp('2022-06-09T16:29:31.123456+0000')).toBe(Date.UTC(2022, 5, 9, 16, 29, 31, 123));
  });
  it('round-trips through the day boundary', () => {
    expect(new Date(parseJiraTimestamp('2024-01-01T00:30:00.000+1400')).toISOString()).toBe('2023-12-31T10:30:00.000Z');
  });
  it.each(['2022-06-09T16:29:31.871', '2022-06-09', 'yesterday', '2022-13-01T00:00:00Z', '2022-02-30T00:00:00Z'])(
    'refuses %s',
    s => {
      expect(() => parseJiraTimestamp(s)).toThrow(RangeError);
    },
  );
});

describe('jqlDateAtOrBeforeIn', () => {
  it('is the floored local minute outside a DST fold', () => {
    expect(jqlDateAtOrBeforeIn(Date.UTC(2024, 0, 15, 10, 7, 30), 'America/St_Johns')).toBe('2024/01/15 06:37');
    expect(jqlDateAtOrBeforeIn(Date.UTC(2024, 0, 15, 10, 7, 30), 'Pacific/Kiritimati')).toBe('2024/01/16 00:07');
  });

  it('moves before a DST fold so no reading of the bound is later than the instant', () => {
    // 05:30Z = 01:30 EDT, and 01:30 also means 06:30Z (EST): Jira may read the later one.
    const instant = Date.UTC(2024, 10, 3, 5, 30);
    const bound = jqlDateAtOrBeforeIn(instant, 'America/New_York');
    expect(bound).toBe('2024/11/03 00:59');
    for (const t of instantsOfJqlDate(bound, 'America/New_York')) expect(t).toBeLessThanOrEqual(instant);
    // In the second pass through the fold both readings are at or before the instant.
    expect(jqlDateAtOrBeforeIn(Date.UTC(2024, 10, 3, 6, 30), 'America/New_York')).toBe('2024/11/03 01:30');
  });

  it('reads a local time in a DST gap as no instant and a fold as two', () => {
    expect(instantsOfJqlDate('2024/03/10 02:30', 'America/New_York')).toEqual([]);
    expect(instantsOfJqlDate('2024/11/03 01:30', 'America/New_York')).toEqual([
      Date.UTC(2024, 10, 3, 5, 30),
      Date.UTC(2024, 10, 3, 6, 30),
    ]);
    expect(instantsOfJqlDate('2024/04/07 03:00', 'Pacific/Chatham')).toHaveLength(2); // 03:45 +13:45 falls back to 02:45 +12:45
  });
});

describe('parseJiraTime', () => {
  it('reads a timestamp with an offset and epoch milliseconds as the same instant', () => {
    expect(parseJiraTime('1970-01-18T06:27:50.429+0000')).toBe(1492070429);
    expect(parseJiraTime(1492070429)).toBe(1492070429);
  });

  it('names the value it cannot read', () => {
    expect(() => parseJiraTime('2026-01-01 10:00', 'field "updated"')).toThrow(/^field "updated": not a Jira timestamp with an offset/);
    expect(() => parseJiraTime(Number.NaN, 'history 7: created')).toThrow('history 7: created is not a time: NaN');
    expect(() => parseJiraTime(undefined, 'history 7: created')).toThrow('history 7: created is not a Jira timestamp or epoch milliseconds');
    expect(() => parseJiraTime('yesterday')).toThrow(/^not a Jira timestamp with an offset: "yesterday"/);
  });
});

describe('readJiraTime', () => {
  it('is undefined for what cannot be read, never 0', () => {
    expect(readJiraTime('garbage')).toBeUndefined();
    expect(readJiraTime(null)).toBeUndefined();
    expect(readJiraTime(0)).toBe(0);
  });
});
