/** The fixed vocabulary of the simulated site: statuses, types, priorities, users, sprints and fields. */

export interface SimUser {
  accountId: string;
  /** Data Center's login name: changes when the user is renamed (`SimData.renameUser`); this is the first one. */
  name: string;
  /** Data Center's user key (`JIRAUSER10400`): never changes, and differs from the name. */
  key: string;
  displayName: string;
  emailAddress: string;
}

export interface SimStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

export interface SimOption {
  id: string;
  value: string;
  child?: { id: string; value: string };
}

export interface SimSprint {
  id: number;
  name: string;
  state: 'closed' | 'active' | 'future';
  boardId: number;
  goal: string;
  startDate: string;
  endDate: string;
  completeDate?: string;
}

export const STATUSES: SimStatus[] = [
  { id: '10000', name: 'To Do', category: 'new' },
  { id: '10001', name: 'In Progress', category: 'indeterminate' },
  { id: '10002', name: 'In Review', category: 'indeterminate' },
  { id: '10003', name: 'Done', category: 'done' },
  { id: '10004', name: 'Blocked', category: 'indeterminate' },
];

export const STATUS_CATEGORIES = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
} as const;

export const ISSUE_TYPES = [
  { id: '10001', name: 'Story', subtask: false },
  { id: '10002', name: 'Bug', subtask: false },
  { id: '10003', name: 'Task', subtask: false },
  { id: '10004', name: 'Sub-task', subtask: true },
];
export type SimIssueType = (typeof ISSUE_TYPES)[number];

export const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
];

export const RESOLUTION_DONE = { id: '10000', name: 'Done' };

export const LABELS = ['backend', 'frontend', 'infra', 'security', 'tech-debt', 'customer', 'performance'];
export const TEAMS: SimOption[] = [
  { id: '20001', value: 'Platform' },
  { id: '20002', value: 'Payments' },
  { id: '20003', value: 'Growth' },
];
export const PLATFORMS: SimOption[] = [
  { id: '20101', value: 'iOS' },
  { id: '20102', value: 'Android' },
  { id: '20103', value: 'Web' },
];
export const AREA_CHILDREN: SimOption[] = [
  { id: '20202', value: 'API' },
  { id: '20203', value: 'Jobs' },
  { id: '20204', value: 'Storage' },
];
export const PROJECT_NAMES = ['ALPHA', 'BETA', 'GAMMA', 'DELTA', 'EPSILON', 'ZETA', 'ETA', 'THETA', 'IOTA', 'KAPPA'];
export const WORDS = ['Fix', 'Add', 'Improve', 'Remove', 'Refactor', 'Document', 'Migrate', 'Investigate', 'login', 'billing', 'search', 'cache', 'API', 'timeouts', 'dashboard', 'export', 'webhooks', 'alerts'];

export const LINK_TYPES: Record<string, { id: string; inward: string; outward: string }> = {
  Blocks: { id: '10000', inward: 'is blocked by', outward: 'blocks' },
  Relates: { id: '10003', inward: 'relates to', outward: 'relates to' },
  Duplicate: { id: '10002', inward: 'is duplicated by', outward: 'duplicates' },
};

export const USERS: SimUser[] = Array.from({ length: 12 }, (_, i) => ({
  accountId: `5b10ac8d82e05b22cc7d${String(4000 + i).padStart(4, '0')}`,
  name: `user${i}`,
  key: `JIRAUSER${10_400 + i}`,
  displayName: `User ${String.fromCharCode(65 + i)}`,
  emailAddress: `user${i}@example.com`,
}));

/** The account the API credentials belong to (the "searching user"). */
export const SYNC_BOT: SimUser = {
  accountId: '5b10ac8d82e05b22cc7d9999',
  name: 'sync-bot',
  key: 'JIRAUSER10999',
  displayName: 'Sync Bot',
  emailAddress: 'sync-bot@example.com',
};

