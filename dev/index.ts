import { createBackend } from '@backstage/backend-defaults';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { prepareDevJira } from './devJira';

// The dev backend `npm start` runs: the plugin, SQLite on disk, a small catalog, and the Jira
// simulator (or a real Jira when JIRA_BASE_URL is set).
async function main() {
  const jira = await prepareDevJira();
  const backend = createBackend();
  backend.add(catalogServiceMock.factory({ entities: jira.entities }));
  backend.add(import('../src'));
  await backend.start();
  await jira.afterStart();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
