/**
 * `jira-sync compare`: the completeness check, run by an operator against the configured database
 * and Jira, read-only. Exit 0 when the copy equals Jira, 1 on differences, 2 when it cannot compare.
 */
import type { Config } from '@backstage/config';
import type { LifecycleService, LoggerService } from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { readAppConfigFiles } from '../config/readAppConfigFiles';
import { parseCommandLine } from '../lib/commandLine';
import { readJiraSyncConfig, JiraSyncConfigError } from '../config/readJiraSyncConfig';
import { loadSyncSpec, SpecError, formatProblem } from '../spec/parseSyncSpec';
import type { SyncDefinition } from '../spec/types';
import { createJiraClients } from '../jira/clientRegistry';
import { KnexSyncStore } from '../store/KnexSyncStore';
import { KnexIssueSnapshotReader } from '../store/KnexIssueSnapshotReader';
import { KnexOpsStore } from '../store/KnexOpsStore';
import { makeReadOnly } from '../store/database';
import type { CompletenessCheckResult } from '../store/types';
import { formatDifferences } from '../sync/compare';
import { redactUrlCredentials } from '../lib/redactUrls';
import { CompletenessCheck } from '../ops/CompletenessCheck';

export interface CompareIo {
  out(line: string): void;
  err(line: string): void;
}

export const COMPARE_USAGE = 'usage: jira-sync compare --config app-config.yaml [--config more.yaml ...] [--sync id] [--sample N]';
const PLUGIN_ID = 'jira-sync';

interface CompareArgs {
  configs: string[];
  syncId?: string;
  sample?: number;
}

function readArgs(argv: string[]): CompareArgs | string {
  const parsed = parseCommandLine({
    args: argv,
    options: { config: { type: 'string', multiple: true }, sync: { type: 'string' }, sample: { type: 'string' } },
  });
  if ('problem' in parsed) return parsed.problem;
  const { config: configs = [], sync: syncId, sample } = parsed.values;
  if (sample !== undefined && !/^[1-9]\d*$/.test(sample)) return `--sample must be a positive whole number; got '${sample}'`;
  if (!configs.length) return '--config is required';
  return { configs, syncId, sample: sample === undefined ? undefined : Number(sample) };
}

/** The app-config files, plus settings that keep the database untouched. */
function readAppConfig(files: string[]) {
  // Never create a missing database or schema: there would be nothing to compare in it anyway.
  const noCreate = { ensureExists: false, ensureSchemaExists: false };
  return readAppConfigFiles(files, { backend: { database: { ...noCreate, plugin: { [PLUGIN_ID]: noCreate } } } });
}

