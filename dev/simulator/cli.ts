import { startJiraSimulator } from './index';

// `npm run simulator -- --issues 5000 --projects 3 --port 8089 --deployment cloud --seed 1 --time-zone Asia/Kolkata`
function option(name: string, fallback?: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function main() {
  const deployment = option('deployment', 'cloud') as 'cloud' | 'datacenter';
  const started = Date.now();
  const sim = await startJiraSimulator({
    seed: Number(option('seed', '1')),
    issues: Number(option('issues', '5000')),
    projects: Number(option('projects', '3')),
    port: Number(option('port', '8089')),
    deployment,
    timeZone: option('time-zone', 'America/Los_Angeles'),
    historyShape: option('history', 'longTail') as 'longTail' | 'small',
    latency: option('latency-ms') ? { fixedMs: Number(option('latency-ms')), perIssueMs: Number(option('latency-per-issue-ms', '0')) } : undefined,
  });
  const api = deployment === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  console.log(
    [
      `Jira simulator (${deployment}) listening on ${sim.url}, ready in ${Date.now() - started} ms`,
      `  ${sim.data.all().length} issues in projects ${sim.data.projects().join(', ')}`,
      `  Basic auth:  ${sim.credentials.email} / ${sim.credentials.apiToken}`,
      `  Bearer PAT:  ${sim.credentials.pat}`,
      '  Endpoints:',
      ...(deployment === 'cloud'
        ? [`    GET|POST ${api}/search/jql`, `    POST ${api}/search/approximate-count`, `    POST ${api}/issue/bulkfetch`, `    GET ${api}/issue/{idOrKey}[/changelog]`, `    POST ${api}/changelog/bulkfetch`, `    ${api}/search answers 410 (removed)`]
        : [`    GET|POST ${api}/search (startAt, result window)`, `    GET ${api}/issue/{idOrKey}?expand=changelog`]),
      `    GET ${api}/field, ${api}/myself, ${api}/serverInfo`,
      `  Try: curl -u '${sim.credentials.email}:${sim.credentials.apiToken}' '${sim.url}${api}/myself'`,
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
  console.error(error);
  process.exit(1);
});
