import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigReader, readDurationFromConfig } from '@backstage/config';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CronTime } from 'cron';
import { durationToMilliseconds } from '@backstage/types';
import schema from './sync-spec.schema.json';
import { editDistance } from './editDistance';
import type { CustomFieldMapping, CustomFieldType, SpecProblem, SyncDefinition, SyncSpec } from './types';

/** Fields the data model always needs, whatever the spec lists. */
export const REQUIRED_FIELDS = [
  'summary', 'status', 'issuetype', 'project', 'priority', 'assignee', 'reporter', 'labels',
  'components', 'fixVersions', 'parent', 'created', 'updated', 'resolutiondate', 'issuelinks',
];
const DEFAULT_OVERLAP = { minutes: 10 };
const DEFAULT_RECONCILE_EVERY = { hours: 24 };
const DEFAULT_PAGE_SIZE = 100;

/** Checked by the `cron` package the scheduler itself parses cadences with: `61 * * * *` is refused here, not at start-up. */
function cronExpressionProblem(cron: string): string | undefined {
  const shape = `'${cron.slice(0, 200)}' is not a cron expression (5 or 6 fields such as '*/15 * * * *')`;
  try {
    // CronTime's constructor is the parser: it throws on a field out of range.
    const parsed = new CronTime(cron.trim());
    return parsed.source ? undefined : shape;
  } catch (e) {
    return `${shape}: ${(e as Error).message}`;
  }
}

/** JQL with its quoted strings emptied, so words inside them (`summary ~ "order by"`) are not read as clauses. */
const withoutQuotedText = (jql: string) => jql.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');

export interface SpecOptions {
  /** Instance names from app-config; undefined skips the instance check (the CLI without --config). */
  instances?: string[];
  defaults?: { schedule?: SchedulerServiceTaskScheduleDefinition; maxDeleteShare?: number };
}

/** `file:line:column: path message`, the one way a problem is shown. */
export const formatProblem = (p: SpecProblem) => `${p.file}:${p.line}:${p.column}: ${p.path} ${p.message}`;

/** Every problem of a spec, located; the message lists them one per line (an InputError: a 400 where shown over HTTP). */
export class SpecError extends InputError {
  constructor(readonly problems: SpecProblem[]) {
    super(
      `The jira-sync spec has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map(formatProblem)
        .join('\n')}`,
    );
  }
}


const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

type PathSegment = string | number;
type Locate = (path: PathSegment[], key?: boolean) => { line: number; column: number };

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
const validateSchema = ajv.compile(schema);

const pathText = (path: PathSegment[]) =>
  path.length === 0
    ? '(root)'
    : path.reduce<string>((text, seg) => {
        if (typeof seg === 'number') return `${text}[${seg}]`;
        // Keys that are not plain names (empty, spaces, dots) are quoted so the path stays readable.
        if (!/^[A-Za-z_$][\w$-]*$/.test(seg)) return `${text}[${JSON.stringify(seg)}]`;
        return text ? `${text}.${seg}` : seg;
      }, '');

const describeType = (value: unknown) => {
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'nothing' : typeof value;
};

const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

/** The closest known name, if it is close enough to be what was meant. */
export function didYouMean(word: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(s => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  return path.reduce<unknown>((v, seg) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined), data);
}