const DAY = 86_400_000;

/** Eight two-week sprints on one board ending around "now": six closed, one active, one future. */
export function makeSprints(nowMs: number): SimSprint[] {
  const boardStart = nowMs - 96 * DAY;
  return Array.from({ length: 8 }, (_, i) => ({
    id: 100 + i,
    name: `Sprint ${i + 1}`,
    state: (['closed', 'active', 'future'] as const)[Math.sign(i - 6) + 1],
    boardId: 7,
    goal: i % 2 ? `Ship increment ${i + 1}` : '',
    startDate: new Date(boardStart + i * 14 * DAY).toISOString(),
    endDate: new Date(boardStart + (i + 1) * 14 * DAY).toISOString(),
    ...(i < 6 ? { completeDate: new Date(boardStart + (i + 1) * 14 * DAY).toISOString() } : {}),
  }));
}

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes';

/** Custom fields of every type a sync maps (ids as Jira Cloud numbers them). */
export const CUSTOM_FIELDS = {
  storyPoints: { id: 'customfield_10016', name: 'Story Points', schema: { type: 'number', custom: 'com.pyxis.greenhopper.jira:jsw-story-points', customId: 10016 } },
  sprint: { id: 'customfield_10020', name: 'Sprint', schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020 } },
  team: { id: 'customfield_10001', name: 'Team', schema: { type: 'option', custom: `${CF}:select`, customId: 10001 } },
  platforms: { id: 'customfield_10002', name: 'Platforms', schema: { type: 'array', items: 'option', custom: `${CF}:multiselect`, customId: 10002 } },
  area: { id: 'customfield_10003', name: 'Area', schema: { type: 'option-with-child', custom: `${CF}:cascadingselect`, customId: 10003 } },
  targetDate: { id: 'customfield_10004', name: 'Target Date', schema: { type: 'date', custom: `${CF}:datepicker`, customId: 10004 } },
  releasedAt: { id: 'customfield_10005', name: 'Released At', schema: { type: 'datetime', custom: `${CF}:datetime`, customId: 10005 } },
  reviewer: { id: 'customfield_10006', name: 'Reviewer', schema: { type: 'user', custom: `${CF}:userpicker`, customId: 10006 } },
  stakeholders: { id: 'customfield_10007', name: 'Stakeholders', schema: { type: 'array', items: 'user', custom: `${CF}:multiuserpicker`, customId: 10007 } },
  tags: { id: 'customfield_10008', name: 'Tags', schema: { type: 'array', items: 'string', custom: `${CF}:labels`, customId: 10008 } },
  notes: { id: 'customfield_10009', name: 'Customer Notes', schema: { type: 'string', custom: `${CF}:textfield`, customId: 10009 } },
  // A second field whose display name repeats, so resolving fields by name must report ambiguity.
  teamLegacy: { id: 'customfield_10010', name: 'Team', schema: { type: 'string', custom: `${CF}:textfield`, customId: 10010 } },
  severity: { id: 'customfield_10011', name: 'Severity', schema: { type: 'option', custom: `${CF}:radiobuttons`, customId: 10011 } },
  rank: { id: 'customfield_10019', name: 'Rank', schema: { type: 'any', custom: 'com.pyxis.greenhopper.jira:gh-lexo-rank', customId: 10019 } },
} as const;
export const SEVERITIES: SimOption[] = [
  { id: '20301', value: 'S1' },
  { id: '20302', value: 'S2' },
  { id: '20303', value: 'S3' },
];

/** Data Center (and Cloud sites of that age) types the Sprint field as strings: legacy `Sprint@…[…]` values. */
export const DATA_CENTER_SPRINT_SCHEMA = { type: 'array', items: 'string', custom: 'com.pyxis.greenhopper.jira:gh-sprint', customId: 10020 } as const;

