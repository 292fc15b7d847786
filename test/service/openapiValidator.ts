import Ajv2020 from 'ajv/dist/2020';
import { loadOpenApiDocument } from '../../src/service/openapiDocument';

type Json = Record<string, any>;

/** Validates response bodies against the response schemas of src/schema/openapi.yaml. */
export function createResponseValidator() {
  const document = loadOpenApiDocument() as Json;
  // strict off: the document's non-schema keywords (openapi, paths...) sit beside the schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addSchema({ ...document, $id: 'openapi' });

  // JSON pointer escaping, then percent-encoding of the braces of path templates (URI fragment).
  const escape = (segment: string) =>
    segment.replace(/~/g, '~0').replace(/\//g, '~1').replace(/\{/g, '%7B').replace(/\}/g, '%7D');

  /** Throws with ajv's errors unless `body` matches the documented response. */
  return function expectValidResponse(path: string, method: string, status: number, body: unknown) {
    const operation = document.paths?.[path]?.[method];
    if (!operation) throw new Error(`no operation ${method.toUpperCase()} ${path} in openapi.yaml`);
    let response = operation.responses?.[String(status)];
    if (!response) throw new Error(`${method.toUpperCase()} ${path} documents no ${status} response`);
    let pointer = `#/paths/${escape(path)}/${method}/responses/${status}`;
    if (response.$ref) {
      pointer = response.$ref;
      response = response.$ref.split('/').slice(1).reduce((node: Json, key: string) => node[key], document);
    }
    if (!response.content?.['application/json']?.schema) {
      throw new Error(`${method.toUpperCase()} ${path} ${status} documents no JSON body`);
    }
    const validate = ajv.getSchema(`openapi${pointer}/content/application~1json/schema`);
    if (!validate) throw new Error(`cannot compile schema at ${pointer}`);
    if (!validate(body)) {
      throw new Error(`${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body, null, 1).slice(0, 2000)}`);
    }
  };
}
