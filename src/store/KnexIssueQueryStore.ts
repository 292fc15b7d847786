import type { Knex } from 'knex';
import { queryWords } from './searchText';
import { connect, type StoreOptions } from './database';
import {
  IDS_PER_STATEMENT,
  ISSUE_LIST_COLUMNS,
  T,
  chunk,
  idOf,
  isSqlite,
  issueListItemFromRow,
  itemFromRow,
  historyFromRow,
  linkFromRow,
  msOf,
  msOrNull,
  parseJson,
} from './rows';
import type {
  StatusChangeRecord,
  StatusGroupRecord,
  FlowIssueRecord,
  HistoryRecord,
  IssueDetailRecord,
  IssueAccessCriterion,
  IssueAccessScope,
  IssueAnyOfFilter,
  IssueFacets,
  IssueFilter,
  IssueListItem,
  IssuePageRequest,
  IssueQueryStore,
  IssueSort,
  Page,
  StatusCategoryCounts,
} from './types';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** Thrown for a cursor this store did not issue (or one issued for another sort). */
export class InvalidCursorError extends Error {
  constructor(message = 'invalid cursor') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

/** A row of ISSUE_LIST_COLUMNS, as the driver returns it. */
type ListRow = Parameters<typeof issueListItemFromRow>[0];

/** Rows of a text search's first step (see textSearchPage): an index walk this long costs a few milliseconds. */
const TEXT_WINDOW_ROWS = 1000;

/** Every word as a prefix, all of them required (words hold no quote: see searchText). */
const postgresTsquery = (words: string[]) => words.map(w => `'${w}':*`).join(' & ');

const clampLimit = (limit: number | undefined) =>
  Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(limit ?? DEFAULT_PAGE_LIMIT)));

function encodeCursor(value: unknown[]): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** One position of a cursor: a check of the value this store wrote there. */
type CursorPart = (value: unknown) => boolean;
const epochMs: CursorPart = v => Number.isSafeInteger(v) && (v as number) >= 0;
const numericId: CursorPart = v => typeof v === 'string' && /^\d{1,19}$/.test(v);
const shortText = (maxLength: number): CursorPart => v => typeof v === 'string' && v.length <= maxLength;
const int32: CursorPart = v => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 2147483647;

/**
 * The columns each sort orders by before the tie-breakers (instance, issue id), with their cursor
 * checks; `reversed` sorts run the SQL the other way (priority: desc is the lowest id, most urgent, first).
 */
const SORTS: Record<IssueSort, { columns: Array<{ name: string; part: CursorPart; numeric?: boolean }>; reversed?: boolean }> = {
  updated: { columns: [{ name: 'updated_ms', part: epochMs, numeric: true }] },
  created: { columns: [{ name: 'created_ms', part: epochMs, numeric: true }] },
  key: { columns: [{ name: 'project_key', part: shortText(255) }, { name: 'issue_number', part: epochMs, numeric: true }] },
  priority: { columns: [{ name: 'priority_seq', part: int32, numeric: true }], reversed: true },
  status: { columns: [{ name: 'status_order', part: shortText(255) }] },
};
const MAX_CURSOR_LENGTH = 2048;

/**
 * The values of a cursor this store issued, or InvalidCursorError: the tag, the length and every
 * value's type and size are checked, so nothing but a scalar of the expected type reaches the SQL.
 */
function decodeCursor(cursor: string, tag: string, parts: CursorPart[]): unknown[] {
  let value: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError();
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(value) || value.length !== parts.length + 1 || value[0] !== tag) throw new InvalidCursorError();
  const values = value.slice(1);
  if (!values.every((v, i) => parts[i](v))) throw new InvalidCursorError();
  return values;
}

