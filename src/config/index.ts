export { readJiraSyncConfig, JiraSyncConfigError, DEFAULT_SCHEDULE } from './readJiraSyncConfig';
export type { JiraSyncConfig, SpecLocation } from './readJiraSyncConfig';
export type * from './types';
