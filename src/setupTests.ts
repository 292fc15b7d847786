import { assertSupportedNode } from '../dev/supportedNode';

// A clear failure instead of better-sqlite3's segmentation fault on an unsupported Node.
assertSupportedNode();

// Database tests run on PostgreSQL as well as SQLite: without an explicit server, use the local
// one, so an absent PostgreSQL fails the tests instead of silently dropping them.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??= 'postgresql://postgres@127.0.0.1:5432';
