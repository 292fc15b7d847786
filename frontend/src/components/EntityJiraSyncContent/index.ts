export { EntityJiraSyncContent } from './EntityJiraSyncContent';
export type { EntityJiraSyncContentProps } from './EntityJiraSyncContent';