/** Turns one ajv error into a plain-language problem at the right node. */
function schemaProblem(error: ErrorObject, data: unknown, locate: Locate, file: string): SpecProblem {
  const path = pointerToPath(error.instancePath);
  const value = valueAt(data, path);
  const at = (p: PathSegment[], key = false) => ({ file, ...locate(p, key), path: pathText(p) });
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const guess = didYouMean(key, known);
      return {
        ...at([...path, key], true),
        message: `is not a known key${guess ? `; did you mean '${guess}'?` : `; known keys: ${known.join(', ')}`}`,
      };
    }
    case 'required':
      return { ...at(path), message: `is missing the required key '${(error.params as { missingProperty: string }).missingProperty}'` };
    case 'enum':
      return {
        ...at(path),
        message: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}; got ${show(value)}`,
      };
    case 'type':
      return { ...at(path), message: `must be ${[(error.params as { type: string | string[] }).type].flat().join(' or ')}; got ${describeType(value)}` };
    case 'pattern':
      return { ...at(path), message: `${show(value)} does not have the expected form (${(error.params as { pattern: string }).pattern})` };
    case 'propertyNames':
      return { ...at(path), message: 'has a key that is not a valid alias (letters, digits and _; not starting with a digit)' };
    case 'minItems':
      return { ...at(path), message: `must list at least ${(error.params as { limit: number }).limit}` };
    case 'uniqueItems':
      return { ...at(path), message: 'lists the same value twice' };
    default:
      return { ...at(path), message: `${error.message ?? 'is invalid'}${value !== undefined && typeof value !== 'object' ? `; got ${show(value)}` : ''}` };
  }
}

function yamlLocator(doc: Document.Parsed, lines: LineCounter): Locate {
  return (path, key = false) => {
    let node: unknown = doc.contents;
    let found: Node | undefined = doc.contents ?? undefined;
    for (let i = 0; i < path.length; i++) {
      if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find(p => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        if (key && i === path.length - 1) {
          found = pair.key as Node;
          break;
        }
        node = pair.value;
        found = (pair.value as Node) ?? (pair.key as Node);
      } else {
        const item = (node as { items: unknown[] }).items[seg as number];
        if (item === undefined) break;
        node = item;
        found = item as Node;
      }
    }
    const offset = found?.range?.[0] ?? 0;
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

function durationMs(value: unknown): number {
  return durationToMilliseconds(readDurationFromConfig(new ConfigReader({ d: value as never }), { key: 'd' }));
}

/** Stable hash of what decides the data a sync stores; schedules and tuning do not count. */
export function specHash(sync: SyncDefinition): string {
  const essence = {
    instance: sync.instance,
    projects: [...sync.projects].sort(),
    jql: sync.jql ?? null,
    fields: [...sync.fields].sort(),
    customFields: [...sync.customFields].sort((a, b) => a.alias.localeCompare(b.alias)),
  };
  return createHash('sha256').update(JSON.stringify(essence)).digest('hex');
}

/** Unclosed quotes or unbalanced parentheses: Jira would reject every run's query with a 400. */
function jqlQuotingProblem(jql: string): string | undefined {
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < jql.length; i++) {
    const c = jql[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && --depth < 0) {
      return `has a ')' without its '(' at character ${i + 1}`;
    }
  }
  if (quote) return `has an unclosed ${quote} quote`;
  return depth > 0 ? `has ${depth} '(' without a closing ')'` : undefined;
}

type RawSync = {
  id: string;
  instance: string;
  projects?: string[];
  jql?: string;
  strategy: SyncDefinition['strategy'];
  schedule?: unknown;
  fields?: string[];
  customFields?: Record<string, { id?: string; name?: string; type: CustomFieldType }>;
  overlap?: unknown;
  reconcile?: { every?: unknown; maxDeleteShare?: number };
  pageSize?: number;
};
type RawSpec = { defaults?: Omit<RawSync, 'id' | 'instance' | 'strategy'>; syncs: RawSync[] };

/** Checks a parsed spec (schema, then meaning) and resolves it; every problem is collected. */
function checkAndResolve(data: unknown, source: string, locate: Locate, options: SpecOptions): SyncSpec {
  const problems: SpecProblem[] = [];
  const problem = (path: PathSegment[], message: string, key = false) =>
    problems.push({ file: source, ...locate(path, key), path: pathText(path), message });

  if (!validateSchema(data)) {
    const errors = (validateSchema.errors ?? []).filter(
      // "type" errors on a node that also failed a more specific check only repeat it.
      (e, _i, all) => !(e.keyword === 'type' && all.some(o => o !== e && o.instancePath.startsWith(`${e.instancePath}/`))),
    );
    problems.push(...errors.map(e => schemaProblem(e, data, locate, source)));
    // Meaning is still checked below where the shape allows, so every problem is reported at once.
    if (!isRecord(data) || !Array.isArray(data.syncs)) throw new SpecError(dedupe(problems));
  }
  const spec = data as RawSpec;
  const defaults = spec.defaults ?? {};
  const syncs: SyncDefinition[] = [];
  const seenIds = new Map<string, number>();

  const schedule = (value: unknown, path: PathSegment[]) => {
    const cron = isRecord(value) && isRecord(value.frequency) ? value.frequency.cron : undefined;
    if (typeof cron === 'string') {
      const cronProblem = cronExpressionProblem(cron);
      if (cronProblem) {
        problem([...path, 'frequency', 'cron'], cronProblem);
        return undefined;
      }
    }
    let read: SchedulerServiceTaskScheduleDefinition;
    try {
      read = readSchedulerServiceTaskScheduleDefinitionFromConfig(new ConfigReader(value as never));
    } catch (e) {
      problem(path, `is not a valid schedule: ${(e as Error).message}`);
      return undefined;
    }
    // A zero cadence would run the sync back to back; a zero timeout would abort every run at once.
    const frequency = read.frequency as object;
    if (!('cron' in frequency) && !('trigger' in frequency) && !(durationToMilliseconds(frequency as never) > 0)) {
      problem([...path, 'frequency'], 'must be longer than zero');
      return undefined;
    }
    if (!(durationToMilliseconds(read.timeout as never) > 0)) {
      problem([...path, 'timeout'], 'must be longer than zero');
      return undefined;
    }
    return read;
  };
  const duration = (value: unknown, fallback: unknown, path: PathSegment[]) => {
    try {
      return durationMs(value ?? fallback);
    } catch (e) {
      problem(path, `is not a valid duration: ${(e as Error).message}`);
      return 0;
    }
  };
  const defaultSchedule = defaults.schedule !== undefined ? schedule(defaults.schedule, ['defaults', 'schedule']) : undefined;

  spec.syncs.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const at = (...rest: PathSegment[]) => ['syncs', index, ...rest];
    if (typeof raw.id !== 'string' || typeof raw.instance !== 'string') return;
    if (seenIds.has(raw.id)) problem(at('id'), `'${raw.id}' is already the id of syncs[${seenIds.get(raw.id)}]`);
    else seenIds.set(raw.id, index);
    if (options.instances && !options.instances.includes(raw.instance)) {
      const guess = didYouMean(raw.instance, options.instances);
      problem(
        at('instance'),
        `'${raw.instance}' is not an instance in jiraSync.instances (known: ${options.instances.join(', ') || 'none'})${guess ? `; did you mean '${guess}'?` : ''}`,
      );
    }
    if (!raw.projects?.length && !raw.jql) problem(at(), 'needs projects, jql, or both');
    if (typeof raw.jql === 'string' && /\border\s+by\b/i.test(withoutQuotedText(raw.jql))) problem(at('jql'), 'must not contain ORDER BY: the sync orders by updated itself');
    const quoting = typeof raw.jql === 'string' ? jqlQuotingProblem(raw.jql) : undefined;
    if (quoting) problem(at('jql'), quoting);

    const customFields: CustomFieldMapping[] = [];
    for (const [alias, mapping] of Object.entries(isRecord(raw.customFields) ? raw.customFields : {})) {
      if (!isRecord(mapping)) continue;
      if ((mapping.id === undefined) === (mapping.name === undefined)) {
        problem(at('customFields', alias), 'needs exactly one of id (customfield_NNNNN) or name (the display name in Jira)');
        continue;
      }
      customFields.push({ alias, type: mapping.type, ...(mapping.id ? { fieldId: mapping.id } : { fieldName: mapping.name }) });
    }

    const resolvedSchedule =
      raw.schedule !== undefined ? schedule(raw.schedule, at('schedule')) : defaultSchedule ?? options.defaults?.schedule;
    const reconcile = { ...defaults.reconcile, ...raw.reconcile };
    const fields = [...new Set([...REQUIRED_FIELDS, ...(Array.isArray(defaults.fields) ? defaults.fields : []), ...(Array.isArray(raw.fields) ? raw.fields : []), ...customFields.flatMap(m => (m.fieldId ? [m.fieldId] : []))])];
    syncs.push({
      id: raw.id,
      instance: raw.instance,
      projects: raw.projects ?? [],
      jql: raw.jql,
      strategy: raw.strategy,
      schedule: resolvedSchedule ?? { frequency: { minutes: 30 }, timeout: { minutes: 60 } },
      fields,
      customFields,
      overlapMs: duration(raw.overlap ?? defaults.overlap, DEFAULT_OVERLAP, at('overlap')),
      reconcileEveryMs: duration(reconcile.every, DEFAULT_RECONCILE_EVERY, at('reconcile', 'every')),
      maxDeleteShare: reconcile.maxDeleteShare ?? options.defaults?.maxDeleteShare ?? 0.2,
      pageSize: raw.pageSize ?? defaults.pageSize ?? DEFAULT_PAGE_SIZE,
    });
  });
  shareInstanceProjections(syncs, problem);
  if (problems.length) throw new SpecError(dedupe(problems));
  return { syncs, source };
}

const mappingText = (m: CustomFieldMapping) => `${m.fieldId ? `id ${m.fieldId}` : `name '${m.fieldName}'`} as ${m.type}`;

/**
 * One alias namespace per Jira instance. An issue row is shared by every sync that sees it, so
 * every sync of an instance projects it with the union of the instance's `fields` and
 * `customFields`: whichever sync, webhook or re-projection writes a row writes the same content.
 * An alias mapped to two different fields (or types) on one instance is refused, located.
 */
function shareInstanceProjections(syncs: SyncDefinition[], problem: (path: PathSegment[], message: string, key?: boolean) => void) {
  const byInstance = new Map<string, Array<{ sync: SyncDefinition; index: number }>>();
  syncs.forEach((sync, index) => byInstance.set(sync.instance, [...(byInstance.get(sync.instance) ?? []), { sync, index }]));
  for (const [instance, members] of byInstance) {
    const aliases = new Map<string, { mapping: CustomFieldMapping; sync: SyncDefinition; index: number }>();
    for (const { sync, index } of members) {
      for (const mapping of sync.customFields) {
        const first = aliases.get(mapping.alias);
        if (!first) {
          aliases.set(mapping.alias, { mapping, sync, index });
        } else if (mappingText(first.mapping) !== mappingText(mapping)) {
          problem(
            ['syncs', index, 'customFields', mapping.alias],
            `maps '${mapping.alias}' to ${mappingText(mapping)}, but syncs[${first.index}] ('${first.sync.id}') on instance '${instance}' maps it to ` +
              `${mappingText(first.mapping)}; the syncs of one instance share one alias namespace (a shared issue carries every alias): use the same mapping or another alias`,
            true,
          );
        }
      }
    }
    const fields = [...new Set(members.flatMap(m => m.sync.fields))];
    const customFields = [...aliases.values()].map(a => a.mapping);
    for (const { sync } of members) {
      sync.fields = [...new Set([...sync.fields, ...fields])];
      sync.customFields = [...sync.customFields, ...customFields.filter(m => !sync.customFields.some(own => own.alias === m.alias))];
    }
  }
}

/** One line per problem, in file order. */
function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column).filter(p => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Parses and checks a spec written in YAML; throws SpecError listing every located problem. */
export function parseSyncSpec(text: string, source: string, options: SpecOptions = {}): SyncSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new SpecError(
      doc.errors.map(e => {
        const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return { file: source, line: pos.line, column: pos.col, path: '(yaml)', message: e.message.split('\n')[0] };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    // e.g. an alias whose anchor is missing: the document parsed but has no value.
    throw new SpecError([{ file: source, line: 1, column: 1, path: '(yaml)', message: (e as Error).message }]);
  }
  return checkAndResolve(data ?? {}, source, yamlLocator(doc, lines), options);
}

/** Loads the spec from a file or from the object inline in app-config. */
export async function loadSyncSpec(location: { path: string } | { inline: unknown }, options: SpecOptions = {}): Promise<SyncSpec> {
  if ('path' in location) {
    const file = resolve(location.path);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new SpecError([{ file, line: 0, column: 0, path: '(file)', message: `cannot be read: ${(e as Error).message}` }]);
    }
    return parseSyncSpec(text, file, options);
  }
  return checkAndResolve(location.inline, 'app-config jiraSync.spec.inline', () => ({ line: 0, column: 0 }), options);
}
