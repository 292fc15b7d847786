import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { SPEC_MODULE, OPENAPI_YAML, specModuleSource } from './generateSpecModule';
import { spec } from './openapi.generated';

describe('the OpenAPI document', () => {
  it('has its generated module up to date (run `npm run openapi:generate` after editing openapi.yaml)', () => {
    expect(readFileSync(SPEC_MODULE, 'utf8')).toBe(specModuleSource());
    expect(spec).toEqual(parse(readFileSync(OPENAPI_YAML, 'utf8')));
  });

  it('is relative to where the plugin is mounted, so the typed router validates what it routes', () => {
    expect(spec.servers).toEqual([{ url: '/' }]);
  });
});
