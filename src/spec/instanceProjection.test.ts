import { parseSyncSpec, SpecError, specHash } from './parseSyncSpec';

const instances = ['acme', 'other'];

const spec = (narrowTeam: string) => `syncs:
  - id: wide
    instance: acme
    projects: [WEB, OPS]
    strategy: incremental
    fields: [environment]
    customFields:
      points: { name: Story Points, type: number }
  - id: narrow
    instance: acme
    projects: [WEB]
    strategy: webhook
    customFields:
      team: ${narrowTeam}
  - id: elsewhere
    instance: other
    projects: [WEB]
    strategy: full
    customFields:
      points: { id: customfield_10099, type: string }
`;

describe('one alias namespace per Jira instance', () => {
  it('gives every sync of an instance the union of its fields and mappings, and leaves other instances alone', () => {
    const { syncs } = parseSyncSpec(spec('{ id: customfield_10001, type: option }'), 'spec.yaml', { instances });
    const [wide, narrow, elsewhere] = syncs;
    const aliases = (s: typeof wide) => s.customFields.map(m => m.alias).sort();
    expect(aliases(wide)).toEqual(['points', 'team']);
    expect(aliases(narrow)).toEqual(['points', 'team']);
    expect(narrow.fields).toEqual(expect.arrayContaining(['environment', 'customfield_10001']));
    expect(wide.fields).toEqual(expect.arrayContaining(['environment', 'customfield_10001']));
    // Same projection: the two syncs write the same row content, whichever runs last.
    expect(new Set(wide.fields)).toEqual(new Set(narrow.fields));
    expect(elsewhere.customFields).toEqual([{ alias: 'points', fieldId: 'customfield_10099', type: 'string' }]);
    expect(elsewhere.fields).not.toContain('environment');
    // A mapping another sync of the instance adds changes this sync's hash too: its rows change.
    const { syncs: before } = parseSyncSpec(spec('{ id: customfield_10001, type: option }'), 'spec.yaml', { instances });
    const { syncs: after } = parseSyncSpec(spec('{ id: customfield_10002, type: options }'), 'spec.yaml', { instances });
    expect(specHash(after[0])).not.toBe(specHash(before[0]));
  });

  it('refuses one alias mapped to two fields (or types) on one instance, located at the second mapping', () => {
    const text = spec('{ id: customfield_10001, type: option }').replace('team: {', 'points: {');
    let error: SpecError | undefined;
    try {
      parseSyncSpec(text, 'spec.yaml', { instances });
    } catch (e) {
      error = e as SpecError;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(error!.problems).toHaveLength(1);
    const [problem] = error!.problems;
    expect(problem).toMatchObject({ file: 'spec.yaml', line: 14, column: 7, path: 'syncs[1].customFields.points' });
    expect(problem.message).toBe(
      "maps 'points' to id customfield_10001 as option, but syncs[0] ('wide') on instance 'acme' maps it to name 'Story Points' as number; " +
        'the syncs of one instance share one alias namespace (a shared issue carries every alias): use the same mapping or another alias',
    );
  });

  it('accepts the same alias declared identically by several syncs', () => {
    const text = spec('{ id: customfield_10001, type: option }').replace('team: {', 'points: {').replace('{ id: customfield_10001, type: option }', '{ name: Story Points, type: number }');
    const { syncs } = parseSyncSpec(text, 'spec.yaml', { instances });
    expect(syncs[1].customFields).toEqual([{ alias: 'points', fieldName: 'Story Points', type: 'number' }]);
  });
});
