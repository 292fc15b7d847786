import { between, pick, seededRandom } from './random';
import {
  AREA_CHILDREN, CUSTOM_FIELDS, ISSUE_TYPES, LABELS, PLATFORMS, PRIORITIES, PROJECT_NAMES, RESOLUTION_DONE, SEVERITIES,
  STATUSES, TEAMS, USERS, WORDS, customFieldById, makeSprints, projectId,
  type SimIssueType, type SimOption, type SimSprint, type SimStatus, type SimUser,
} from './catalog';
import { localDate } from './time';

const LINK_NAMES = { Blocks: 1, Relates: 1, Duplicate: 1 };

/** The simulator's data: projects, issues, lazily generated histories, and the mutations tests make. */

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

export interface SimComment {
  id: number;
  author: SimUser;
  body: string;
  createdMs: number;
}

/** What search evaluates and returns for an issue (may lag behind the issue itself). */
export interface SearchView {
  id: number;
  key: string;
  projectKey: string;
  createdMs: number;
  updatedMs: number;
  /** Field values in a neutral form; rendered to Jira's shape in render.ts. */
  values: Record<string, unknown>;
  /** Histories this version of the issue had. */
  historyCount: number;
  /** Not visible to search at all yet (created within the index lag). */
  hidden?: boolean;
}

export interface SimIssue extends SearchView {
  /** Values of the fields the generated histories change, as the issue was created. */
  initial: WalkState;
  /** Histories generated from a seed on demand (so 100k issues generate in seconds). */
  generated: { count: number; firstId: number; seed: number };
  /** Histories written by mutations after generation. */
  appended: SimHistory[];
  /** While the search index lags: what search still sees, and until when. */
  indexed?: { snapshot: SearchView; visibleAtMs: number };
  deleted?: boolean;
}

export interface GeneratorOptions {
  seed: number;
  projects: number;
  issues: number;
  historyShape: 'longTail' | 'small';
  nowMs: number;
  /** Histories' `created` as epoch ms in `changelog/bulkfetch` and Data Center changelogs (Atlassian's bulkfetch example). */
  epochHistoryTimes?: boolean;
}

/** The fields generated histories walk through. */
interface WalkState {
  status: SimStatus;
  assignee: SimUser | null;
  priority: { id: string; name: string };
  [CUSTOM_FIELDS.storyPoints.id]: number | null;
  [CUSTOM_FIELDS.sprint.id]: SimSprint[] | null;
  labels: string[];
  description: string | null;
  resolution: { id: string; name: string } | null;
  resolutiondate: number | null;
}
const WALK_FIELDS = ['status', 'assignee', 'priority', CUSTOM_FIELDS.storyPoints.id, CUSTOM_FIELDS.sprint.id, 'labels', 'description', 'resolution', 'resolutiondate'] as const;

const DAY = 86_400_000;
const POINTS = [1, 2, 3, 5, 8, 13];

/** How many histories an issue gets: most a few, ~5% some hundreds, a few over a thousand. */
function historyCount(random: () => number, shape: GeneratorOptions['historyShape']): number {
  if (shape === 'small') return between(random, 0, 5);
  const r = random();
  if (r < 0.002) return between(random, 1001, 1500);
  if (r < 0.05) return between(random, 41, 400);
  return between(random, 0, 12);
}

/** The next status of a seeded walk through the workflow. */
function nextStatus(status: SimStatus, r: number): SimStatus {
  switch (status.id) {
    case '10000': return STATUSES[1];
    case '10001': return r < 0.6 ? STATUSES[2] : STATUSES[4];
    case '10002': return r < 0.7 ? STATUSES[3] : STATUSES[1];
    case '10004': return STATUSES[1];
    default: return STATUSES[1]; // Reopened.
  }
}

