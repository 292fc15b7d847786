/*
 * Page for the browser test (test/browser/entityCard.test.ts): the real EntityJiraSyncCard for
 * one catalog entity, with a real JiraSyncClient calling the backend behind this page's origin.
 */
import { createRoot } from 'react-dom/client';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, wrapInTestApp } from '@backstage/test-utils';
import { EntityJiraSyncCard, JiraSyncClient, jiraSyncApiRef } from '../src';

declare global {
  interface Window {
    /** The catalog entity to show, written into the page by the test. */
    jiraSyncEntity: Entity;
  }
}

const client = new JiraSyncClient({
  discoveryApi: { getBaseUrl: async pluginId => `${window.location.origin}/api/${pluginId}` },
  fetchApi: { fetch: (input, init) => window.fetch(input, init) },
});

createRoot(document.getElementById('root')!).render(
  wrapInTestApp(
    <TestApiProvider apis={[[jiraSyncApiRef, client]]}>
      <EntityProvider entity={window.jiraSyncEntity}>
        <div style={{ maxWidth: 960, margin: 16 }}>
          <EntityJiraSyncCard />
        </div>
      </EntityProvider>
    </TestApiProvider>,
  ),
);
