import { between, pick, seededRandom } from './random';
import { jiraTimestamp, localDate } from './time';

/** The simulator's data: projects, issues, lazily generated histories, and the mutations tests make. */

export interface SimUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
}

export interface SimStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

export interface SimHistoryItem {
  field: string;
  fieldtype: string;
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface SimHistory {
  id: number;
  createdMs: number;
  author: SimUser;
  items: SimHistoryItem[];
}

export interface SimIssue {
  id: number;
  key: string;
  projectKey: string;
  createdMs: number;
  updatedMs: number;
  /** Field values in a neutral form; rendered to Jira's shape by `renderFields`. */
  values: Record<string, unknown>;
  /** Histories generated from a seed on demand (so 100k issues generate in seconds). */
  generated: { count: number; firstId: number; seed: number };
  /** Histories written by mutations after generation. */
  appended: SimHistory[];
  /** While the search index lags: what search still sees, and until when. */
  indexed?: { snapshot: SearchView; visibleAtMs: number };
  deleted?: boolean;
}

/** What search evaluates and returns for an issue (may lag behind the issue itself). */
export interface SearchView {
  id: number;
  key: string;
  projectKey: string;
  createdMs: number;
  updatedMs: number;
  values: Record<string, unknown>;
  /** Not visible to search at all yet (created within the index lag). */
  hidden?: boolean;
}

export const STATUSES: SimStatus[] = [
  { id: '10000', name: 'To Do', category: 'new' },
  { id: '10001', name: 'In Progress', category: 'indeterminate' },
  { id: '10002', name: 'In Review', category: 'indeterminate' },
  { id: '10003', name: 'Done', category: 'done' },
  { id: '10004', name: 'Blocked', category: 'indeterminate' },
];
const CATEGORY = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
};
export const ISSUE_TYPES = [
  { id: '10001', name: 'Story', subtask: false },
  { id: '10002', name: 'Bug', subtask: false },
  { id: '10003', name: 'Task', subtask: false },
  { id: '10004', name: 'Sub-task', subtask: true },
];
export const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
];
const LABELS = ['backend', 'frontend', 'infra', 'security', 'tech-debt', 'customer', 'performance'];
const TEAMS = [
  { id: '20001', value: 'Platform' },
  { id: '20002', value: 'Payments' },
  { id: '20003', value: 'Growth' },
];
const OPTIONS = [
  { id: '20101', value: 'iOS' },
  { id: '20102', value: 'Android' },
  { id: '20103', value: 'Web' },
];
const PROJECT_NAMES = ['ALPHA', 'BETA', 'GAMMA', 'DELTA', 'EPSILON', 'ZETA', 'ETA', 'THETA', 'IOTA', 'KAPPA'];
const WORDS = ['Fix', 'Add', 'Improve', 'Remove', 'Refactor', 'Document', 'Migrate', 'Investigate', 'login', 'billing', 'search', 'cache', 'API', 'timeouts', 'dashboard', 'export', 'webhooks', 'alerts'];