/** Warnings and errors (the Jira client's retries, rate limits) on stderr; secrets are already redacted. */
function stderrLogger(io: CompareIo): LoggerService {
  const logger: LoggerService = {
    error: message => io.err(message),
    warn: message => io.err(message),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

const silentLogger: LoggerService = { error() {}, warn() {}, info() {}, debug() {}, child: () => silentLogger };
const noLifecycle: LifecycleService = { addStartupHook() {}, addShutdownHook() {} };

function report(sync: SyncDefinition, result: CompletenessCheckResult, io: CompareIo): 'equal' | 'differs' | 'not compared' {
  io.out(`sync "${sync.id}" (instance ${sync.instance}):`);
  if (result.outcome === 'skipped') {
    io.out(`  not compared: ${result.error}`);
    return 'not compared';
  }
  for (const count of result.counts) {
    const project = count.project === '*' ? 'whole scope' : `project ${count.project}`;
    const jira = count.jira === null ? 'unknown (approximate-count failed)' : String(count.jira);
    io.out(`  ${project}: Jira ${jira}, stored ${count.stored}${count.jira !== null && count.jira !== count.stored ? '  <- differs' : ''}`);
  }
  const lagging = result.sampled - result.missingInJira - result.compared;
  io.out(
    `  sample of ${result.sampled} stored issues: ${result.compared} compared field by field and history by history, ` +
      `${result.differing} differing, ${result.missingInJira} missing in Jira, ${lagging} changed in Jira since the last run (left out)`,
  );
  const equal = result.unrepairedDrift === 0;
  io.out(`  ${equal ? 'equal' : formatDifferences(result.differences).split('\n').join('\n  ')}`);
  return equal ? 'equal' : 'differs';
}

/** `jira-sync compare ...` (argv without the command name). */
export async function runCompare(argv: string[], rawIo: CompareIo): Promise<number> {
  // Whatever is printed (Jira errors, config problems) passes the URL redactor.
  const io: CompareIo = { out: line => rawIo.out(redactUrlCredentials(line)), err: line => rawIo.err(redactUrlCredentials(line)) };
  const args = readArgs(argv);
  if (typeof args === 'string') {
    io.err(args);
    io.err(COMPARE_USAGE);
    return 2;
  }
  let config: Config;
  let settings: ReturnType<typeof readJiraSyncConfig>;
  let syncs: SyncDefinition[];
  try {
    config = await readAppConfig(args.configs);
    settings = readJiraSyncConfig(config);
    const spec = await loadSyncSpec(settings.spec, {
      instances: settings.instances.map(instance => instance.name),
      defaults: { schedule: settings.schedule, maxDeleteShare: settings.deletionGuard.maxDeleteShare },
    });
    syncs = args.syncId ? spec.syncs.filter(s => s.id === args.syncId) : spec.syncs;
    if (!syncs.length) {
      io.err(`no sync "${args.syncId}" in ${spec.source} (known: ${spec.syncs.map(s => s.id).join(', ')})`);
      return 2;
    }
  } catch (e) {
    if (e instanceof SpecError) e.problems.forEach(p => io.err(formatProblem(p)));
    else io.err(e instanceof JiraSyncConfigError ? e.message : `cannot read the configuration: ${(e as Error).message}`);
    return 2;
  }
  // Refreshing an OAuth token rotates it and invalidates the plugin's copy; persisting the new one would be a write.
  const oauth = settings.instances.filter(i => i.auth.type === 'oauth2' && syncs.some(s => s.instance === i.name));
  if (oauth.length) {
    io.err(`instance ${oauth.map(i => i.name).join(', ')} uses OAuth 2.0: compare supports API tokens and PATs only (a refresh would rotate the plugin's token)`);
    return 2;
  }

  const logger = stderrLogger(io);
  const knex = await DatabaseManager.fromConfig(config).forPlugin(PLUGIN_ID, { logger, lifecycle: noLifecycle }).getClient();
  try {
    // No transaction: every read is a statement of its own, so a writer (the running backend) waits
    // at most one statement, never for the Jira calls in between. The connections refuse writes.
    await makeReadOnly(knex);
    if (!(await knex.schema.hasTable('jira_sync_issues'))) {
      io.err('the configured database has no jira-sync tables: has the plugin run against it?');
      return 2;
    }
    const clients = createJiraClients({ instances: settings.instances, logger });
    const database = { getClient: async () => knex, migrations: { skip: true } };
    const check = new CompletenessCheck({
      syncStore: await KnexSyncStore.create({ database }),
      opsStore: await KnexOpsStore.create({ database }),
      reader: await KnexIssueSnapshotReader.create({ database }),
      clientFor: clients.get,
      logger: silentLogger,
      sampleSize: args.sample ?? settings.ops.completeness.sampleSize,
      repair: false,
    });
    const verdicts = new Set<ReturnType<typeof report>>();
    for (const sync of syncs) {
      try {
        verdicts.add(report(sync, await check.inspect(sync, { logger: silentLogger }), io));
      } catch (e) {
        io.err(`sync "${sync.id}": cannot compare: ${(e as Error).message}`);
        return 2;
      }
    }
    if (verdicts.has('differs')) io.out('differences found');
    else if (verdicts.has('not compared')) io.out('not compared: a sync has no completed sweep yet');
    else io.out('the copy equals Jira');
    return verdicts.size === 1 && verdicts.has('equal') ? 0 : 1;
  } finally {
    await knex.destroy();
  }
}
