import { resolve } from 'node:path';
import type { Config } from '@backstage/config';
import { ConfigSources, StaticConfigSource } from '@backstage/config-loader';
import type { JsonObject } from '@backstage/types';

/**
 * App-config files read as the backend reads them (`${VAR}`, `$file`, `$include`; later files
 * override earlier ones), for the command-line tools. `overrides` come last.
 */
export async function readAppConfigFiles(files: string[], overrides?: JsonObject): Promise<Config> {
  const source = ConfigSources.merge([
    ConfigSources.defaultForTargets({ targets: files.map(file => ({ type: 'path' as const, target: resolve(file) })) }),
    ...(overrides ? [StaticConfigSource.create({ context: 'jira-sync command line', data: overrides })] : []),
  ]);
  const config = await ConfigSources.toConfig(source);
  config.close(); // Read once: no file watching.
  return config;
}
