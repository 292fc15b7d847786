import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { JiraSimulator } from '../../dev/simulator';
import { readmeBlock, replaceAll } from '../support/readme';

/*
 * A fresh Backstage app as a user has one (packages/backend and packages/app in an npm
 * workspace), wired exactly as the README's install section says: its code blocks are copied in,
 * with the example site, account and project replaced by the simulator's. Nothing is imported
 * from this repository's sources: the jira-sync packages come from their packed tarballs.
 */

const REPO = resolve(__dirname, '../..');

/** The tarballs `npm pack` wrote, by package name. */
export interface Tarballs {
  backend: string;
  frontend: string;
  common: string;
}

export interface InstallTestApp {
  dir: string;
  backendDir: string;
  appDir: string;
  port: number;
  token: string;
  /** The entity the README's catalog-info.yaml describes. */
  entity: { kind: string; namespace: string; name: string };
  projectKey: string;
}

/** Versions from this repository's lockfile, so the app is on the same Backstage release line. */
function lockedVersions(): (name: string) => string {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8'));
  return name => {
    const version = lock.packages[`node_modules/${name}`]?.version;
    if (!version) throw new Error(`${name} is not in package-lock.json`);
    return version;
  };
}

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function writeInstallTestApp(options: { dir: string; tarballs: Tarballs; sim: JiraSimulator; port: number }): InstallTestApp {
  const { dir, tarballs, sim, port } = options;
  const version = lockedVersions();
  const pinned = (...names: string[]) => Object.fromEntries(names.map(name => [name, version(name)]));
  const token = 'install-test-token';
  const projectKey = sim.data.projects()[0];
  const backendDir = join(dir, 'packages/backend');
  const appDir = join(dir, 'packages/app');
  const tarball = (path: string) => `file:${path}`;

  write(
    join(dir, 'package.json'),
    json({
      name: 'jira-sync-install-test',
      version: '1.0.0',
      private: true,
      workspaces: ['packages/*'],
      engines: { node: '22 || 24' },
      devDependencies: pinned('@backstage/cli', '@backstage/cli-defaults', 'typescript', '@types/react', '@types/react-dom', '@types/node'),
      // The common package is not on the registry yet: the backend's and the frontend's dependency on it is served from its tarball.
      overrides: { '@jira-sync/backstage-plugin-jira-sync-common': tarball(tarballs.common) },
    }),
  );
  // Backstage's packages have optional peers npm would otherwise insist on (the README says so for npm users).
  write(join(dir, '.npmrc'), 'legacy-peer-deps=true\n');
  write(
    join(dir, 'tsconfig.json'),
    json({
      extends: '@backstage/cli/config/tsconfig.json',
      include: ['packages/*/src'],
      exclude: ['node_modules'],
      compilerOptions: { outDir: 'dist-types', rootDir: '.', jsx: 'react-jsx', noEmit: true, skipLibCheck: true, types: ['node'] },
    }),
  );

  write(
    join(backendDir, 'package.json'),
    json({
      name: 'backend',
      version: '0.0.0',
      private: true,
      main: 'src/index.ts',
      backstage: { role: 'backend' },
      scripts: { start: 'backstage-cli package start' },
      dependencies: {
        ...pinned(
          '@backstage/backend-defaults',
          '@backstage/backend-plugin-api',
          '@backstage/plugin-app-backend',
          '@backstage/plugin-auth-backend',
          '@backstage/plugin-auth-backend-module-guest-provider',
          '@backstage/plugin-catalog-backend',
          '@backstage/plugin-permission-backend',
          '@backstage/plugin-permission-backend-module-allow-all-policy',
          '@backstage/plugin-permission-common',
          '@backstage/plugin-permission-node',
        ),
        '@jira-sync/backstage-plugin-jira-sync-backend': tarball(tarballs.backend),
        '@jira-sync/backstage-plugin-jira-sync-common': tarball(tarballs.common),
        app: '0.0.0',
      },
    }),
  );
  write(
    join(backendDir, 'src/index.ts'),
    [
      "import { createBackend } from '@backstage/backend-defaults';",
      '',
      'const backend = createBackend();',
      "backend.add(import('@backstage/plugin-app-backend'));",
      "backend.add(import('@backstage/plugin-auth-backend'));",
      "backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));",
      "backend.add(import('@backstage/plugin-catalog-backend'));",
      "backend.add(import('@backstage/plugin-permission-backend'));",
      "backend.add(import('@backstage/plugin-permission-backend-module-allow-all-policy'));",
      readmeBlock('backend-index'),
      'backend.start();',
      '',
    ].join('\n'),
  );
  // Compiled against the installed packages (tsc), not added: the app runs with the allow-all policy.
  write(join(backendDir, 'src/permissionPolicy.ts'), readmeBlock('permission-policy'));
  write(join(backendDir, 'jira-sync.yaml'), replaceAll(readmeBlock('sync-spec'), { '[SHOP]': `[${projectKey}]` }));

  const catalogInfo = replaceAll(readmeBlock('catalog-info'), { 'jira/project-key: SHOP': `jira/project-key: ${projectKey}` });
  write(join(dir, 'catalog-info.yaml'), catalogInfo);
  const entityName = /^\s+name: (\S+)/m.exec(catalogInfo)![1];

  const baseUrl = `http://localhost:${port}`;
  write(
    join(dir, 'app-config.yaml'),
    [
      '# What every Backstage app has: the app, the backend, sign-in, the catalog and permissions.',
      'app:',
      '  title: install test',
      `  baseUrl: ${baseUrl}`,
      '  packageName: app',
      'backend:',
      `  baseUrl: ${baseUrl}`,
      '  listen:',
      `    port: ${port}`,
      '  database:',
      '    client: better-sqlite3',
      `    connection: { directory: ${join(dir, 'data')} }`,
      '  auth:',
      '    externalAccess:',
      `      - { type: static, options: { token: ${token}, subject: install-test } }`,
      'auth:',
      '  environment: development',
      '  providers:',
      '    guest: {}',
      'permission:',
      '  enabled: true',
      'catalog:',
      '  rules:',
      '    - allow: [Component, System, Group, User, Location]',
      '  locations:',
      `    - { type: file, target: ${join(dir, 'catalog-info.yaml')} }`,
      '',
      '# The README block, pointed at the simulator:',
      replaceAll(readmeBlock('app-config'), {
        'https://acme.atlassian.net': sim.url,
        'jira-bot@acme.com': sim.credentials.email,
      }),
    ].join('\n'),
  );

  write(
    join(appDir, 'package.json'),
    json({
      name: 'app',
      version: '0.0.0',
      private: true,
      backstage: { role: 'frontend' },
      scripts: { build: 'backstage-cli package build' },
      dependencies: {
        ...pinned(
          '@backstage/frontend-defaults',
          '@backstage/plugin-catalog',
          '@backstage/ui',
          '@material-ui/core',
          'react',
          'react-dom',
          'react-router-dom',
        ),
        '@jira-sync/backstage-plugin-jira-sync': tarball(tarballs.frontend),
      },
      browserslist: {
        production: ['>0.2%', 'not dead', 'not op_mini all'],
        development: ['last 1 chrome version', 'last 1 firefox version', 'last 1 safari version'],
      },
    }),
  );
  write(join(appDir, 'src/App.tsx'), readmeBlock('app-new'));
  write(
    join(appDir, 'src/index.tsx'),
    [
      "import '@backstage/cli/asset-types';",
      "import '@backstage/ui/css/styles.css';",
      "import ReactDOM from 'react-dom/client';",
      "import app from './App';",
      '',
      "ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());",
      '',
    ].join('\n'),
  );
  // The legacy system's page is compiled (tsc) against the installed package; the app itself uses the new system.
  write(join(appDir, 'src/components/catalog/EntityPage.tsx'), readmeBlock('app-legacy'));

  return {
    dir,
    backendDir,
    appDir,
    port,
    token,
    entity: { kind: 'component', namespace: 'default', name: entityName },
    projectKey,
  };
}
