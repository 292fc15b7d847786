import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { spec } from './openapi.generated';

export { spec } from './openapi.generated';

/**
 * The REST API's router, typed and validated from openapi.yaml: unknown or malformed parameters
 * are a 400 (InputError naming the parameter) before any handler runs, and defaults are filled.
 */
export function createOpenApiRouter() {
  return createValidatedOpenApiRouter<typeof spec>(spec);
}
export type JiraSyncApiRouter = ReturnType<typeof createOpenApiRouter>;
