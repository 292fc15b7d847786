import { useState } from 'react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Content, InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import type { EntityName } from '@jira-sync/backstage-plugin-jira-sync-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { jiraSyncApiRef } from '../../api/JiraSyncApi';
import { JIRA_PROJECT_KEY_ANNOTATION, isJiraSyncAvailable } from '../../annotations';
import { SyncWarnings } from '../EntityJiraSyncCard/EntityJiraSyncCard';
import { useLoad } from '../EntityJiraSyncCard/useLoad';
import { SyncProgressNotice, isSyncing, syncRefreshSeconds, syncRunsEnded, useEvery } from '../SyncProgress';
import { FlowCharts } from './FlowCharts';
import { IssueDrawer } from './IssueDrawer';
import { IssueFilters } from './IssueFilters';
import { IssueListTable } from './IssueListTable';
import { issueQueryOf } from './issueView';
import { useIssueView } from './useIssueView';

/** @public */
export interface EntityJiraSyncContentProps {
  /** Issues per page. Default 25. */
  pageSize?: number;
}

/**
 * The entity's "Jira" tab: how work flowed (cumulative flow, cycle time, throughput, time in
 * status) and every issue, filtered, sorted and paged by the server, with each issue's history
 * in a drawer. The whole view lives in the URL, so it can be shared.
 *
 * @public
 */
export function EntityJiraSyncContent(props: EntityJiraSyncContentProps) {
  const { entity } = useEntity();
  if (!isJiraSyncAvailable(entity)) {
    return (
      <Content>
        <MissingAnnotationEmptyState annotation={JIRA_PROJECT_KEY_ANNOTATION} />
      </Content>
    );
  }
  return <JiraSyncTab key={stringifyEntityRef(entity)} entity={entity} pageSize={props.pageSize ?? 25} />;
}

function JiraSyncTab(props: { entity: Entity; pageSize: number }) {
  const { entity, pageSize } = props;
  const api = useApi(jiraSyncApiRef);
  const entityName: EntityName = {
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
  const entityKey = stringifyEntityRef(entity);
  const [view, updateView] = useIssueView();
  const [now] = useState(() => Date.now());
  // The cursors of the pages before this one, so Previous can go back; a shared link starts its own list.
  const [previousCursors, setPreviousCursors] = useState<Array<string | undefined>>([]);

  const query = issueQueryOf(view, pageSize);
  const issues = useLoad(() => api.listEntityIssues(entityName, query), [api, entityKey, JSON.stringify(query)]);
  // The tab reloads its list only while a sync runs, and its facets and charts when a run ends.
  const runsEnded = syncRunsEnded(issues.value?.syncs ?? []);
  useEvery(syncRefreshSeconds(issues.value?.syncs ?? [], 0), issues.refresh);
  const facets = useLoad(() => api.getEntityIssueFacets(entityName), [api, entityKey, runsEnded]);

  const change: typeof updateView = (next, options) => {
    if (Object.keys(next).some(name => !['cursor', 'issue', 'instance', 'weeks', 'by'].includes(name))) setPreviousCursors([]);
    updateView(next, options);
  };
  const data = issues.value;
  const syncs = data?.syncs ?? [];

  return (
    <Content>
      {issues.error && !data && <ResponseErrorPanel error={issues.error} title="Could not load Jira issues from jira-sync" />}
      {data && (
        <>
          <SyncProgressNotice syncs={syncs} />
          <SyncWarnings syncs={syncs} projectKeys={data.selector.projectKeys} now={now} />
        </>
      )}
      <Box mb={3}>
        <InfoCard title="Flow">
          <FlowCharts
            entity={entityName}
            entityKey={entityKey}
            dataVersion={runsEnded}
            view={view}
            now={now}
            onChange={change}
            onOpenIssue={point => change({ issue: point.key, instance: undefined })}
          />
        </InfoCard>
      </Box>
      <InfoCard title="Issues" subheader={data ? `${data.counts.total.toLocaleString('en-US')} issues in this entity's selection` : undefined}>
        <IssueFilters view={view} facets={facets.value} onChange={change} />
        {issues.error && data && <ResponseErrorPanel error={issues.error} title="Could not load this page of issues" />}
        {!data && !issues.error && <Progress />}
        {data && issues.loading && <Progress />}
        {data && data.items.length > 0 && (
          <IssueListTable
            items={data.items}
            now={now}
            order={{ sort: view.sort, order: view.order }}
            onOrderChange={order => change(order)}
            onOpen={issue => change({ issue: issue.key, instance: issue.instance })}
          />
        )}
        {data && data.items.length === 0 && !issues.loading && (
          <Box py={3} textAlign="center" data-testid="jira-sync-empty">
            <Typography variant="subtitle1">
              {isSyncing(syncs) ? 'The issues appear as the sync reads them.' : 'No issues match these filters'}
            </Typography>
          </Box>
        )}
        {data && (view.cursor || data.nextCursor) && (
          <Box display="flex" justifyContent="flex-end" alignItems="center" gridGap={8} mt={1}>
            <Typography variant="body2" data-testid="jira-sync-page">
              Page {previousCursors.length + 1}
            </Typography>
            <Button
              size="small"
              disabled={!view.cursor || issues.loading}
              onClick={() => {
                const back = previousCursors[previousCursors.length - 1];
                setPreviousCursors(previousCursors.slice(0, -1));
                updateView({ cursor: back });
              }}
            >
              Previous
            </Button>
            <Button
              size="small"
              disabled={!data.nextCursor || issues.loading}
              onClick={() => {
                setPreviousCursors([...previousCursors, view.cursor]);
                updateView({ cursor: data.nextCursor });
              }}
            >
              Next
            </Button>
          </Box>
        )}
      </InfoCard>
      {view.issue && <IssueDrawer issueKey={view.issue} instance={view.instance} onClose={() => updateView({ issue: undefined, instance: undefined })} />}
    </Content>
  );
}
