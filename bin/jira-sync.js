#!/usr/bin/env node
// The jira-sync command line: `jira-sync validate <spec.yaml> [--config app-config.yaml]`, `jira-sync compare --config app-config.yaml`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// A published package runs its build; a checkout runs the TypeScript sources through tsx.
const built = join(__dirname, '..', 'dist', 'cli.cjs.js');
let cli;
if (existsSync(built)) {
  cli = require(built);
} else {
  require('tsx/cjs');
  cli = require('../src/cli/index.ts');
}
cli
  .runCli(process.argv.slice(2), { out: line => console.log(line), err: line => console.error(line) })
  .then(code => process.exit(code))
  .catch(error => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
