/** Packages an app must hold one copy of: two core-plugin-api copies crash an entity page ("App context is not available"). */
export const SINGLE_COPY = /^(@backstage\/.+|react|react-dom|react-router|react-router-dom|@material-ui\/core|better-sqlite3)$/;

interface LockEntry {
  version?: string;
  link?: boolean;
}

/** Every installed copy of every package in an npm lockfile (v2/v3), by name. */
export function copiesByName(lock: { packages: Record<string, LockEntry> }): Map<string, Array<{ path: string; version: string }>> {
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

/** "name: version at path, ..." for each package of SINGLE_COPY installed more than once. */
export function duplicatedPackages(lock: { packages: Record<string, LockEntry> }): string[] {
  return [...copiesByName(lock)]
    .filter(([name, list]) => SINGLE_COPY.test(name) && list.length > 1)
    .map(([name, list]) => `${name}: ${list.map(c => `${c.version} at ${c.path}`).join(', ')}`);
}
