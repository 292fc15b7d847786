import { readFileSync, writeFileSync } from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parse } from 'yaml';

/** The document, its generated TypeScript module (typed `as const` for the router), in this folder. */
const PACKAGE_NAME = '@jira-sync/backstage-plugin-jira-sync-backend';
export const OPENAPI_YAML = resolvePackagePath(PACKAGE_NAME, 'src/schema/openapi.yaml');
export const SPEC_MODULE = resolvePackagePath(PACKAGE_NAME, 'src/schema/openapi.generated.ts');

/** The module text for the document: what `npm run openapi:generate` writes and the test compares. */
export function specModuleSource(yamlText = readFileSync(OPENAPI_YAML, 'utf8')): string {
  const document = parse(yamlText);
  return [
    '// Generated from openapi.yaml by `npm run openapi:generate`; edit the YAML, not this file.',
    '/* eslint-disable */',
    `export const spec = ${JSON.stringify(document, null, 2)} as const;`,
    '',
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(SPEC_MODULE, specModuleSource());
  process.stdout.write(`wrote ${SPEC_MODULE}\n`);
}
