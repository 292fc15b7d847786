import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { copiesByName, duplicatedPackages } from '../support/lockfile';

/*
 * One copy of each Backstage package (and of React, MUI and better-sqlite3): `^` ranges in
 * Backstage's own packages pull the next release line in beside the pinned one, and
 * legacy-peer-deps hides it at install time. package.json's overrides keep one line.
 */

const readJson = (path: string) => JSON.parse(readFileSync(resolve(__dirname, '../..', path), 'utf8'));

describe('package-lock.json', () => {
  const lock = readJson('package-lock.json');

  it('holds one copy of every @backstage/* package, React, MUI and better-sqlite3', () => {
    expect(duplicatedPackages(lock)).toEqual([]);
  });

  it('finds the packages it checks (the lockfile is read as npm writes it)', () => {
    const copies = copiesByName(lock);
    for (const name of ['@backstage/backend-plugin-api', '@backstage/core-plugin-api', '@backstage/frontend-plugin-api', 'react', 'better-sqlite3']) {
      expect(copies.get(name)?.length).toBe(1);
    }
  });

  it('finds a second copy when there is one', () => {
    const doubled = {
      packages: {
        'node_modules/@backstage/core-plugin-api': { version: '1.13.0' },
        'node_modules/@backstage/plugin-catalog-react/node_modules/@backstage/core-plugin-api': { version: '1.12.10' },
        'node_modules/left-pad': { version: '1.0.0' },
        'node_modules/a/node_modules/left-pad': { version: '1.1.0' },
      },
    };
    expect(duplicatedPackages(doubled)).toEqual([
      '@backstage/core-plugin-api: 1.13.0 at node_modules/@backstage/core-plugin-api, 1.12.10 at node_modules/@backstage/plugin-catalog-react/node_modules/@backstage/core-plugin-api',
    ]);
  });
});

describe('the three packages', () => {
  const root = readJson('package.json');
  const common = readJson('common/package.json');
  const frontend = readJson('frontend/package.json');

  it('depend on the common package at its own version and list the same plugin packages', () => {
    expect(root.dependencies[common.name]).toBe(common.version);
    expect(frontend.dependencies[common.name]).toBe(common.version);
    for (const pkg of [root, common, frontend]) {
      expect(pkg.backstage.pluginPackages).toEqual([frontend.name, root.name, common.name]);
      expect(pkg.private).toBeUndefined();
      expect(pkg.publishConfig.access).toBe('public');
      expect(pkg.scripts.prepack).toBe('backstage-cli package prepack');
      expect(pkg.scripts.postpack).toBe('backstage-cli package postpack');
    }
  });

  it('say which Node versions they run on: those CI tests', () => {
    for (const pkg of [root, common, frontend]) expect(pkg.engines.node).toBe('22 || 24');
  });
});