export class SimData {
  readonly projectKeys: string[];
  readonly users = USERS;
  readonly sprints: SimSprint[];
  private readonly sprintEndMs: number[];
  readonly issues = new Map<number, SimIssue>();
  /** Parent id → sub-task ids. */
  readonly subtasks = new Map<number, number[]>();
  private readonly keyIndex = new Map<string, number>();
  private readonly nextNumber = new Map<string, number>();
  private nextIssueId = 10_000;
  private nextHistoryId = 100_000;
  private nextLinkId = 50_000;
  private nextCommentId = 70_000;
  /** Data Center renames: user key → current name (the key never changes). */
  private readonly renames = new Map<string, string>();
  readonly random: () => number;

  constructor(private readonly options: GeneratorOptions, private readonly now: () => number) {
    this.random = seededRandom(options.seed);
    this.projectKeys = Array.from({ length: options.projects }, (_, i) => (i < PROJECT_NAMES.length ? PROJECT_NAMES[i] : `PROJ${i + 1}`));
    this.sprints = makeSprints(options.nowMs);
    this.sprintEndMs = this.sprints.map(sp => Date.parse(sp.endDate));
    this.generate();
  }

  get epochHistoryTimes(): boolean {
    return this.options.epochHistoryTimes ?? false;
  }

  /** A user's Data Center login name now. */
  nameOf(user: SimUser): string {
    return this.renames.get(user.key) ?? user.name;
  }

  /** Renames a Data Center user, as an admin does: the name changes, the key and every issue stay. */
  renameUser(currentName: string, newName: string): SimUser {
    const all = USERS;
    const user = all.find(u => this.nameOf(u) === currentName);
    if (!user) throw new Error(`simulator: no user named ${currentName}`);
    if (all.some(u => u !== user && this.nameOf(u) === newName)) throw new Error(`simulator: the name ${newName} is taken`);
    this.renames.set(user.key, newName);
    return user;
  }

  private generate() {
    const { issues, historyShape, nowMs } = this.options;
    const random = this.random;
    const span = 365 * DAY;
    for (let n = 0; n < issues; n++) {
      const project = this.projectKeys[n % this.projectKeys.length];
      const createdMs = Math.min(nowMs - 3600_000, nowMs - span + Math.floor((span * n) / Math.max(1, issues)) + between(random, 0, DAY));
      const count = historyCount(random, historyShape);
      const seed = Math.floor(random() * 2 ** 31);
      const issue = this.newIssue(project, createdMs, this.initialValues(project, random, createdMs), { count, firstId: this.nextHistoryId, seed });
      this.nextHistoryId += count;
      if (count) {
        // Generated histories are the issue's life so far: its values and `updated` are where the walk ends.
        let last: SimHistory | undefined;
        const final = this.walk(issue, count, count - 1, h => (last = h));
        Object.assign(issue.values, final);
        issue.updatedMs = last!.createdMs;
      }
    }
    this.addLinksAndParents(random);
  }

