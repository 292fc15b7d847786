import { join } from 'node:path';
import { migrationsDirectory } from './database';

type IssueSortRules = typeof import('../../migrations/lib/issueSort');

/** The sort-key rules (migrations/lib/issueSort.js), loaded like searchText.ts: the backfill needs them too. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rules: IssueSortRules = require(join(migrationsDirectory, 'lib/issueSort.js'));

export const { issueNumber, prioritySeq, statusOrder } = rules;
