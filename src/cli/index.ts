/** The jira-sync command line: `validate` and `compare` (bin/jira-sync.js and the package's `./cli` export run this). */
import { readAppConfigFiles } from '../config/readAppConfigFiles';
import { parseCommandLine } from '../lib/commandLine';
import { loadSyncSpec, SpecError, formatProblem } from '../spec/parseSyncSpec';
import { runCompare } from './compare';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = [
  'usage: jira-sync validate <spec.yaml> [--config app-config.yaml]',
  '       jira-sync compare --config app-config.yaml [--sync id] [--sample N]',
].join('\n');

/** Instance names from an app-config file, for the unknown-instance check. */
async function instancesFrom(configPath: string): Promise<string[]> {
  const config = await readAppConfigFiles([configPath]);
  return (config.getOptionalConfigArray('jiraSync.instances') ?? []).map(i => i.getString('name'));
}

/** `jira-sync validate`: exit 0 with a summary, or 1 with every located problem; `jira-sync compare`: see compare.ts. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'compare') {
    return runCompare(rest, io);
  }
  if (command !== 'validate') {
    io.err(USAGE);
    return 2;
  }
  const args = parseCommandLine({ args: rest, options: { config: { type: 'string' } }, allowPositionals: true });
  if ('problem' in args || args.positionals.length !== 1) {
    if ('problem' in args) io.err(args.problem);
    io.err(USAGE);
    return 2;
  }
  const configPath = args.values.config;
  const [file] = args.positionals;
  let instances: string[] | undefined;
  if (configPath) {
    try {
      instances = await instancesFrom(configPath);
    } catch (e) {
      io.err(`cannot read ${configPath}: ${(e as Error).message}`);
      return 1;
    }
  }
  try {
    const spec = await loadSyncSpec({ path: file }, { instances });
    io.out(`${spec.source}: valid, ${spec.syncs.length} sync${spec.syncs.length === 1 ? '' : 's'}`);
    for (const sync of spec.syncs) {
      const scope = [sync.projects.length ? `projects ${sync.projects.join(', ')}` : '', sync.jql ? `jql ${sync.jql}` : '']
        .filter(Boolean)
        .join(' and ');
      io.out(`  ${sync.id}: ${sync.strategy} on ${sync.instance}, ${scope}, ${sync.customFields.length} custom fields`);
    }
    if (!instances) io.out('  (instance names not checked: pass --config app-config.yaml to check them)');
    return 0;
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    e.problems.forEach(p => io.err(formatProblem(p)));
    io.err(`${e.problems.length} problem${e.problems.length === 1 ? '' : 's'} found`);
    return 1;
  }
}
