import { spec } from '../schema';

/** The contract's source ships in the package (`files`) beside the module generated from it. */
/** The REST API's OpenAPI 3.1 document (`src/schema/openapi.yaml`, relative to the plugin's mount point). */
export function loadOpenApiDocument(): Record<string, unknown> {
  return spec as unknown as Record<string, unknown>;
}
