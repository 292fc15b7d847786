import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/*
 * One copy of each Backstage package (and of React, MUI and better-sqlite3): `^` ranges in
 * Backstage's own packages pull the next release line in beside the pinned one, and
 * legacy-peer-deps hides it at install time; in an app, two copies of core-plugin-api crash the
 * entity page ("App context is not available"). package.json's overrides keep one line.
 */

const SINGLE_COPY = /^(@backstage\/.+|react|react-dom|react-router|react-router-dom|@material-ui\/core|better-sqlite3)$/;

interface LockEntry {
  version?: string;
  link?: boolean;
}

function copiesByName(lock: { packages: Record<string, LockEntry> }) {
  const copies = new Map<string, Array<{ path: string; version: string }>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0 || entry.link) continue;
    const name = path.slice(at + 'node_modules/'.length);
    const list = copies.get(name) ?? [];
    list.push({ path, version: entry.version ?? '?' });
    copies.set(name, list);
  }
  return copies;
}

describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(resolve(__dirname, '../../package-lock.json'), 'utf8'));
  const copies = copiesByName(lock);

  it('holds one copy of every @backstage/* package, React, MUI and better-sqlite3', () => {
    const duplicated = [...copies]
      .filter(([name, list]) => SINGLE_COPY.test(name) && list.length > 1)
      .map(([name, list]) => `${name}: ${list.map(c => `${c.version} at ${c.path}`).join(', ')}`);
    expect(duplicated).toEqual([]);
  });

  it('finds the packages it checks (the lockfile is read as npm writes it)', () => {
    for (const name of ['@backstage/backend-plugin-api', '@backstage/core-plugin-api', '@backstage/frontend-plugin-api', 'react']) {
      expect(copies.get(name)?.length).toBe(1);
    }
  });

  it('pins the workspace packages to one version of each other', () => {
    const root = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8'));
    const common = JSON.parse(readFileSync(resolve(__dirname, '../../common/package.json'), 'utf8'));
    const frontend = JSON.parse(readFileSync(resolve(__dirname, '../../frontend/package.json'), 'utf8'));
    expect(root.dependencies[common.name]).toBe(common.version);
    expect(frontend.dependencies[common.name]).toBe(common.version);
    for (const pkg of [root, common, frontend]) {
      expect(pkg.backstage.pluginPackages).toEqual([frontend.name, root.name, common.name]);
    }
  });
});