/** Custom fields of every type a sync maps (ids as Jira Cloud numbers them). */
export const CUSTOM_FIELDS = {
  storyPoints: { id: 'customfield_10016', name: 'Story Points', schema: { type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points', customId: 10016 } },
  sprint: { id: 'customfield_10020', name: 'Sprint', schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020 } },
  team: { id: 'customfield_10001', name: 'Team', schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10001 } },
  platforms: { id: 'customfield_10002', name: 'Platforms', schema: { type: 'array', items: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiselect', customId: 10002 } },
  area: { id: 'customfield_10003', name: 'Area', schema: { type: 'option-with-child', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect', customId: 10003 } },
  dueDate: { id: 'customfield_10004', name: 'Target Date', schema: { type: 'date', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker', customId: 10004 } },
  releasedAt: { id: 'customfield_10005', name: 'Released At', schema: { type: 'datetime', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime', customId: 10005 } },
  reviewer: { id: 'customfield_10006', name: 'Reviewer', schema: { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker', customId: 10006 } },
  watchersTeam: { id: 'customfield_10007', name: 'Stakeholders', schema: { type: 'array', items: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiuserpicker', customId: 10007 } },
  tags: { id: 'customfield_10008', name: 'Tags', schema: { type: 'array', items: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:labels', customId: 10008 } },
  notes: { id: 'customfield_10009', name: 'Customer Notes', schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', customId: 10009 } },
  // A second field with a display name that repeats, so name resolution must report ambiguity.
  teamLegacy: { id: 'customfield_10010', name: 'Team', schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', customId: 10010 } },
} as const;

export interface GeneratorOptions {
  seed: number;
  projects: number;
  issues: number;
  historyShape: 'longTail' | 'small';
  nowMs: number;
}

const DAY = 86_400_000;

/** How many histories an issue gets: most a few, some hundreds, a few over a thousand. */
function historyCount(random: () => number, shape: GeneratorOptions['historyShape']): number {
  if (shape === 'small') return between(random, 0, 5);
  const r = random();
  if (r < 0.002) return between(random, 1000, 1500);
  if (r < 0.05) return between(random, 41, 400);
  return between(random, 0, 12);
}

export class SimData {
  readonly projectKeys: string[];
  readonly users: SimUser[];
  readonly issues = new Map<number, SimIssue>();
  private readonly keyIndex = new Map<string, number>();
  private readonly nextNumber = new Map<string, number>();
  private nextIssueId = 10_000;
  private nextHistoryId: number;
  private nextLinkId = 50_000;
  private readonly sprints: Array<Record<string, unknown>>;
  readonly random: () => number;

  constructor(private readonly options: GeneratorOptions, private readonly now: () => number) {
    this.random = seededRandom(options.seed);
    this.projectKeys = Array.from({ length: options.projects }, (_, i) =>
      i < PROJECT_NAMES.length ? PROJECT_NAMES[i] : `P${i}`,
    );
    this.users = Array.from({ length: 12 }, (_, i) => ({
      accountId: `5b10ac8d82e05b22cc7d${String(4000 + i).padStart(4, '0')}`,
      displayName: `User ${String.fromCharCode(65 + i)}`,
      emailAddress: `user${i}@example.com`,
    }));
    const boardStart = options.nowMs - 120 * DAY;
    this.sprints = Array.from({ length: 8 }, (_, i) => ({
      id: 100 + i,
      name: `Sprint ${i + 1}`,
      state: i < 6 ? 'closed' : i === 6 ? 'active' : 'future',
      boardId: 7,
      goal: i % 2 ? `Ship increment ${i + 1}` : '',
      startDate: new Date(boardStart + i * 14 * DAY).toISOString(),
      endDate: new Date(boardStart + (i + 1) * 14 * DAY).toISOString(),
      ...(i < 6 ? { completeDate: new Date(boardStart + (i + 1) * 14 * DAY).toISOString() } : {}),
    }));
    this.nextHistoryId = 100_000;
    this.generate();
  }

  private generate() {
    const { issues, historyShape, nowMs } = this.options;
    const random = this.random;
    const span = 365 * DAY;
    for (let n = 0; n < issues; n++) {
      const project = this.projectKeys[n % this.projectKeys.length];
      const createdMs = nowMs - span + Math.floor((span * n) / Math.max(1, issues)) - between(random, 0, 3 * DAY);
      const count = historyCount(random, historyShape);
      const seed = Math.floor(random() * 2 ** 31);
      const issue = this.newIssue(project, createdMs, this.initialValues(project, random), { count, firstId: this.nextHistoryId, seed });
      this.nextHistoryId += count;
      // Generated histories end the issue's life so far: status follows the chain, updated the last one.
      if (count) {
        const chain = this.statusChain(issue, count);
        const histories = this.historySlice(issue, Math.max(0, count - 1), 1);
        issue.updatedMs = histories[0].createdMs;
        issue.values.status = chain[count];
        // Resolved when the walk ended in done: at the last move into it (close enough: the last history).
        if (chain[count].category === 'done') issue.values.resolutiondate = { instantMs: issue.updatedMs };
      }
    }
    this.addLinksAndParents(random);
  }

  private initialValues(project: string, random: () => number): Record<string, unknown> {
    const type = pick(random, ISSUE_TYPES.filter(t => !t.subtask));
    return {
      summary: `${pick(random, WORDS)} ${pick(random, WORDS)} ${pick(random, WORDS)}`,
      status: STATUSES[0],
      issuetype: type,
      priority: pick(random, PRIORITIES),
      assignee: random() < 0.8 ? pick(random, this.users) : null,
      reporter: pick(random, this.users),
      labels: LABELS.filter(() => random() < 0.2),
      components: random() < 0.5 ? [{ id: '30001', name: `${project.toLowerCase()}-api` }] : [],
      fixVersions: random() < 0.3 ? [{ id: '40001', name: '1.0' }] : [],
      issuelinks: [],
      parent: null,
      resolutiondate: null,
      [CUSTOM_FIELDS.storyPoints.id]: random() < 0.7 ? pick(random, [1, 2, 3, 5, 8, 13]) : null,
      [CUSTOM_FIELDS.sprint.id]: random() < 0.6 ? [pick(random, this.sprints)] : null,
      [CUSTOM_FIELDS.team.id]: random() < 0.8 ? pick(random, TEAMS) : null,
      [CUSTOM_FIELDS.platforms.id]: random() < 0.5 ? OPTIONS.filter(() => random() < 0.5) : null,
      [CUSTOM_FIELDS.area.id]: random() < 0.4 ? { id: '20201', value: 'Backend', child: { id: '20202', value: pick(random, ['API', 'Jobs', 'Storage']) } } : null,
      [CUSTOM_FIELDS.dueDate.id]: random() < 0.3 ? { dateMs: this.options.nowMs + between(random, -60, 60) * DAY } : null,
      [CUSTOM_FIELDS.releasedAt.id]: random() < 0.2 ? { instantMs: this.options.nowMs - between(random, 0, 300) * DAY } : null,
      [CUSTOM_FIELDS.reviewer.id]: random() < 0.5 ? pick(random, this.users) : null,
      [CUSTOM_FIELDS.watchersTeam.id]: random() < 0.3 ? this.users.filter(() => random() < 0.2) : null,
      [CUSTOM_FIELDS.tags.id]: random() < 0.3 ? ['alpha', 'beta'].filter(() => random() < 0.6) : null,
      [CUSTOM_FIELDS.notes.id]: random() < 0.3 ? `Note ${between(random, 1, 999)}` : null,
      [CUSTOM_FIELDS.teamLegacy.id]: null,
    };
  }

  private newIssue(project: string, createdMs: number, values: Record<string, unknown>, generated: SimIssue['generated']): SimIssue {
    const number = (this.nextNumber.get(project) ?? 0) + 1;
    this.nextNumber.set(project, number);
    const issue: SimIssue = {
      id: this.nextIssueId++,
      key: `${project}-${number}`,
      projectKey: project,
      createdMs,
      updatedMs: createdMs,
      values,
      generated,
      appended: [],
    };
    this.issues.set(issue.id, issue);
    this.keyIndex.set(issue.key, issue.id);
    return issue;
  }

  private addLinksAndParents(random: () => number) {
    const all = [...this.issues.values()];
    const byProject = new Map<string, SimIssue[]>();
    for (const issue of all) {
      if (!byProject.has(issue.projectKey)) byProject.set(issue.projectKey, []);
      byProject.get(issue.projectKey)!.push(issue);
    }
    for (const issue of all) {
      const r = random();
      if (r < 0.1 && all.length > 1) {
        const other = pick(random, all);
        if (other.id !== issue.id) this.link(issue, other, pick(random, ['Blocks', 'Relates', 'Duplicate']));
      } else if (r < 0.15) {
        const parent = pick(random, byProject.get(issue.projectKey)!);
        const usable = parent.id !== issue.id && !parent.values.parent && !(parent.values.issuetype as { subtask: boolean }).subtask;
        if (usable) {
          issue.values.issuetype = ISSUE_TYPES[3];
          issue.values.parent = parent.id;
        }
      }
    }
  }

  private link(a: SimIssue, b: SimIssue, type: string) {
    const id = this.nextLinkId++;
    (a.values.issuelinks as unknown[]).push({ id, type, outward: b.id });
    (b.values.issuelinks as unknown[]).push({ id, type, inward: a.id });
  }

  /** History `index` of the generated part, rebuilt from the issue's seed each time. */
  generatedHistory(issue: SimIssue, index: number, chain = this.statusChain(issue, index + 1)): SimHistory {
    const random = seededRandom(issue.generated.seed + index * 7919);
    const count = issue.generated.count;
    const end = Math.min(this.options.nowMs - DAY, issue.createdMs + 300 * DAY);
    const step = Math.max(60_000, Math.floor((end - issue.createdMs) / (count + 1)));
    const createdMs = issue.createdMs + step * (index + 1) + Math.floor(random() * Math.min(step / 2, 3600_000));
    const from = chain[index];
    const to = chain[index + 1];
    const items: SimHistoryItem[] = [];
    if (from.id !== to.id) {
      items.push({ field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.id, fromString: from.name, to: to.id, toString: to.name });
    }
    if (!items.length || random() < 0.3) {
      items.push({ field: 'description', fieldtype: 'jira', fieldId: 'description', from: null, fromString: `text ${index}`, to: null, toString: `text ${index + 1}` });
    }
    if (random() < 0.15) {
      items.push({ field: 'Rank', fieldtype: 'custom', fieldId: 'customfield_10019', from: '', fromString: '', to: '', toString: 'Ranked higher' });
    }
    return { id: issue.generated.firstId + index, createdMs, author: pick(random, this.users), items };
  }

  /** Statuses after 0..steps generated transitions: a seeded walk through the workflow. */
  private statusChain(issue: SimIssue, steps: number): SimStatus[] {
    const random = seededRandom(issue.generated.seed ^ 0x5bd1e995);
    let status = STATUSES[0];
    const chain = [status];
    for (let i = 0; i < steps; i++) {
      const r = random();
      if (status.id === '10000') status = r < 0.8 ? STATUSES[1] : status;
      else if (status.id === '10001') status = r < 0.5 ? STATUSES[2] : r < 0.6 ? STATUSES[4] : status;
      else if (status.id === '10002') status = r < 0.6 ? STATUSES[3] : r < 0.8 ? STATUSES[1] : status;
      else if (status.id === '10004') status = r < 0.5 ? STATUSES[1] : status;
      else status = r < 0.1 ? STATUSES[1] : status;
      chain.push(status);
    }
    return chain;
  }

  /** Every history of an issue, oldest first. */
  histories(issue: SimIssue): SimHistory[] {
    return this.historySlice(issue, 0, this.historyCount(issue));
  }

  historyCount(issue: SimIssue): number {
    return issue.generated.count + issue.appended.length;
  }

  /** Histories from `start` (oldest first), at most `limit`, without materialising the rest. */
  historySlice(issue: SimIssue, start: number, limit: number): SimHistory[] {
    const out: SimHistory[] = [];
    const end = Math.min(this.historyCount(issue), start + limit);
    const chain = start < issue.generated.count ? this.statusChain(issue, Math.min(end, issue.generated.count)) : [];
    for (let i = start; i < end; i++) {
      out.push(i < issue.generated.count ? this.generatedHistory(issue, i, chain) : issue.appended[i - issue.generated.count]);
    }
    return out;
  }

  resolve(idOrKey: string | number): SimIssue | undefined {
    const text = String(idOrKey);
    const id = /^\d+$/.test(text) ? Number(text) : this.keyIndex.get(text.toUpperCase());
    const issue = id === undefined ? undefined : this.issues.get(id);
    return issue && !issue.deleted ? issue : undefined;
  }

  live(): SimIssue[] {
    return [...this.issues.values()].filter(i => !i.deleted);
  }

  /** Applies changes as one history (Jira writes one history per edit), bumping `updated`. */
  update(issue: SimIssue, changes: Record<string, unknown>, author: SimUser, silent = false): SimHistory | undefined {
    const nowMs = Math.max(this.now(), issue.updatedMs + 1);
    const items: SimHistoryItem[] = [];
    for (const [field, value] of Object.entries(changes)) {
      const before = issue.values[field];
      const normalized = field === 'status' && typeof value === 'string' ? STATUSES.find(s => s.name === value || s.id === value) ?? value : value;
      if (JSON.stringify(before) === JSON.stringify(normalized)) continue;
      issue.values[field] = normalized;
      items.push(historyItem(field, before, normalized));
      if (field === 'status') {
        const done = (normalized as SimStatus).category === 'done';
        issue.values.resolutiondate = done ? { instantMs: nowMs } : null;
      }
    }
    if (!items.length || silent) return undefined;
    const history: SimHistory = { id: this.nextHistoryId++, createdMs: nowMs, author, items };
    issue.appended.push(history);
    issue.updatedMs = nowMs;
    return history;
  }

  create(project: string, fields: Record<string, unknown>, author: SimUser): SimIssue {
    if (!this.projectKeys.includes(project)) throw new Error(`no project ${project}`);
    const values = { ...this.initialValues(project, this.random), ...fields };
    if (typeof values.status === 'string') values.status = STATUSES.find(s => s.name === values.status) ?? STATUSES[0];
    values.reporter = author;
    return this.newIssue(project, this.now(), values, { count: 0, firstId: 0, seed: 0 });
  }

  move(issue: SimIssue, toProject: string, author: SimUser): SimHistory {
    if (!this.projectKeys.includes(toProject)) throw new Error(`no project ${toProject}`);
    const number = (this.nextNumber.get(toProject) ?? 0) + 1;
    this.nextNumber.set(toProject, number);
    const oldKey = issue.key;
    const oldProject = issue.projectKey;
    issue.key = `${toProject}-${number}`;
    issue.projectKey = toProject;
    this.keyIndex.set(issue.key, issue.id); // The old key keeps resolving, as in Jira.
    const nowMs = Math.max(this.now(), issue.updatedMs + 1);
    const history: SimHistory = {
      id: this.nextHistoryId++,
      createdMs: nowMs,
      author,
      items: [
        { field: 'project', fieldtype: 'jira', fieldId: 'project', from: projectId(oldProject), fromString: oldProject, to: projectId(toProject), toString: toProject },
        { field: 'Key', fieldtype: 'jira', from: null, fromString: oldKey, to: null, toString: issue.key },
      ],
    };
    issue.appended.push(history);
    issue.updatedMs = nowMs;
    return history;
  }

  /** A neutral value as Jira's REST API renders it. */
  renderValue(field: string, value: unknown, timeZone: string, baseUrl: string): unknown {
    if (value === null || value === undefined) return field === 'labels' || field === 'components' || field === 'fixVersions' || field === 'issuelinks' ? [] : null;
    switch (field) {
      case 'status': {
        const s = value as SimStatus;
        return { self: `${baseUrl}/rest/api/3/status/${s.id}`, id: s.id, name: s.name, description: '', statusCategory: { self: `${baseUrl}/rest/api/3/statuscategory/${CATEGORY[s.category].id}`, ...CATEGORY[s.category] } };
      }
      case 'issuetype':
        return { ...(value as object), self: `${baseUrl}/rest/api/3/issuetype/${(value as { id: string }).id}`, description: '', hierarchyLevel: (value as { subtask: boolean }).subtask ? -1 : 0 };
      case 'priority':
        return { ...(value as object), self: `${baseUrl}/rest/api/3/priority/${(value as { id: string }).id}` };
      case 'assignee':
      case 'reporter':
      case CUSTOM_FIELDS.reviewer.id:
        return renderUser(value as SimUser, baseUrl);
      case CUSTOM_FIELDS.watchersTeam.id:
        return (value as SimUser[]).map(u => renderUser(u, baseUrl));
      case 'components':
      case 'fixVersions':
        return (value as Array<{ id: string; name: string }>).map(v => ({ self: `${baseUrl}/rest/api/3/${field === 'components' ? 'component' : 'version'}/${v.id}`, ...v }));
      case 'parent': {
        const parent = this.issues.get(value as number);
        return parent ? { id: String(parent.id), key: parent.key, self: `${baseUrl}/rest/api/3/issue/${parent.id}` } : null;
      }
      case 'issuelinks':
        return (value as Array<{ id: number; type: string; outward?: number; inward?: number }>).flatMap(link => {
          const other = this.issues.get((link.outward ?? link.inward)!);
          if (!other || other.deleted) return [];
          const side = { id: String(other.id), key: other.key, self: `${baseUrl}/rest/api/3/issue/${other.id}` };
          const names = LINK_TYPES[link.type];
          return [{
            id: String(link.id),
            self: `${baseUrl}/rest/api/3/issueLink/${link.id}`,
            type: { id: names.id, name: link.type, inward: names.inward, outward: names.outward },
            ...(link.outward !== undefined ? { outwardIssue: side } : { inwardIssue: side }),
          }];
        });
      case CUSTOM_FIELDS.team.id:
      case CUSTOM_FIELDS.area.id:
        return { self: `${baseUrl}/rest/api/3/customFieldOption/${(value as { id: string }).id}`, ...(value as object) };
      case CUSTOM_FIELDS.platforms.id:
        return (value as Array<{ id: string }>).map(v => ({ self: `${baseUrl}/rest/api/3/customFieldOption/${v.id}`, ...v }));
      case CUSTOM_FIELDS.dueDate.id:
        return typeof value === 'object' && value && 'dateMs' in value ? localDate((value as { dateMs: number }).dateMs, 'UTC') : value;
      case 'resolutiondate':
      case CUSTOM_FIELDS.releasedAt.id:
        return typeof value === 'object' && value && 'instantMs' in value ? jiraTimestamp((value as { instantMs: number }).instantMs, timeZone) : value;
      default:
        return value;
    }
  }
}

const LINK_TYPES: Record<string, { id: string; inward: string; outward: string }> = {
  Blocks: { id: '10000', inward: 'is blocked by', outward: 'blocks' },
  Relates: { id: '10003', inward: 'relates to', outward: 'relates to' },
  Duplicate: { id: '10002', inward: 'is duplicated by', outward: 'duplicates' },
};

export const projectId = (key: string) => String(10_000 + [...key].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 9973, 7));

export function renderUser(user: SimUser | null, baseUrl: string) {
  if (!user) return null;
  return {
    self: `${baseUrl}/rest/api/3/user?accountId=${user.accountId}`,
    accountId: user.accountId,
    displayName: user.displayName,
    emailAddress: user.emailAddress,
    active: true,
    timeZone: 'UTC',
    accountType: 'atlassian',
    avatarUrls: { '48x48': `${baseUrl}/avatar/${user.accountId}.png` },
  };
}

/** The history item Jira writes for a changed field. */
function historyItem(field: string, before: unknown, after: unknown): SimHistoryItem {
  const text = (v: unknown): string | null => {
    if (v === null || v === undefined) return null;
    if (Array.isArray(v)) return v.map(x => text(x)).join(' ');
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return String(o.name ?? o.value ?? o.displayName ?? o.key ?? JSON.stringify(o));
    }
    return String(v);
  };
  const id = (v: unknown): string | null =>
    v && typeof v === 'object' && !Array.isArray(v) ? String((v as Record<string, unknown>).id ?? (v as Record<string, unknown>).accountId ?? '') || null : null;
  const custom = Object.values(CUSTOM_FIELDS).find(f => f.id === field);
  return {
    field: custom ? custom.name : field,
    fieldtype: custom ? 'custom' : 'jira',
    fieldId: field,
    from: id(before),
    fromString: text(before),
    to: id(after),
    toString: text(after),
  };
}
