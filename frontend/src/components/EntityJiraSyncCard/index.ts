export { EntityJiraSyncCard } from './EntityJiraSyncCard';
export type { EntityJiraSyncCardProps } from './EntityJiraSyncCard';
