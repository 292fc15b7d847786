import { join } from 'node:path';
import { migrationsDirectory } from './database';

type SearchTextRules = typeof import('../../migrations/lib/searchText');

/**
 * The text-search rules (migrations/lib/searchText.js), loaded from the installed package's
 * migrations: the backfill migration needs the same rules, and the package build cannot bundle a
 * file from outside src/.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rules: SearchTextRules = require(join(migrationsDirectory, 'lib/searchText.js'));

export const { searchDocument, queryWords } = rules;
