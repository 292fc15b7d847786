import { coerceFieldValue, FieldCoercionError, FieldMappingError, parseLegacySprint, resolveFieldMappings } from './fields';
import type { JiraField } from './types';

const catalogue: JiraField[] = [
  { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
  { id: 'labels', name: 'Labels', custom: false, schema: { type: 'array', items: 'string', system: 'labels' } },
  {
    id: 'customfield_10016',
    name: 'Story Points',
    custom: true,
    schema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float', customId: 10016 },
  },
  {
    id: 'customfield_10020',
    name: 'Sprint',
    custom: true,
    schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020 },
  },
  {
    id: 'customfield_10030',
    name: 'Team',
    custom: true,
    schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10030 },
  },
  {
    id: 'customfield_10031',
    name: 'Team',
    custom: true,
    schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', customId: 10031 },
  },
  {
    id: 'customfield_10040',
    name: 'Reviewers',
    custom: true,
    schema: { type: 'array', items: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiuserpicker' },
  },
  {
    id: 'customfield_10050',
    name: 'Due Window',
    custom: true,
    schema: { type: 'date', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker' },
  },
];

describe('resolveFieldMappings', () => {
  it('resolves display names (exact, then case-insensitive) and ids', () => {
    expect(
      resolveFieldMappings(
        [
          { alias: 'points', fieldName: 'Story Points', type: 'number' },
          { alias: 'sprints', fieldName: 'sprint', type: 'sprint' },
          { alias: 'team', fieldId: 'customfield_10030', type: 'option' },
          { alias: 'tags', fieldId: 'labels', type: 'labels' },
        ],
        catalogue,
      ),
    ).toEqual([
      { alias: 'points', fieldId: 'customfield_10016', type: 'number' },
      { alias: 'sprints', fieldId: 'customfield_10020', type: 'sprint' },
      { alias: 'team', fieldId: 'customfield_10030', type: 'option' },
      { alias: 'tags', fieldId: 'labels', type: 'labels' },
    ]);
  });

  it('refuses an ambiguous name and names every candidate', () => {
    expect(() => resolveFieldMappings([{ alias: 'team', fieldName: 'Team', type: 'option' }], catalogue, 'sync "platform"')).toThrow(
      /^sync "platform": custom field "team": the name "Team" matches 2 fields: "Team" \(customfield_10030, .*select\), "Team" \(customfield_10031, .*textfield\); set fieldId/,
    );
  });

  it('suggests near names for an unknown name or id', () => {
    expect(() => resolveFieldMappings([{ alias: 'p', fieldName: 'Story Pionts', type: 'number' }], catalogue)).toThrow(
      /no field named "Story Pionts" on this Jira; did you mean "Story Points" \(customfield_10016/,
    );
    expect(() => resolveFieldMappings([{ alias: 's', fieldId: 'customfield_1002', type: 'sprint' }], catalogue)).toThrow(
      /no field with id "customfield_1002".*did you mean "Sprint" \(customfield_10020/,
    );
    expect(() => resolveFieldMappings([{ alias: 'x', fieldName: 'Completely Different', type: 'json' }], catalogue)).toThrow(
      /no field named "Completely Different" on this Jira$/,
    );
  });

  it('refuses a declared type that clearly cannot hold the values', () => {
    const attempt = (type: Parameters<typeof resolveFieldMappings>[0][0]['type'], fieldId: string) => () =>
      resolveFieldMappings([{ alias: 'a', fieldId, type }], catalogue);
    expect(attempt('number', 'customfield_10030')).toThrow(/declared as number, but "Team" \(customfield_10030.*its values are option/);
    expect(attempt('sprint', 'customfield_10016')).toThrow(/not a sprint field/);
    expect(attempt('labels', 'customfield_10020')).toThrow(/it is a sprint field/);
    expect(attempt('user', 'customfield_10040')).toThrow(/its values are array of user/);
    expect(attempt('options', 'customfield_10040')).toThrow(/arrays of user/);
    expect(attempt('users', 'customfield_10040')).not.toThrow();
    expect(attempt('json', 'customfield_10040')).not.toThrow();
    expect(attempt('date', 'customfield_10050')).not.toThrow();
    expect(attempt('string', 'customfield_10016')).not.toThrow();
  });

  it('accepts "sprint" for the Sprint field by its custom type: Data Center (and older Cloud) lists strings, Cloud json', () => {
    const dataCenterSprint: JiraField = {
      id: 'customfield_10105',
      name: 'Sprint',
      custom: true,
      schema: { type: 'array', items: 'string', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10105 },
    };
    expect(resolveFieldMappings([{ alias: 'sprint', fieldName: 'Sprint', type: 'sprint' }], [dataCenterSprint])).toEqual([
      { alias: 'sprint', fieldId: 'customfield_10105', type: 'sprint' },
    ]);
    expect(() => resolveFieldMappings([{ alias: 'sprint', fieldName: 'Sprint', type: 'labels' }], [dataCenterSprint])).toThrow(/it is a sprint field/);
    // Without the Sprint custom type an array of strings is no sprint field.
    const tags: JiraField = { ...dataCenterSprint, name: 'Tags', schema: { type: 'array', items: 'string' } };
    expect(() => resolveFieldMappings([{ alias: 't', fieldName: 'Tags', type: 'sprint' }], [tags])).toThrow(/arrays of string/);
  });

  it('coerces sprint dates written as epoch milliseconds', () => {
    const [sprint] = coerceFieldValue([{ id: 1, name: 'S1', startDate: 1704099600000, endDate: null }], 'sprint') as Array<Record<string, unknown>>;
    expect(sprint).toMatchObject({ startDate: '2024-01-01T09:00:00.000Z', endDate: null });
  });

  it('reports every problem at once', () => {
    let thrown: unknown;
    try {
      resolveFieldMappings(
        [
          { alias: 'a', fieldName: 'Nope', type: 'string' },
          { alias: 'b', fieldName: 'Team', type: 'option' },
        ],
        catalogue,
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FieldMappingError);
    expect((thrown as FieldMappingError).problems).toHaveLength(2);
  });
});

describe('coerceFieldValue', () => {
  it('keeps null as null for every type', () => {
    expect(coerceFieldValue(null, 'number')).toBeNull();
    expect(coerceFieldValue(undefined, 'sprint')).toBeNull();
  });

  it('coerces scalars', () => {
    expect(coerceFieldValue('text', 'string')).toBe('text');
    expect(coerceFieldValue(3.5, 'string')).toBe('3.5');
    expect(coerceFieldValue(5, 'number')).toBe(5);
    expect(coerceFieldValue('8', 'number')).toBe(8);
    expect(coerceFieldValue('2024-02-29', 'date')).toBe('2024-02-29');
    expect(coerceFieldValue('2022-06-09T16:29:31.871-0700', 'datetime')).toBe('2022-06-09T23:29:31.871Z');
  });

  it('coerces options, cascading options and multi-selects', () => {
    const red = { self: 'x', value: 'Red', id: '1' };
    expect(coerceFieldValue(red, 'option')).toBe('Red');
    expect(coerceFieldValue({ value: 'EMEA', id: '2', child: { value: 'Berlin', id: '3' } }, 'option')).toBe('EMEA / Berlin');
    expect(coerceFieldValue([red, { value: 'Blue' }], 'options')).toEqual(['Red', 'Blue']);
  });

  it('coerces users (Cloud accountId, Data Center key: stable where the name changes on rename)', () => {
    expect(coerceFieldValue({ accountId: 'abc', displayName: 'Ann', emailAddress: 'a@x' }, 'user')).toEqual({
      accountId: 'abc',
      displayName: 'Ann',
    });
    expect(coerceFieldValue([{ name: 'bob', key: 'JIRAUSER1', displayName: 'Bob' }], 'users')).toEqual([
      { accountId: 'JIRAUSER1', displayName: 'Bob' },
    ]);
    expect(coerceFieldValue({ name: 'old-timer', displayName: 'Old' }, 'user')).toEqual({ accountId: 'old-timer', displayName: 'Old' });
  });

  it('coerces labels', () => {
    expect(coerceFieldValue(['a', 'b'], 'labels')).toEqual(['a', 'b']);
    expect(() => coerceFieldValue(['a', 1], 'labels')).toThrow(FieldCoercionError);
  });

  it('coerces Cloud sprints', () => {
    expect(
      coerceFieldValue(
        [
          {
            id: 37,
            name: 'Sprint 7',
            state: 'closed',
            boardId: 4,
            goal: 'ship it',
            startDate: '2024-01-01T09:00:00.000Z',
            endDate: '2024-01-15T09:00:00.000Z',
            completeDate: '2024-01-15T10:00:00.000Z',
          },
        ],
        'sprint',
      ),
    ).toEqual([
      {
        id: 37,
        name: 'Sprint 7',
        state: 'closed',
        boardId: 4,
        goal: 'ship it',
        startDate: '2024-01-01T09:00:00.000Z',
        endDate: '2024-01-15T09:00:00.000Z',
        completeDate: '2024-01-15T10:00:00.000Z',
      },
    ]);
  });

  it('parses the Data Center legacy sprint string, commas in names included', () => {
    const legacy =
      'com.atlassian.greenhopper.service.sprint.Sprint@6c3a6f2b[id=12,rapidViewId=3,state=ACTIVE,name=Sprint 4, the big one,' +
      'goal=,startDate=2020-03-02T10:00:00.000+01:00,endDate=2020-03-16T10:00:00.000+01:00,completeDate=<null>,activatedDate=<null>,sequence=12,autoStartStop=false]';
    expect(parseLegacySprint(legacy)).toMatchObject({ id: '12', name: 'Sprint 4, the big one', completeDate: null, boardId: '3' });
    expect(coerceFieldValue([legacy], 'sprint')).toEqual([
      {
        id: 12,
        name: 'Sprint 4, the big one',
        state: 'active',
        boardId: 3,
        goal: null,
        startDate: '2020-03-02T09:00:00.000Z',
        endDate: '2020-03-16T09:00:00.000Z',
        completeDate: null,
      },
    ]);
  });

  it('keeps json as is', () => {
    const raw = { anything: [1, { deep: true }] };
    expect(coerceFieldValue(raw, 'json')).toBe(raw);
  });

  it.each([
    ['number', 'abc'],
    ['number', { value: 1 }],
    ['string', { value: 'x' }],
    ['date', '2024-02-30'],
    ['date', '2024-02-01T10:00:00Z'],
    ['datetime', '2024-02-01 10:00'],
    ['option', 42],
    ['user', { displayName: 'no id' }],
    ['sprint', 'Sprint 1'],
    ['sprint', [{ name: 'no id' }]],
  ] as const)('refuses to read as %s: %j', (type, raw) => {
    expect(() => coerceFieldValue(raw, type)).toThrow(FieldCoercionError);
  });
});