  private initialValues(project: string, random: () => number, createdMs: number): Record<string, unknown> {
    const type = pick(random, ISSUE_TYPES.filter(t => !t.subtask));
    const sprint = this.sprints.filter(s => Date.parse(s.endDate) > createdMs);
    return {
      summary: `${pick(random, WORDS)} ${pick(random, WORDS)} ${pick(random, WORDS)}`,
      description: random() < 0.7 ? `Initial description ${between(random, 1, 9999)}` : null,
      status: STATUSES[0],
      issuetype: type,
      priority: pick(random, PRIORITIES),
      assignee: random() < 0.7 ? pick(random, USERS) : null,
      reporter: pick(random, USERS),
      labels: LABELS.filter(() => random() < 0.2),
      components: random() < 0.5 ? [{ id: '30001', name: `${project.toLowerCase()}-api` }] : [],
      fixVersions: random() < 0.3 ? [{ id: '40001', name: '1.0' }] : [],
      issuelinks: [],
      parent: null,
      resolution: null,
      resolutiondate: null,
      comment: [],
      [CUSTOM_FIELDS.storyPoints.id]: random() < 0.6 ? pick(random, POINTS) : null,
      [CUSTOM_FIELDS.sprint.id]: sprint.length && random() < 0.6 ? [sprint[0]] : null,
      [CUSTOM_FIELDS.team.id]: random() < 0.8 ? pick(random, TEAMS) : null,
      [CUSTOM_FIELDS.platforms.id]: random() < 0.5 ? PLATFORMS.filter(() => random() < 0.5) : null,
      [CUSTOM_FIELDS.area.id]: random() < 0.4 ? { id: '20201', value: 'Backend', child: pick(random, AREA_CHILDREN) } : null,
      [CUSTOM_FIELDS.targetDate.id]: random() < 0.3 ? localDate(createdMs + between(random, 5, 90) * DAY, 'UTC') : null,
      [CUSTOM_FIELDS.releasedAt.id]: random() < 0.2 ? createdMs + between(random, 1, 60) * DAY : null,
      [CUSTOM_FIELDS.reviewer.id]: random() < 0.5 ? pick(random, USERS) : null,
      [CUSTOM_FIELDS.stakeholders.id]: random() < 0.3 ? USERS.filter(() => random() < 0.2) : null,
      [CUSTOM_FIELDS.tags.id]: random() < 0.3 ? ['alpha', 'beta'].filter(() => random() < 0.6) : null,
      [CUSTOM_FIELDS.notes.id]: random() < 0.3 ? `Note ${between(random, 1, 999)}` : null,
      [CUSTOM_FIELDS.teamLegacy.id]: null,
      [CUSTOM_FIELDS.severity.id]: type.name === 'Bug' ? pick(random, SEVERITIES) : null,
      [CUSTOM_FIELDS.rank.id]: `0|i${(createdMs % 1e6).toString(36).padStart(5, '0')}:`,
    };
  }

