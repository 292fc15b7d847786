/** The one comparison of what the store holds with the simulator's truth. */
import type { Knex } from 'knex';
import type { JiraSimulator, TruthIssue } from '../../dev/simulator';
import { KnexIssueSnapshotReader } from '../../src/store';
import { compareWithJira, formatDifferences, type Difference } from '../../src/sync/compare';
import type { ResolvedFieldMapping } from '../../src/sync/transform';

export interface TruthScope {
  /** The sync whose stored scope must equal the truth: anything else it holds live is extra. */
  syncId: string;
  /** Only the truth's issues of these projects (default: every issue). */
  projects?: string[];
  filter?: (issue: TruthIssue) => boolean;
  /** The sync's resolved custom-field mappings (default: none). */
  mappings?: ResolvedFieldMapping[];
  instance?: string;
}

const projectOf = (issue: TruthIssue) => (issue.fields.project as { key: string }).key;

/** Every difference between the database and the simulator's truth for a sync's scope. */
export async function truthDifferences(knex: Knex, sim: Pick<JiraSimulator, 'truth'>, scope: TruthScope): Promise<Difference[]> {
  const jiraIssues = sim
    .truth()
    .filter(issue => !scope.projects || scope.projects.includes(projectOf(issue)))
    .filter(issue => !scope.filter || scope.filter(issue));
  // Read-only: a backend process may be running its own migrations on this database.
  const reader = await KnexIssueSnapshotReader.create({ database: { getClient: async () => knex, migrations: { skip: true } } });
  return compareWithJira({
    instance: scope.instance ?? 'sim',
    reader,
    jiraIssues,
    mappings: scope.mappings ?? [],
    complete: { syncId: scope.syncId },
  });
}

/** The same, as text for an assertion: `no differences` when the copy is faithful. */
export async function differencesFromTruth(knex: Knex, sim: Pick<JiraSimulator, 'truth'>, scope: TruthScope): Promise<string> {
  return formatDifferences(await truthDifferences(knex, sim, scope));
}
