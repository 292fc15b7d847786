import { createBackend } from '@backstage/backend-defaults';
import { prepareDevJira } from './devJira';
import { assertSupportedNode } from './supportedNode';

// The dev Backstage `npm start` runs: the real catalog (dev/catalog-info.yaml), permission
// framework (allow-all), guest sign-in and the app in dev/app, the plugin on SQLite on disk, and
// the Jira simulator (or a real Jira when JIRA_BASE_URL is set).
async function main() {
  assertSupportedNode();
  const jira = await prepareDevJira();
  const backend = createBackend();
  backend.add(import('@backstage/plugin-app-backend'));
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(import('@backstage/plugin-permission-backend-module-allow-all-policy'));
  backend.add(import('../src'));
  await backend.start();
  await jira.afterStart();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
