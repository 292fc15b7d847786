import { parseArgs } from 'node:util';
import { startJiraSimulator } from './index';

// `npm run simulator -- --issues 5000 --projects 3 --port 8089 --deployment cloud --seed 1 --time-zone Asia/Kolkata`
const USAGE = `Usage: npm run simulator -- [--issues 5000] [--projects 3] [--port 8089] [--deployment cloud|datacenter]
       [--seed 1] [--time-zone America/Los_Angeles] [--history longTail|small] [--result-window 10000]
       [--latency-ms 0] [--latency-per-issue-ms 0] [--help]`;

const OPTIONS = {
  issues: { type: 'string', default: '5000' },
  projects: { type: 'string', default: '3' },
  port: { type: 'string', default: '8089' },
  deployment: { type: 'string', default: 'cloud' },
  seed: { type: 'string', default: '1' },
  'time-zone': { type: 'string', default: 'America/Los_Angeles' },
  history: { type: 'string', default: 'longTail' },
  'result-window': { type: 'string', default: '10000' },
  'latency-ms': { type: 'string', default: '0' },
  'latency-per-issue-ms': { type: 'string', default: '0' },
  help: { type: 'boolean', default: false },
} as const;

/** A command line the simulator cannot run with: printed with the usage, exit 2. */
class UsageError extends Error {}

function readOptions(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
  } catch (e) {
    // The first sentence names the flag ("Unknown option '--isues'"); a misspelt flag is never ignored.
    throw new UsageError((e as Error).message.split(/\.(?:\s|$)/)[0]);
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const number = (name: Exclude<keyof typeof OPTIONS, 'help'>) => {
    const value = Number(options[name]);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a non-negative number`);
    return value;
  };
  const { history } = options;
  if (history !== 'longTail' && history !== 'small') throw new UsageError('--history must be longTail or small');
  const deployment = options.deployment;
  if (deployment !== 'cloud' && deployment !== 'datacenter') throw new UsageError('--deployment must be cloud or datacenter');
  const started = Date.now();
  const issues = number('issues');
  const latencyMs = number('latency-ms');
  const sim = await startJiraSimulator({
    seed: number('seed'),
    issues,
    projects: number('projects'),
    port: number('port'),
    deployment,
    timeZone: options['time-zone'],
    historyShape: history,
    resultWindow: number('result-window'),
    latency: latencyMs ? { fixedMs: latencyMs, perIssueMs: number('latency-per-issue-ms') } : undefined,
  });
  const api = deployment === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  const auth = deployment === 'cloud' ? `-u '${sim.credentials.email}:${sim.credentials.apiToken}'` : `-H 'Authorization: Bearer ${sim.credentials.pat}'`;
  console.log(
    [
      `Jira simulator (${deployment}) listening on ${sim.url}, ready in ${Date.now() - started} ms`,
      `  ${issues} issues in projects ${sim.data.projects().join(', ')}; searching user's time zone ${options['time-zone']}`,
      `  Basic auth:  ${sim.credentials.email} / ${sim.credentials.apiToken}`,
      `  Bearer:      ${sim.credentials.pat}`,
      '  Endpoints:',
      ...(deployment === 'cloud'
        ? [
            `    GET|POST ${api}/search/jql          (nextPageToken, isLast; fields default id)`,
            `    POST ${api}/search/approximate-count`,
            `    POST ${api}/issue/bulkfetch           (≤100 ids or keys)`,
            `    GET ${api}/issue/{idOrKey}            (?fields, ?expand=changelog)`,
            `    GET ${api}/issue/{idOrKey}/changelog  (startAt, maxResults ≤100)`,
            `    POST ${api}/changelog/bulkfetch       (≤1000 issues, maxResults ≤10000)`,
            `    ${api}/search and /rest/api/2/search answer 410 (removed on Cloud)`,
          ]
        : [`    GET|POST ${api}/search (startAt, maxResults ≤1000, total; result window ${number('result-window')})`, `    GET ${api}/issue/{idOrKey}?expand=changelog (full changelog)`]),
      `    GET ${api}/field, ${api}/myself, ${api}/serverInfo`,
      `  Try: curl ${auth} '${sim.url}${api}/myself'`,
      '  Ctrl-C to stop.',
    ].join('\n'),
  );
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
