/**
 * The backend the process-level chaos tests spawn, kill and restart: the plugin as dev/index.ts
 * wires it, configured only by the --config file the test writes. With JIRA_SYNC_CHAOS_HOLD=1 the
 * process loads its code and waits for a line on stdin before the backend starts, so a test can
 * warm up the next process while the current one still runs: nothing touches the database before
 * the line (plugin-scoped eager services such as the HTTP router and auth migrate at start).
 */
async function main() {
  const startLine = new Promise<void>(resolve => process.stdin.once('data', () => resolve()));
  // The test holds the other end of stdin: when it goes away, so does this backend (no orphans).
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();

  // Loading the modules is most of a start's time: done before the line.
  const [{ createBackend }, { catalogServiceMock }, plugin] = await Promise.all([
    import('@backstage/backend-defaults'),
    import('@backstage/plugin-catalog-node/testUtils'),
    import('../../src'),
  ]);
  if (process.env.JIRA_SYNC_CHAOS_HOLD === '1') {
    console.log('[chaos] loaded, waiting for the start line');
    await startLine;
  }
  const backend = createBackend();
  backend.add(catalogServiceMock.factory({ entities: [] }));
  backend.add(plugin.default);
  await backend.start();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