  private newIssue(project: string, createdMs: number, values: Record<string, unknown>, generated: SimIssue['generated']): SimIssue {
    const number = (this.nextNumber.get(project) ?? 0) + 1;
    this.nextNumber.set(project, number);
    const initial = Object.fromEntries(WALK_FIELDS.map(f => [f, values[f]])) as unknown as WalkState;
    const issue: SimIssue = {
      id: this.nextIssueId++,
      key: `${project}-${number}`,
      projectKey: project,
      createdMs,
      updatedMs: createdMs,
      values,
      historyCount: generated.count,
      initial,
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
        if (other.id !== issue.id) this.link(issue, other, pick(random, Object.keys(LINK_NAMES)));
      } else if (r < 0.15) {
        const parent = pick(random, byProject.get(issue.projectKey)!);
        const usable = parent.id !== issue.id && !parent.values.parent && !(parent.values.issuetype as SimIssueType).subtask && !this.subtasks.has(issue.id);
        if (usable) {
          issue.values.issuetype = ISSUE_TYPES[3];
          issue.values.parent = parent.id;
          this.addSubtask(parent.id, issue.id);
        }
      }
    }
  }

  private addSubtask(parentId: number, childId: number) {
    const list = this.subtasks.get(parentId) ?? [];
    list.push(childId);
    this.subtasks.set(parentId, list);
  }

  /** Links two issues: both sides carry the same link id. */
  link(a: SimIssue, b: SimIssue, type: string) {
    const id = this.nextLinkId++;
    (a.values.issuelinks as unknown[]).push({ id, type, outward: b.id });
    (b.values.issuelinks as unknown[]).push({ id, type, inward: a.id });
    return id;
  }

  /**
   * Replays an issue's generated histories up to `end` from its creation values (a seeded walk), calling
   * `emit` for those from `start`; returns the state after them. Nothing is stored, so memory stays flat.
   */
  private walk(issue: SimIssue, end: number, start: number, emit: (h: SimHistory) => void): WalkState {
    const random = seededRandom(issue.generated.seed);
    const { count, firstId } = issue.generated;
    const last = Math.max(issue.createdMs + count + 1, Math.min(this.options.nowMs - 60_000, issue.createdMs + 300 * DAY));
    const step = Math.max(1, Math.floor((last - issue.createdMs) / (count + 1)));
    let state: WalkState = { ...issue.initial };
    const changed: Array<(typeof WALK_FIELDS)[number]> = [];
    for (let i = 0; i < end; i++) {
      const createdMs = issue.createdMs + step * (i + 1) + Math.floor(random() * (step / 2));
      const next: WalkState = { ...state };
      const r = random();
      const r2 = random();
      changed.length = 0;
      if (r < 0.45) {
        next.status = nextStatus(state.status, r2);
        changed.push('status');
        if (next.status.category === 'done' && state.status.category !== 'done') {
          next.resolution = RESOLUTION_DONE;
          next.resolutiondate = createdMs;
          changed.push('resolution');
        } else if (next.status.category !== 'done' && state.status.category === 'done') {
          next.resolution = null;
          next.resolutiondate = null;
          changed.push('resolution');
        }
      } else if (r < 0.6) {
        next.assignee = r2 < 0.1 ? null : USERS[Math.floor(r2 * USERS.length)];
        changed.push('assignee');
      } else if (r < 0.68) {
        next.priority = PRIORITIES[Math.floor(r2 * PRIORITIES.length)];
        changed.push('priority');
      } else if (r < 0.76) {
        next[CUSTOM_FIELDS.storyPoints.id] = r2 < 0.1 ? null : POINTS[Math.floor(r2 * POINTS.length)];
        changed.push(CUSTOM_FIELDS.storyPoints.id);
      } else if (r < 0.82) {
        // Carried over into the next sprint, as Jira appends sprints.
        const current = state[CUSTOM_FIELDS.sprint.id] ?? [];
        const following = this.sprints.find((s, n) => this.sprintEndMs[n] > createdMs && !current.some(c => c.id === s.id));
        if (following) next[CUSTOM_FIELDS.sprint.id] = [...current, following];
        changed.push(CUSTOM_FIELDS.sprint.id);
      } else if (r < 0.88) {
        const label = LABELS[Math.floor(r2 * LABELS.length)];
        next.labels = state.labels.includes(label) ? state.labels.filter(l => l !== label) : [...state.labels, label].sort();
        changed.push('labels');
      } else {
        next.description = `Description revision ${i + 1}`;
        changed.push('description');
      }
      if (i >= start) {
        const items: SimHistoryItem[] = [];
        for (const field of changed) if (state[field] !== next[field]) items.push(historyItem(field, state[field], next[field]));
        if (!items.length || r2 > 0.9) items.push({ field: 'Rank', fieldtype: 'custom', fieldId: CUSTOM_FIELDS.rank.id, from: '', fromString: '', to: '', toString: 'Ranked higher' });
        emit({ id: firstId + i, createdMs, author: USERS[Math.floor(random() * USERS.length)], items });
      } else {
        random();
      }
      state = next;
    }
    return state;
  }

  /** Every history of an issue, oldest first. */
  histories(issue: SimIssue): SimHistory[] {
    return this.historySlice(issue, 0, this.historyCountOf(issue));
  }

  historyCountOf(issue: SimIssue): number {
    return issue.generated.count + issue.appended.length;
  }

  /** Histories from `start` (oldest first), at most `limit`, without materialising the rest. */
  historySlice(issue: SimIssue, start: number, limit: number): SimHistory[] {
    const out: SimHistory[] = [];
    const end = Math.min(this.historyCountOf(issue), start + limit);
    const generatedEnd = Math.min(end, issue.generated.count);
    if (start < generatedEnd) this.walk(issue, generatedEnd, start, h => out.push(h));
    for (let i = Math.max(start, issue.generated.count); i < end; i++) out.push(issue.appended[i - issue.generated.count]);
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

  /** A value given by a test in API-ish form (names, ids, keys, accountIds) in the neutral form. */
  normalize(field: string, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    const text = (v: unknown) => (typeof v === 'object' && v ? String((v as Record<string, unknown>).name ?? (v as Record<string, unknown>).value ?? (v as Record<string, unknown>).id ?? '') : String(v));
    const byIdOrName = <T extends { id: string | number; name?: string; value?: string }>(list: readonly T[], v: unknown): T => {
      const wanted = typeof v === 'object' && v ? [(v as Record<string, unknown>).id, (v as Record<string, unknown>).name, (v as Record<string, unknown>).value].map(x => (x === undefined ? undefined : String(x))) : [String(v)];
      const hit = list.find(item => wanted.some(w => w !== undefined && (String(item.id) === w || item.name === w || item.value === w)));
      if (!hit) throw new Error(`simulator: ${JSON.stringify(v)} is not a valid value of ${field}`);
      return hit;
    };
    const user = (v: unknown) => {
      const wanted = typeof v === 'object' && v ? (v as Record<string, unknown>).accountId ?? (v as Record<string, unknown>).name : v;
      const hit = [...USERS].find(u => u.accountId === wanted || this.nameOf(u) === wanted || u.key === wanted || u.displayName === wanted);
      if (!hit) throw new Error(`simulator: no user ${JSON.stringify(v)}`);
      return hit;
    };
    switch (field) {
      case 'status': return byIdOrName(STATUSES, value);
      case 'priority': return byIdOrName(PRIORITIES, value);
      case 'issuetype': return byIdOrName(ISSUE_TYPES, value);
      case 'resolution': return RESOLUTION_DONE;
      case 'assignee':
      case 'reporter':
      case CUSTOM_FIELDS.reviewer.id:
        return user(value);
      case CUSTOM_FIELDS.stakeholders.id: return (value as unknown[]).map(user);
      case CUSTOM_FIELDS.team.id: return byIdOrName(TEAMS, value);
      case CUSTOM_FIELDS.severity.id: return byIdOrName(SEVERITIES, value);
      case CUSTOM_FIELDS.platforms.id: return (value as unknown[]).map(v => byIdOrName(PLATFORMS, v));
      case CUSTOM_FIELDS.sprint.id: return (Array.isArray(value) ? value : [value]).map(v => byIdOrName(this.sprints, v));
      case CUSTOM_FIELDS.releasedAt.id:
      case 'resolutiondate':
        return typeof value === 'number' ? value : Date.parse(String(value));
      case 'parent': {
        const parent = this.resolve(typeof value === 'object' ? text(value) || String((value as { key?: string }).key) : String(value));
        if (!parent) throw new Error(`simulator: no parent ${JSON.stringify(value)}`);
        return parent.id;
      }
      case 'labels':
      case CUSTOM_FIELDS.tags.id:
        return [...(value as string[])];
      case CUSTOM_FIELDS.area.id: {
        const v = value as SimOption;
        return { id: v.id ?? '20201', value: v.value ?? 'Backend', ...(v.child ? { child: byIdOrName(AREA_CHILDREN, v.child) } : {}) };
      }
      default:
        return value;
    }
  }

  /** Applies changes as one history (Jira writes one history per edit) and bumps `updated`; silent: neither. */
  update(issue: SimIssue, changes: Record<string, unknown>, author: SimUser, silent = false): SimHistory | undefined {
    const nowMs = Math.max(this.now(), issue.updatedMs + 1);
    const items: SimHistoryItem[] = [];
    for (const [field, raw] of Object.entries(changes)) {
      if (field === 'key' || field === 'project' || field === 'created' || field === 'updated') throw new Error(`simulator: ${field} cannot be edited (use moveIssue)`);
      const before = issue.values[field] ?? null;
      const after = this.normalize(field, raw);
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      issue.values[field] = after;
      if (field === 'parent') this.reparent(issue, before as number | null, after as number | null);
      items.push(historyItem(field, before, after, this));
      if (field === 'status') {
        const wasDone = (before as SimStatus).category === 'done';
        const isDone = (after as SimStatus).category === 'done';
        if (isDone && !wasDone && !issue.values.resolution) {
          items.push(historyItem('resolution', null, RESOLUTION_DONE));
          issue.values.resolution = RESOLUTION_DONE;
          issue.values.resolutiondate = nowMs;
        } else if (!isDone && wasDone && issue.values.resolution) {
          items.push(historyItem('resolution', issue.values.resolution, null));
          issue.values.resolution = null;
          issue.values.resolutiondate = null;
        }
      }
    }
    if (!items.length || silent) return undefined;
    return this.append(issue, nowMs, author, items);
  }

  private append(issue: SimIssue, createdMs: number, author: SimUser, items: SimHistoryItem[]): SimHistory {
    const history: SimHistory = { id: this.nextHistoryId++, createdMs, author, items };
    issue.appended.push(history);
    issue.historyCount = this.historyCountOf(issue);
    issue.updatedMs = createdMs;
    return history;
  }

  private reparent(issue: SimIssue, before: number | null, after: number | null) {
    if (before !== null) this.subtasks.set(before, (this.subtasks.get(before) ?? []).filter(id => id !== issue.id));
    if (after !== null) this.addSubtask(after, issue.id);
  }

  /** A new issue, created now by `author`: creation writes no history. */
  create(project: string, fields: Record<string, unknown>, author: SimUser): SimIssue {
    if (!this.projectKeys.includes(project)) throw new Error(`simulator: no project ${project}`);
    const createdMs = this.now();
    const values = this.initialValues(project, this.random, createdMs);
    values.reporter = author;
    for (const [field, raw] of Object.entries(fields)) values[field] = this.normalize(field, raw);
    if ((values.status as SimStatus).category === 'done') {
      values.resolution = RESOLUTION_DONE;
      values.resolutiondate = createdMs;
    }
    const issue = this.newIssue(project, createdMs, values, { count: 0, firstId: 0, seed: 0 });
    if (values.parent) this.addSubtask(values.parent as number, issue.id);
    return issue;
  }

  /** Deletes an issue and, as Jira does, its sub-tasks. */
  delete(issue: SimIssue): SimIssue[] {
    const gone = [issue, ...(this.subtasks.get(issue.id) ?? []).map(id => this.issues.get(id)!).filter(s => !s.deleted)];
    for (const i of gone) i.deleted = true;
    if (issue.values.parent) this.reparent(issue, issue.values.parent as number, null);
    return gone;
  }

  /** Moves an issue to another project: a new key, the same id, `project` and `Key` history items. */
  move(issue: SimIssue, toProject: string, author: SimUser): SimHistory {
    if (!this.projectKeys.includes(toProject)) throw new Error(`simulator: no project ${toProject}`);
    if (toProject === issue.projectKey) throw new Error(`simulator: ${issue.key} is already in ${toProject}`);
    const number = (this.nextNumber.get(toProject) ?? 0) + 1;
    this.nextNumber.set(toProject, number);
    const oldKey = issue.key;
    const oldProject = issue.projectKey;
    issue.key = `${toProject}-${number}`;
    issue.projectKey = toProject;
    this.keyIndex.set(issue.key, issue.id); // The old key keeps resolving, as in Jira.
    return this.append(issue, Math.max(this.now(), issue.updatedMs + 1), author, [
      { field: 'project', fieldtype: 'jira', fieldId: 'project', from: projectId(oldProject), fromString: oldProject, to: projectId(toProject), toString: toProject },
      { field: 'Key', fieldtype: 'jira', from: null, fromString: oldKey, to: null, toString: issue.key },
    ]);
  }

  /** A comment bumps `updated` but writes no history (a classic "updated but nothing changed" case). */
  comment(issue: SimIssue, body: string, author: SimUser): SimComment {
    const createdMs = Math.max(this.now(), issue.updatedMs + 1);
    const comment: SimComment = { id: this.nextCommentId++, author, body, createdMs };
    (issue.values.comment as SimComment[]).push(comment);
    issue.updatedMs = createdMs;
    return comment;
  }
}

