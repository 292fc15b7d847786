import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Stops with what to do on a Node outside `engines` (22 || 24): better-sqlite3 13, the line that
 * does not abort on Node 24.19+, crashes with a segmentation fault on Node 20 instead of saying so.
 */
export function assertSupportedNode(version = process.versions.node): void {
  const { engines } = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as { engines: { node: string } };
  const supported = engines.node.split('||').map(major => major.trim());
  const major = version.split('.')[0];
  if (!supported.includes(major)) {
    throw new Error(
      `jira-sync runs on Node ${supported.join(' or ')}, this is Node ${version}. ` +
        'Install one of those, or put npm\'s node package first on PATH with `source .ci/node.sh 22` and run `npm ci` again.',
    );
  }
}
