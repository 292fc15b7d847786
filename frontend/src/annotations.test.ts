import { describe, expect, it } from '@jest/globals';
import type { Entity } from '@backstage/catalog-model';
import { JIRA_COM_COMPONENTS_ANNOTATION, isJiraSyncAvailable, projectKeysOf } from './annotations';

function entityWith(annotations: Record<string, string>): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x', annotations } };
}

describe('isJiraSyncAvailable', () => {
  it('needs a project key', () => {
    expect(isJiraSyncAvailable(entityWith({ 'jira/project-key': 'SHOP' }))).toBe(true);
    expect(isJiraSyncAvailable(entityWith({ 'jira/project-key': 'SHOP', 'jira/label': 'pay' }))).toBe(true);
  });

  it('does not accept jira/component or jira/label without a project key, nor a blank key', () => {
    expect(isJiraSyncAvailable(entityWith({ 'jira/component': 'Checkout' }))).toBe(false);
    expect(isJiraSyncAvailable(entityWith({ 'jira/label': 'pay' }))).toBe(false);
    expect(isJiraSyncAvailable(entityWith({ 'jira/project-key': ' , ' }))).toBe(false);
    expect(isJiraSyncAvailable(entityWith({}))).toBe(false);
  });

  it("falls back to jira.com/project-key, which the backend also reads", () => {
    expect(isJiraSyncAvailable(entityWith({ 'jira.com/project-key': 'OPS' }))).toBe(true);
    expect(projectKeysOf(entityWith({ 'jira/project-key': 'SHOP', 'jira.com/project-key': 'OPS' }))).toEqual(['SHOP']);
  });

  it("shows for an entity annotated the Axis way, jira.com/project-key with jira.com/components", () => {
    expect(JIRA_COM_COMPONENTS_ANNOTATION).toBe('jira.com/components');
    expect(isJiraSyncAvailable(entityWith({ 'jira.com/project-key': 'OPS', [JIRA_COM_COMPONENTS_ANNOTATION]: 'Api,Web UI' }))).toBe(true);
    expect(isJiraSyncAvailable(entityWith({ [JIRA_COM_COMPONENTS_ANNOTATION]: 'Api,Web UI' }))).toBe(false);
  });

  it('reads several comma-separated project keys', () => {
    expect(projectKeysOf(entityWith({ 'jira/project-key': 'SHOP, PAY ,,OPS' }))).toEqual(['SHOP', 'PAY', 'OPS']);
  });
});
