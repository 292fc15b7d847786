export { SummarySearchField } from './SummarySearchField';
