export { parseSyncSpec, loadSyncSpec, specHash, SpecError, formatProblem, didYouMean, REQUIRED_FIELDS } from './parseSyncSpec';
export type { SpecOptions } from './parseSyncSpec';
export type * from './types';
