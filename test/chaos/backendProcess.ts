import { createBackend } from '@backstage/backend-defaults';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/**
 * The backend the process-level chaos tests spawn, kill and restart: the plugin as dev/index.ts
 * wires it, configured only by the --config file the test writes. With JIRA_SYNC_CHAOS_HOLD=1 the
 * backend starts its root services (config and its schema, logger, HTTP listener) and holds the
 * jira-sync plugin's initialisation until a line arrives on stdin, so a test can warm up the next
 * process while the current one still runs: the plugin touches the database only after the line.
 */
function main() {
  const startLine = new Promise<void>(resolve => process.stdin.once('data', () => resolve()));
  // The test holds the other end of stdin: when it goes away, so does this backend (no orphans).
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();

  const backend = createBackend();
  backend.add(catalogServiceMock.factory({ entities: [] }));
  if (process.env.JIRA_SYNC_CHAOS_HOLD === '1') {
    // A plugin's modules initialise before the plugin itself.
    backend.add(
      createBackendModule({
        pluginId: 'jira-sync',
        moduleId: 'chaos-start-line',
        register(env) {
          env.registerInit({
            deps: {},
            async init() {
              console.log('[chaos] root services up, waiting for the start line');
              await startLine;
            },
          });
        },
      }),
    );
  }
  backend.add(import('../../src'));
  return backend.start();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