export const customFieldById = new Map<string, (typeof CUSTOM_FIELDS)[keyof typeof CUSTOM_FIELDS]>(
  Object.values(CUSTOM_FIELDS).map(f => [f.id, f]),
);

/** System fields: id, name, schema, JQL clause names, navigable (in `*navigable`). */
export const SYSTEM_FIELDS: Array<{ id: string; name: string; schema: Record<string, unknown>; clauseNames: string[]; navigable: boolean }> = [
  { id: 'summary', name: 'Summary', schema: { type: 'string', system: 'summary' }, clauseNames: ['summary'], navigable: true },
  { id: 'description', name: 'Description', schema: { type: 'string', system: 'description' }, clauseNames: ['description'], navigable: true },
  { id: 'status', name: 'Status', schema: { type: 'status', system: 'status' }, clauseNames: ['status'], navigable: true },
  { id: 'issuetype', name: 'Issue Type', schema: { type: 'issuetype', system: 'issuetype' }, clauseNames: ['issuetype', 'type'], navigable: true },
  { id: 'project', name: 'Project', schema: { type: 'project', system: 'project' }, clauseNames: ['project'], navigable: true },
  { id: 'priority', name: 'Priority', schema: { type: 'priority', system: 'priority' }, clauseNames: ['priority'], navigable: true },
  { id: 'assignee', name: 'Assignee', schema: { type: 'user', system: 'assignee' }, clauseNames: ['assignee'], navigable: true },
  { id: 'reporter', name: 'Reporter', schema: { type: 'user', system: 'reporter' }, clauseNames: ['reporter'], navigable: true },
  { id: 'labels', name: 'Labels', schema: { type: 'array', items: 'string', system: 'labels' }, clauseNames: ['labels'], navigable: true },
  { id: 'components', name: 'Components', schema: { type: 'array', items: 'component', system: 'components' }, clauseNames: ['component'], navigable: true },
  { id: 'fixVersions', name: 'Fix versions', schema: { type: 'array', items: 'version', system: 'fixVersions' }, clauseNames: ['fixVersion'], navigable: true },
  { id: 'parent', name: 'Parent', schema: { type: 'issuelink', system: 'parent' }, clauseNames: ['parent'], navigable: true },
  { id: 'subtasks', name: 'Sub-tasks', schema: { type: 'array', items: 'issuelinks', system: 'subtasks' }, clauseNames: ['subtasks'], navigable: true },
  { id: 'created', name: 'Created', schema: { type: 'datetime', system: 'created' }, clauseNames: ['created', 'createdDate'], navigable: true },
  { id: 'updated', name: 'Updated', schema: { type: 'datetime', system: 'updated' }, clauseNames: ['updated', 'updatedDate'], navigable: true },
  { id: 'resolution', name: 'Resolution', schema: { type: 'resolution', system: 'resolution' }, clauseNames: ['resolution'], navigable: true },
  { id: 'resolutiondate', name: 'Resolved', schema: { type: 'datetime', system: 'resolutiondate' }, clauseNames: ['resolutiondate', 'resolved'], navigable: true },
  { id: 'issuelinks', name: 'Linked Issues', schema: { type: 'array', items: 'issuelinks', system: 'issuelinks' }, clauseNames: ['issueLink'], navigable: true },
  // Comments are not navigable: `*navigable` leaves them out, `*all` includes them.
  { id: 'comment', name: 'Comment', schema: { type: 'comments-page', system: 'comment' }, clauseNames: ['comment'], navigable: false },
];

export const ALL_FIELD_IDS = [...SYSTEM_FIELDS.map(f => f.id), ...Object.values(CUSTOM_FIELDS).map(f => f.id)];
export const NAVIGABLE_FIELD_IDS = ALL_FIELD_IDS.filter(id => SYSTEM_FIELDS.find(f => f.id === id)?.navigable ?? true);

/** A project's numeric id, stable per key. */
export const projectId = (key: string) => String(10_000 + [...key].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 9973, 7));
