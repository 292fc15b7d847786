/**
 * jira-sync: keeps a faithful, queryable copy of Jira issues and their full change history in
 * Backstage's database.
 *
 * @packageDocumentation
 */
export { jiraSyncPlugin as default } from './plugin';