const plain = (v: unknown) => {
  if (v === null || v === undefined) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
};
const join = <T,>(v: unknown, sep: string, f: (x: T) => string) => (Array.isArray(v) && v.length ? (v as T[]).map(f).join(sep) : null);
const named = (x: unknown) => x as { id: string; name: string } | null;
const asUser = (x: unknown) => x as SimUser | null;
const asOption = (x: unknown) => x as SimOption | null;
const accountIdOf = (u: SimUser) => u.accountId;
const displayNameOf = (u: SimUser) => u.displayName;
const sprintIdOf = (s: SimSprint) => String(s.id);
const sprintNameOf = (s: SimSprint) => s.name;
const optionIdOf = (o: SimOption) => o.id;
const optionValueOf = (o: SimOption) => o.value;
const labelOf = (l: string) => l;
const isoOf = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(ms as number).toISOString());
const cascading = (x: unknown) => {
  const o = x as SimOption | null;
  return o ? `Parent values: ${o.value}(${o.id})${o.child ? `Level 1 values: ${o.child.value}(${o.child.id})` : ''}` : null;
};
const SIMPLE = new Set(['status', 'priority', 'issuetype', 'resolution']);
const USER_FIELDS = new Set<string>(['assignee', 'reporter', CUSTOM_FIELDS.reviewer.id]);
const OPTION_FIELDS = new Set<string>([CUSTOM_FIELDS.team.id, CUSTOM_FIELDS.severity.id]);

