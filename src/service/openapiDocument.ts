import { readFileSync } from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parse } from 'yaml';

export const OPENAPI_FILE = 'src/service/openapi.yaml';
const PACKAGE_NAME = '@jira-sync/backstage-plugin-jira-sync-backend';

let cached: Record<string, unknown> | undefined;

/** The contract ships in the package (`files`), so the same path works from source and from dist. */
const documentPath = () => resolvePackagePath(PACKAGE_NAME, OPENAPI_FILE);

/** The REST API's OpenAPI 3.1 document (`src/service/openapi.yaml`), parsed once. */
export function loadOpenApiDocument(): Record<string, unknown> {
  cached ??= parse(readFileSync(documentPath(), 'utf8')) as Record<string, unknown>;
  return cached;
}
