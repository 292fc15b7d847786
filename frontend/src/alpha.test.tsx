import { describe, expect, it } from '@jest/globals';
import type { Entity } from '@backstage/catalog-model';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import jiraSyncPlugin, { entityJiraSyncCard, entityJiraSyncContent, jiraSyncApi } from './alpha';

function entityWith(annotations: Record<string, string>): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x', annotations } };
}

describe('new frontend system plugin', () => {
  it('is the jira-sync plugin with the API and the entity card', () => {
    expect(jiraSyncPlugin.pluginId).toBe('jira-sync');
    // The ids apps use to configure or override the extensions.
    expect(jiraSyncPlugin.getExtension('entity-card:jira-sync')).toMatchObject({
      kind: 'entity-card',
      namespace: 'jira-sync',
      name: undefined,
      factory: (entityJiraSyncCard as any).factory,
    });
    expect(jiraSyncPlugin.getExtension('api:jira-sync')).toMatchObject({
      kind: 'api',
      namespace: 'jira-sync',
      factory: (jiraSyncApi as any).factory,
    });
    expect(() => jiraSyncPlugin.getExtension('entity-card:jira-sync/other')).toThrow();
  });

  it('shows the entity card only on entities with a Jira project key', () => {
    const tester = createExtensionTester(entityJiraSyncCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction) as (entity: Entity) => boolean;

    expect(filter(entityWith({ 'jira/project-key': 'SHOP' }))).toBe(true);
    expect(filter(entityWith({ 'jira/project-key': 'SHOP', 'jira/component': 'Checkout' }))).toBe(true);
    expect(filter(entityWith({ 'jira/component': 'Checkout' }))).toBe(false);
    expect(filter(entityWith({ 'jira/label': 'payments' }))).toBe(false);
  });

  it('takes a refresh interval from its config and refuses a negative one', () => {
    expect(() => createExtensionTester(entityJiraSyncCard, { config: { refreshIntervalSeconds: 10 } }).get(EntityCardBlueprint.dataRefs.filterFunction)).not.toThrow();
    expect(() => createExtensionTester(entityJiraSyncCard, { config: { refreshIntervalSeconds: -1 } }).get(EntityCardBlueprint.dataRefs.filterFunction)).toThrow(/refreshIntervalSeconds/);
  });

  it('adds a "Jira" tab at /jira on the same entities as the card', () => {
    expect(jiraSyncPlugin.getExtension('entity-content:jira-sync')).toMatchObject({ kind: 'entity-content', namespace: 'jira-sync' });
    const tester = createExtensionTester(entityJiraSyncContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Jira');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction) as (entity: Entity) => boolean;
    expect(filter(entityWith({ 'jira/project-key': 'SHOP' }))).toBe(true);
    expect(filter(entityWith({ 'jira.com/project-key': 'SHOP' }))).toBe(true);
    expect(filter(entityWith({ 'jira/component': 'Checkout' }))).toBe(false);
  });
});