/** The history item Jira writes for a changed field (values in neutral form). */
export function historyItem(field: string, before: unknown, after: unknown, data?: SimData): SimHistoryItem {
  const custom = customFieldById.get(field);
  const name = custom ? custom.name : field;
  const fieldtype = custom ? 'custom' : 'jira';
  const item = (from: string | null, fromString: string | null, to: string | null, toString: string | null): SimHistoryItem =>
    ({ field: name, fieldtype, fieldId: field, from, fromString, to, toString });
  if (SIMPLE.has(field)) return item(named(before)?.id ?? null, named(before)?.name ?? null, named(after)?.id ?? null, named(after)?.name ?? null);
  if (USER_FIELDS.has(field)) return item(asUser(before)?.accountId ?? null, asUser(before)?.displayName ?? null, asUser(after)?.accountId ?? null, asUser(after)?.displayName ?? null);
  if (OPTION_FIELDS.has(field)) return item(asOption(before)?.id ?? null, asOption(before)?.value ?? null, asOption(after)?.id ?? null, asOption(after)?.value ?? null);
  switch (field) {
    case CUSTOM_FIELDS.stakeholders.id:
      return item(join(before, ', ', accountIdOf), join(before, ', ', displayNameOf), join(after, ', ', accountIdOf), join(after, ', ', displayNameOf));
    case CUSTOM_FIELDS.sprint.id:
      return item(join(before, ', ', sprintIdOf), join(before, ', ', sprintNameOf), join(after, ', ', sprintIdOf), join(after, ', ', sprintNameOf));
    case CUSTOM_FIELDS.platforms.id:
      return item(join(before, ',', optionIdOf), join(before, ',', optionValueOf), join(after, ',', optionIdOf), join(after, ',', optionValueOf));
    case CUSTOM_FIELDS.area.id:
      return item(null, cascading(before), null, cascading(after));
    case 'labels':
    case CUSTOM_FIELDS.tags.id:
      return item(null, join(before, ' ', labelOf) ?? '', null, join(after, ' ', labelOf) ?? '');
    case 'parent': {
      // Cloud records a parent change as IssueParentAssociation with ids and keys.
      const key = (id: unknown) => (id === null ? null : data?.issues.get(id as number)?.key ?? null);
      return { field: 'IssueParentAssociation', fieldtype: 'jira', from: plain(before), fromString: key(before), to: plain(after), toString: key(after) };
    }
    case CUSTOM_FIELDS.targetDate.id:
      return item(plain(before), plain(before), plain(after), plain(after));
    case CUSTOM_FIELDS.releasedAt.id:
      return item(isoOf(before), isoOf(before), isoOf(after), isoOf(after));
    default:
      // Story points, summary, description, text: Jira keeps only the strings.
      return item(null, plain(before), null, plain(after));
  }
}
