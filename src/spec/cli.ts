// The published CLI entry (package.json `exports["./cli"]`, bin/jira-sync.js) until they point at src/cli/index.ts.
export { runCli, type CliIo } from '../cli';
