import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parse } from 'yaml';

export const OPENAPI_FILE = 'src/service/openapi.yaml';
const PACKAGE_NAME = '@jira-sync/backstage-plugin-jira-sync-backend';

let cached: Record<string, unknown> | undefined;

/** Where the contract is: next to this file in the source tree, else in the installed package. */
function documentPath(): string {
  const local = resolve(__dirname, 'openapi.yaml');
  if (existsSync(local)) return local;
  return resolvePackagePath(PACKAGE_NAME, OPENAPI_FILE);
}

/** The REST API's OpenAPI 3.1 document (`src/service/openapi.yaml`), parsed once. */
export function loadOpenApiDocument(): Record<string, unknown> {
  cached ??= parse(readFileSync(documentPath(), 'utf8')) as Record<string, unknown>;
  return cached;
}
