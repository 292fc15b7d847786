import { startJiraSimulator } from './index';

// `npm run simulator -- --issues 5000 --projects 3 --port 8089 --deployment cloud --seed 1 --time-zone Asia/Kolkata`
const USAGE = `Usage: npm run simulator -- [--issues 5000] [--projects 3] [--port 8089] [--deployment cloud|datacenter]
       [--seed 1] [--time-zone America/Los_Angeles] [--history longTail|small] [--result-window 10000]
       [--latency-ms 0] [--latency-per-issue-ms 0]`;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

function number(name: string, fallback: string): number {
  const value = Number(option(name, fallback));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number\n${USAGE}`);
  return value;
}

async function main() {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const deployment = option('deployment', 'cloud');
  if (deployment !== 'cloud' && deployment !== 'datacenter') throw new Error(`--deployment must be cloud or datacenter\n${USAGE}`);
  const started = Date.now();
  const issues = number('issues', '5000');
  const latencyMs = number('latency-ms', '0');
  const sim = await startJiraSimulator({
    seed: number('seed', '1'),
    issues,
    projects: number('projects', '3'),
    port: number('port', '8089'),
    deployment,
    timeZone: option('time-zone', 'America/Los_Angeles'),
    historyShape: option('history', 'longTail') === 'small' ? 'small' : 'longTail',
    resultWindow: number('result-window', '10000'),
    latency: latencyMs ? { fixedMs: latencyMs, perIssueMs: number('latency-per-issue-ms', '0') } : undefined,
  });
  const api = deployment === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  const auth = deployment === 'cloud' ? `-u '${sim.credentials.email}:${sim.credentials.apiToken}'` : `-H 'Authorization: Bearer ${sim.credentials.pat}'`;
  console.log(
    [
      `Jira simulator (${deployment}) listening on ${sim.url}, ready in ${Date.now() - started} ms`,
      `  ${issues} issues in projects ${sim.data.projects().join(', ')}; searching user's time zone ${option('time-zone', 'America/Los_Angeles')}`,
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
        : [`    GET|POST ${api}/search (startAt, maxResults ≤1000, total; result window ${number('result-window', '10000')})`, `    GET ${api}/issue/{idOrKey}?expand=changelog (full changelog)`]),
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
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