/** Escapes LIKE wildcards for `ESCAPE '\'`, which both engines honour. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, c => `\\${c}`);

export class KnexIssueQueryStore implements IssueQueryStore {
  static async create(options: StoreOptions): Promise<KnexIssueQueryStore> {
    return new KnexIssueQueryStore(await connect(options.database));
  }

  private constructor(private readonly knex: Knex) {}

  private get sqlite() {
    return isSqlite(this.knex);
  }

  /** Exact element of a JSON text array column: a cheap LIKE narrows, the engine's JSON functions decide. */
  private whereJsonArrayHas(query: Knex.QueryBuilder, column: 'labels' | 'components', element: string) {
    const qualified = `${T.issues}.${column}`;
    query.whereRaw(`${qualified} like ? escape '\\'`, [`%${escapeLike(JSON.stringify(element))}%`]);
    if (this.sqlite) {
      query.whereRaw(`exists (select 1 from json_each(${qualified}) e where e.type = 'text' and e.value = ?)`, [element]);
    } else {
      query.whereRaw(`${qualified}::jsonb @> ?::jsonb`, [JSON.stringify([element])]);
    }
  }

  /** Any of the elements is an exact element of the column; none given selects nothing, as whereIn does. */
  private whereJsonArrayHasAny(query: Knex.QueryBuilder, column: 'labels' | 'components', elements: string[]) {
    if (!elements.length) query.whereRaw('1 = 0');
    else query.where(anyOf => elements.forEach(element => anyOf.orWhere(one => this.whereJsonArrayHas(one, column, element))));
  }

  private whereAnyOf(query: Knex.QueryBuilder, anyOf: IssueAnyOfFilter) {
    if (anyOf.issueTypes) query.whereIn(`${T.issues}.issue_type`, anyOf.issueTypes);
    if (anyOf.assigneeAccountIds) query.whereIn(`${T.issues}.assignee_account_id`, anyOf.assigneeAccountIds);
    if (anyOf.labels) this.whereJsonArrayHasAny(query, 'labels', anyOf.labels);
    if (anyOf.components) this.whereJsonArrayHasAny(query, 'components', anyOf.components);
  }

  /** A mapped custom field equals the value, or holds it as an array element, compared as text. */
  private whereCustomField(query: Knex.QueryBuilder, alias: string, value: string | number | boolean) {
    const column = `${T.issues}.custom_fields`;
    const text = String(value);
    if (this.sqlite) {
      // json_each over a scalar yields the scalar itself, over an array its elements.
      query.whereRaw(
        `exists (select 1 from json_each(${column}, ?) e where e.type in ('text', 'integer', 'real', 'true', 'false') ` +
          `and (case e.type when 'true' then 'true' when 'false' then 'false' else cast(e.value as text) end) = ?)`,
        [`$.${JSON.stringify(alias)}`, text],
      );
    } else {
      query.whereRaw(
        `exists (select 1 from jsonb_array_elements_text(case jsonb_typeof(${column}::jsonb -> ?) ` +
          `when 'array' then ${column}::jsonb -> ? else jsonb_build_array(${column}::jsonb -> ?) end) e(v) where e.v = ?)`,
        [alias, alias, alias, text],
      );
    }
  }

  /**
   * Every word of the text begins a word of the summary (rules: migrations/lib/searchText.js); a
   * text without words (punctuation, control characters such as NUL) matches nothing. `row` names
   * the SQLite rowid being tested when it is not the table's own.
   */
  private whereTextMatches(query: Knex.QueryBuilder, text: string, row?: { sqliteRowid: string }) {
    const words = queryWords(text);
    if (!words.length) {
      query.whereRaw('1 = 0');
    } else if (this.sqlite) {
      // Words hold no quote: each is an FTS5 string with a prefix star, all of them required.
      const match = words.map(w => `"${w}"*`).join(' AND ');
      query.whereRaw(`${row?.sqliteRowid ?? `${T.issues}.rowid`} in (select rowid from ${T.issueSearch} where ${T.issueSearch} match ?)`, [match]);
    } else {
      // search_vector holds the words verbatim (generated from search_words, GIN-indexed); words hold no quote either.
      query.whereRaw(`${T.issues}.search_vector @@ ?::tsquery`, [postgresTsquery(words)]);
    }
  }

  /** One access criterion; a nullable column is checked non-null so that NOT of it keeps issues without a value. */
  private whereAccessCriterion(query: Knex.QueryBuilder, criterion: IssueAccessCriterion) {
    const { field, values } = criterion;
    if (!values.length) {
      query.whereRaw('1 = 0');
    } else if (field === 'projectKey') {
      query.whereIn(`${T.issues}.project_key`, values.map(v => v.toUpperCase()));
    } else if (field === 'instance') {
      query.whereIn(`${T.issues}.instance`, values);
    } else if (field === 'issueType') {
      query.whereNotNull(`${T.issues}.issue_type`).whereIn(`${T.issues}.issue_type`, values);
    } else if (field === 'label' || field === 'component') {
      const column = field === 'label' ? 'labels' : 'components';
      query.where(any => {
        for (const value of values) any.orWhere(one => this.whereJsonArrayHas(one, column, value));
      });
    } else {
      throw new Error(`unknown issue access field "${field as string}"`);
    }
  }

  /** The permission criteria tree as nested SQL conditions. */
  private whereAccess(query: Knex.QueryBuilder, scope: IssueAccessScope): void {
    if ('allOf' in scope) {
      for (const part of scope.allOf) query.where(sub => this.whereAccess(sub, part));
    } else if ('anyOf' in scope) {
      if (!scope.anyOf.length) query.whereRaw('1 = 0');
      else query.where(any => {
        for (const part of scope.anyOf) any.orWhere(sub => this.whereAccess(sub, part));
      });
    } else if ('not' in scope) {
      query.whereNot(sub => this.whereAccess(sub, scope.not));
    } else {
      this.whereAccessCriterion(query, scope);
    }
  }

  /**
   * A page of a text search in two steps, each cheap where the other is not: a common word is
   * found among the first TEXT_WINDOW_ROWS rows in page order (an index walk, however many issues
   * match); when that window holds too few matches, the text index drives the query instead and
   * reads only the (then few) matching rows. Same rows as the one-step query, in the same order.
   */
  private async textSearchPage(
    filter: IssueFilter & { text: string },
    page: (filter: IssueFilter) => Knex.QueryBuilder,
    ordering: Array<{ column: string; order: 'asc' | 'desc' }>,
    wanted: number,
  ): Promise<ListRow[]> {
    if (!queryWords(filter.text).length) return [];
    const { text, ...withoutText } = filter;
    const window = page(withoutText).limit(Math.max(TEXT_WINDOW_ROWS, wanted));
    // The window is aliased as the table, so every qualified column of the page reads from it.
    const rowColumn = this.sqlite ? this.knex.raw(`${T.issues}.rowid as search_rowid`) : `${T.issues}.search_vector`;
    const inWindow = this.knex.from(window.select(rowColumn).as(T.issues)).select(ISSUE_LIST_COLUMNS);
    this.whereTextMatches(inWindow, text, { sqliteRowid: `${T.issues}.search_rowid` });
    const found: ListRow[] = await inWindow.orderBy(ordering).limit(wanted);
    if (found.length >= wanted) return found;
    if (this.sqlite) return page(filter).limit(wanted); // Driven by the FTS5 match (the rowid IN list).
    // PostgreSQL: the matching rows first (GIN), the other filters on them; the CTE shadows the table.
    const matching = this.knex.raw(`select * from ${T.issues} where search_vector @@ ?::tsquery`, [postgresTsquery(queryWords(text))]);
    return page(withoutText).withMaterialized(T.issues, matching).limit(wanted);
  }

  private filtered(filter: IssueFilter): Knex.QueryBuilder {
    const q = this.knex(T.issues);
    const col = (c: string) => `${T.issues}.${c}`;
    if (filter.access) {
      const access = filter.access;
      q.where(scoped => this.whereAccess(scoped, access));
    }
    if (filter.instance !== undefined) q.where(col('instance'), filter.instance);
    if (filter.projectKeys) q.whereIn(col('project_key'), filter.projectKeys);
    if (filter.keys) q.whereIn(col('issue_key'), filter.keys.map(k => k.toUpperCase()));
    if (filter.status !== undefined) q.where(col('status'), filter.status);
    if (filter.statusCategory !== undefined) {
      q.whereIn(col('status_category'), Array.isArray(filter.statusCategory) ? filter.statusCategory : [filter.statusCategory]);
    }
    if (filter.issueType !== undefined) q.where(col('issue_type'), filter.issueType);
    if (filter.assigneeAccountId !== undefined) q.where(col('assignee_account_id'), filter.assigneeAccountId);
    if (filter.label !== undefined) this.whereJsonArrayHas(q, 'labels', filter.label);
    if (filter.component !== undefined) this.whereJsonArrayHas(q, 'components', filter.component);
    if (filter.components) this.whereJsonArrayHasAny(q, 'components', filter.components);
    if (filter.anyOf) this.whereAnyOf(q, filter.anyOf);
    if (filter.customField) this.whereCustomField(q, filter.customField.alias, filter.customField.value);
    if (filter.updatedSinceMs !== undefined) q.where(col('updated_ms'), '>=', filter.updatedSinceMs);
    if (filter.text) this.whereTextMatches(q, filter.text);
    if (!filter.includeDeleted) q.whereNull(col('deleted_ms'));
    return q;
  }

  async listIssues(filter: IssueFilter, page: IssuePageRequest = {}): Promise<Page<IssueListItem>> {
    const sort = page.sort ?? 'updated';
    const order = page.order ?? 'desc';
    const limit = clampLimit(page.limit);
    const spec = Object.hasOwn(SORTS, sort) ? SORTS[sort] : undefined;
    if (!spec) throw new InvalidCursorError(`unknown sort "${sort}"`);
    const flipped = order === 'desc' ? 'asc' : 'desc';
    const sqlOrder = spec.reversed ? flipped : order;
    const keyColumns = [...spec.columns.map(c => `${T.issues}.${c.name}`), `${T.issues}.instance`, `${T.issues}.issue_id`];
    const ordering = keyColumns.map(column => ({ column, order: sqlOrder }));
    const tag = `${sort}:${order}`;
    const cursor = page.cursor ? decodeCursor(page.cursor, tag, [...spec.columns.map(c => c.part), shortText(100), numericId]) : undefined;
    const pageOf = (f: IssueFilter) => {
      const query = this.filtered(f).select(ISSUE_LIST_COLUMNS);
      if (cursor) {
        // Keyset pagination on (sort values, instance, issue id): stable while rows are inserted.
        query.whereRaw(
          `(${keyColumns.join(', ')}) ${sqlOrder === 'desc' ? '<' : '>'} (${keyColumns.map(() => '?').join(', ')})`,
          cursor as any[],
        );
      }
      return query.orderBy(ordering);
    };
    const rows: ListRow[] = filter.text
      ? await this.textSearchPage({ ...filter, text: filter.text }, pageOf, ordering, limit + 1)
      : await pageOf(filter).limit(limit + 1);
    const items = rows.slice(0, limit).map(issueListItemFromRow);
    if (rows.length <= limit) return { items };
    const lastRow = rows[limit - 1] as Record<string, unknown>;
    const sortValues = spec.columns.map(c => (c.numeric ? Number(lastRow[c.name]) : lastRow[c.name]));
    const last = items[items.length - 1];
    return { items, nextCursor: encodeCursor([tag, ...sortValues, last.instance, last.issueId]) };
  }

  async getIssue(instance: string | undefined, keyOrId: string, access?: IssueAccessScope): Promise<IssueDetailRecord | undefined> {
    const query = this.filtered({ instance, access, includeDeleted: true }).select([...ISSUE_LIST_COLUMNS, `${T.issues}.raw_fields`]);
    if (/^\d+$/.test(keyOrId)) query.where(`${T.issues}.issue_id`, keyOrId);
    else query.where(`${T.issues}.issue_key`, keyOrId.toUpperCase());
    // Live rows first (a null deleted_ms sorts as 0), then instance name order.
    const row = await query
      .orderByRaw(`case when ${T.issues}.deleted_ms is null then 0 else 1 end`)
      .orderBy(`${T.issues}.instance`)
      .first();
    if (!row) return undefined;
    const links = await this.knex(T.links)
      .where({ instance: row.instance, issue_id: row.issue_id })
      .orderBy('link_id');
    return { ...issueListItemFromRow(row), rawFields: parseJson(row.raw_fields, {}), links: links.map(linkFromRow) };
  }

  async listHistories(instance: string, issueId: string, page: { cursor?: string; limit?: number } = {}): Promise<Page<HistoryRecord>> {
    const limit = clampLimit(page.limit);
    const query = this.knex(T.histories).where({ instance, issue_id: issueId });
    if (page.cursor) {
      const [createdMs, historyId] = decodeCursor(page.cursor, 'history', [epochMs, numericId]);
      query.whereRaw('(created_ms, history_id) > (?, ?)', [createdMs as any, historyId as any]);
    }
    const rows = await query.orderBy(['created_ms', 'history_id']).limit(limit + 1);
    const pageRows = rows.slice(0, limit);
    const itemsByHistory = new Map<string, HistoryRecord['items']>();
    for (const ids of chunk(pageRows.map(r => idOf(r.history_id)), IDS_PER_STATEMENT)) {
      const items = await this.knex(T.items).where({ instance }).whereIn('history_id', ids).orderBy(['history_id', 'item_index']);
      for (const item of items) {
        const key = idOf(item.history_id);
        itemsByHistory.set(key, [...(itemsByHistory.get(key) ?? []), itemFromRow(item)]);
      }
    }
    const items: HistoryRecord[] = pageRows.map(row => historyFromRow(row, itemsByHistory.get(idOf(row.history_id)) ?? []));
    if (rows.length <= limit) return { items };
    const last = items[items.length - 1];
    return { items, nextCursor: encodeCursor(['history', last.createdMs, last.historyId]) };
  }

  async countByStatusCategory(filter: IssueFilter): Promise<StatusCategoryCounts> {
    const rows = await this.filtered(filter)
      .select(`${T.issues}.status_category as category`)
      .count({ count: '*' })
      .groupBy(`${T.issues}.status_category`);
    const counts: StatusCategoryCounts = { new: 0, indeterminate: 0, done: 0, total: 0 };
    for (const row of rows) {
      const n = Number(row.count);
      counts.total += n;
      if (row.category === 'new' || row.category === 'indeterminate' || row.category === 'done') counts[row.category as 'new'] += n;
    }
    return counts;
  }

  async statusChanges(filter: IssueFilter): Promise<StatusChangeRecord[]> {
    const rows: Array<Record<string, any>> = await this.filtered(filter)
      .join(`${T.items} as it`, function on() {
        this.on('it.instance', `${T.issues}.instance`).andOn('it.issue_id', `${T.issues}.issue_id`);
      })
      .join(`${T.histories} as h`, function on() {
        this.on('h.instance', 'it.instance').andOn('h.history_id', 'it.history_id');
      })
      // A literal, as the partial index jira_sync_history_items_status_idx is written: a bound value would not match it.
      .whereRaw(`it.field = 'status'`)
      .select('it.instance', 'it.issue_id', 'it.history_id', 'h.created_ms', 'it.from_string', 'it.to_string');
    return rows.map(row => ({
      instance: row.instance,
      issueId: idOf(row.issue_id),
      historyId: idOf(row.history_id),
      createdMs: msOf(row.created_ms),
      fromString: row.from_string ?? null,
      toString: row.to_string ?? null,
    }));
  }

  async issuesForFlow(filter: IssueFilter): Promise<FlowIssueRecord[]> {
    const rows: Array<Record<string, any>> = await this.filtered(filter).select(
      `${T.issues}.instance`,
      `${T.issues}.issue_id`,
      `${T.issues}.issue_key`,
      `${T.issues}.project_key`,
      `${T.issues}.created_ms`,
      `${T.issues}.resolved_ms`,
      `${T.issues}.status`,
      `${T.issues}.status_category`,
    );
    return rows.map(row => ({
      instance: row.instance,
      issueId: idOf(row.issue_id),
      issueKey: row.issue_key,
      projectKey: row.project_key,
      createdMs: msOf(row.created_ms),
      resolvedMs: msOrNull(row.resolved_ms),
      status: row.status ?? null,
      statusCategory: row.status_category ?? null,
    }));
  }

  async statusGroups(filter: IssueFilter, changedSinceMs: number): Promise<StatusGroupRecord[]> {
    const col = (c: string) => `${T.issues}.${c}`;
    // A literal (an integer we made), so PostgreSQL sees the select's and the group's expression as one.
    const changed = `case when ${col('updated_ms')} >= ${Math.trunc(changedSinceMs)} then 1 else 0 end`;
    const rows: Array<Record<string, any>> = await this.filtered(filter)
      .select(col('instance'), col('status'), col('status_category'), this.knex.raw(`${changed} as changed`))
      .count({ issues: '*' })
      .min({ first_created_ms: col('created_ms') })
      .groupBy(col('instance'), col('status'), col('status_category'), this.knex.raw(changed));
    return rows.map(row => ({
      instance: row.instance,
      status: row.status ?? null,
      statusCategory: row.status_category ?? null,
      changedSince: Number(row.changed) === 1,
      issues: Number(row.issues),
      firstCreatedMs: msOf(row.first_created_ms),
    }));
  }

  async issueFacets(filter: IssueFilter): Promise<IssueFacets> {
    const col = (c: string) => `${T.issues}.${c}`;
    const [types, assignees, statuses, arrays] = await Promise.all([
      this.filtered(filter).whereNotNull(col('issue_type')).distinct(col('issue_type')).orderBy(col('issue_type')),
      this.filtered(filter)
        .whereNotNull(col('assignee_account_id'))
        .select(col('assignee_account_id'))
        .max({ name: col('assignee_name') })
        .groupBy(col('assignee_account_id')),
      this.filtered(filter)
        .whereNotNull(col('status'))
        .whereNotNull(col('status_category'))
        .distinct(col('status'), col('status_category'))
        .orderBy([col('status_category'), col('status')]),
      this.distinctArrayElements(filter),
    ]);
    const rank = { new: 0, indeterminate: 1, done: 2 } as Record<string, number>;
    return {
      types: types.map((r: Record<string, string>) => r.issue_type),
      assignees: assignees
        .map((r: Record<string, string | null>) => ({ accountId: r.assignee_account_id!, displayName: r.name ?? null }))
        .sort((a: IssueFacets['assignees'][number], b: IssueFacets['assignees'][number]) => (a.displayName ?? a.accountId).localeCompare(b.displayName ?? b.accountId)),
      labels: arrays.labels,
      components: arrays.components,
      statuses: statuses
        .map((r: Record<string, string>) => ({ name: r.status, category: r.status_category as IssueFacets['statuses'][number]['category'] }))
        .sort((a: IssueFacets['statuses'][number], b: IssueFacets['statuses'][number]) => (rank[a.category] ?? 3) - (rank[b.category] ?? 3) || a.name.localeCompare(b.name)),
    };
  }

  /** The distinct labels and components of the matching issues, each engine expanding its JSON arrays. */
  private async distinctArrayElements(filter: IssueFilter): Promise<{ labels: string[]; components: string[] }> {
    const out = { labels: [] as string[], components: [] as string[] };
    for (const column of ['labels', 'components'] as const) {
      const source = this.filtered(filter).select(`${T.issues}.${column} as arr`);
      const expand = this.sqlite
        ? `select distinct e.value as v from (?) as src, json_each(src.arr) e where e.type = 'text' order by v`
        : `select distinct e.v from (?) as src, jsonb_array_elements_text(src.arr::jsonb) e(v) order by e.v`;
      const result = await this.knex.raw(expand, [source]);
      const rows: Array<{ v: string }> = this.sqlite ? result : result.rows;
      out[column] = rows.map(r => r.v);
    }
    return out;
  }

  async issueSummaries(instance: string, issueIds: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (const ids of chunk(issueIds, IDS_PER_STATEMENT)) {
      const rows = await this.knex(T.issues).where({ instance }).whereIn('issue_id', ids).select('issue_id', 'summary');
      for (const row of rows) out.set(idOf(row.issue_id), row.summary ?? null);
    }
    return out;
  }
}
