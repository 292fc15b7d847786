import { useEffect, useId, useState } from 'react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { jiraSyncApiRef } from '../../api/JiraSyncApi';
import type {
  EntityIssues,
  EntityName,
  FlowMetrics,
  StatusCategory,
  SyncStatus,
} from '@jira-sync/backstage-plugin-jira-sync-common';
import {
  JIRA_COMPONENT_ANNOTATION,
  JIRA_LABEL_ANNOTATION,
  JIRA_PROJECT_KEY_ANNOTATION,
  isJiraSyncAvailable,
  projectKeysOf,
} from '../../annotations';
import { formatAge, formatHours } from './format';
import { IssueOrder, IssueTable } from './IssueTable';
import { ThroughputChart } from './ThroughputChart';
import { useLoad } from './useLoad';
import { SyncProgressNotice, isSyncing, syncRefreshSeconds, useEvery } from '../SyncProgress';
import { SummarySearchField } from '../SummarySearchField';

/** @public */
export interface EntityJiraSyncCardProps {
  /** Card title. */
  title?: string;
  /** Issues per page. */
  pageSize?: number;
  /** Weeks of history for the flow metrics. */
  weeks?: number;
  /** How often the card reloads what it shows while the page is visible, in seconds; 0 never. Default 60. While a sync runs, every 5 s at most. */
  refreshIntervalSeconds?: number;
}

/** The filter buttons; `open` is to do + in progress, as the API defines it. */
type CardFilter = 'open' | 'done' | 'all';
const FILTERS: Array<{ value: CardFilter; label: string }> = [
  { value: 'open', label: 'Open' },
  { value: 'done', label: 'Done' },
  { value: 'all', label: 'All' },
];

const CATEGORY_LABELS: Record<StatusCategory, string> = {
  new: 'To do',
  indeterminate: 'In progress',
  done: 'Done',
};

const UNHEALTHY: Record<string, 'error' | 'warning' | undefined> = {
  failing: 'error',
  stale: 'warning',
  degraded: 'warning',
};

// Typing in the search box should not send one request per key stroke.
const SEARCH_DEBOUNCE_MS = 350;

const useStyles = makeStyles(theme => ({
  counts: { display: 'flex', gap: theme.spacing(3), flexWrap: 'wrap', marginBottom: theme.spacing(2) },
  count: { minWidth: 72 },
  countValue: { fontSize: '1.6rem', fontWeight: 600, lineHeight: 1.2 },
  metrics: {
    display: 'flex',
    gap: theme.spacing(4),
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    marginBottom: theme.spacing(2),
  },
  toolbar: {
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'center',
    flexWrap: 'wrap',
    marginBottom: theme.spacing(1),
  },
  pager: { display: 'flex', alignItems: 'center', justifyContent: 'flex-end', gap: theme.spacing(1), marginTop: theme.spacing(1) },
  panel: { marginBottom: theme.spacing(2) },
}));

/**
 * An entity's Jira issues as jira-sync keeps them: counts by status category, flow metrics, a
 * filterable and paged issue list, and how fresh the synced copy is.
 *
 * @public
 */
export function EntityJiraSyncCard(props: EntityJiraSyncCardProps) {
  const { entity } = useEntity();
  const title = props.title ?? 'Jira issues';
  if (!isJiraSyncAvailable(entity)) {
    return (
      <InfoCard title={title}>
        <MissingAnnotationEmptyState annotation={JIRA_PROJECT_KEY_ANNOTATION} />
      </InfoCard>
    );
  }
  // Keyed by the entity so a different entity starts with fresh filter and paging state.
  return (
    <JiraSyncCardContent
      key={stringifyEntityRef(entity)}
      entity={entity}
      title={title}
      pageSize={props.pageSize ?? 10}
      weeks={props.weeks ?? 12}
      refreshIntervalSeconds={props.refreshIntervalSeconds ?? 60}
    />
  );
}

function JiraSyncCardContent(props: {
  entity: Entity;
  title: string;
  pageSize: number;
  weeks: number;
  refreshIntervalSeconds: number;
}) {
  const { entity, title, pageSize, weeks, refreshIntervalSeconds } = props;
  const classes = useStyles();
  const api = useApi(jiraSyncApiRef);
  const entityName: EntityName = {
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
  const entityKey = stringifyEntityRef(entity);

  const [filter, setFilter] = useState<CardFilter>('open');
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [order, setOrder] = useState<IssueOrder>({ sort: 'updated', order: 'desc' });
  // cursors[i] fetches page i; page 0 has none.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState(0);
  const now = useNow();
  const searchId = useId();

  // A new filter or search starts again at the first page, in the same render so no request pairs it with an old cursor.
  const restartAt = (apply: () => void) => {
    apply();
    setCursors([undefined]);
    setPage(0);
  };

  useEffect(() => {
    const next = searchInput.trim();
    if (next === search) return undefined;
    const timer = setTimeout(() => restartAt(() => setSearch(next)), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchInput, search]);

  const issues = useLoad(
    () =>
      api.getEntityIssues(entityName, {
        statusCategory: filter,
        q: search || undefined,
        limit: pageSize,
        cursor: cursors[page],
        sort: order.sort,
        order: order.order,
      }),
    [api, entityKey, filter, search, pageSize, cursors[page], order.sort, order.order],
  );
  const metrics = useLoad(() => api.getEntityFlowMetrics(entityName, { weeks }), [api, entityKey, weeks]);
  useEvery(syncRefreshSeconds(issues.value?.syncs ?? [], refreshIntervalSeconds), issues.refresh);
  useEvery(refreshIntervalSeconds, metrics.refresh);

  if (issues.error && !issues.value) {
    return (
      <InfoCard title={title}>
        <IssuesError error={issues.error} entity={entity} onRetry={issues.retry} />
      </InfoCard>
    );
  }
  if (!issues.value) {
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  }

  const data = issues.value;
  const syncs = data.syncs ?? [];
  const goNext = () => {
    if (!data.nextCursor) return;
    setCursors(previous => [...previous.slice(0, page + 1), data.nextCursor]);
    setPage(page + 1);
  };

  return (
    <InfoCard
      title={title}
      subheader={<SelectorLine data={data} />}
      action={<Freshness syncs={syncs} now={now} />}
    >
      <SyncProgressNotice syncs={syncs} />
      <SyncWarnings syncs={syncs} projectKeys={data.selector.projectKeys} now={now} />
      {issues.error && (
        <Box className={classes.panel}>
          <ResponseErrorPanel error={issues.error} title="Could not load this page of issues" />
        </Box>
      )}

      <Box className={classes.counts} aria-label="Issue counts" role="group">
        <Count testId="new" label={CATEGORY_LABELS.new} value={data.counts.new} />
        <Count testId="indeterminate" label={CATEGORY_LABELS.indeterminate} value={data.counts.indeterminate} />
        <Count testId="done" label={CATEGORY_LABELS.done} value={data.counts.done} />
        <Count testId="total" label="Total" value={data.counts.total} />
      </Box>

      <FlowMetricsLine metrics={metrics.value} error={metrics.error} weeks={weeks} />

      <Box className={classes.toolbar}>
        <ButtonGroup size="small" color="primary" aria-label="Status filter">
          {FILTERS.map(option => (
            <Button
              key={option.value}
              variant={filter === option.value ? 'contained' : 'outlined'}
              aria-pressed={filter === option.value}
              onClick={() => option.value !== filter && restartAt(() => setFilter(option.value))}
            >
              {option.label}
            </Button>
          ))}
        </ButtonGroup>
        <SummarySearchField id={searchId} value={searchInput} onChange={setSearchInput} />
      </Box>

      {issues.loading && <Progress />}
      {data.items.length > 0 ? (
        <IssueTable items={data.items} now={now} order={order} onOrderChange={next => restartAt(() => setOrder(next))} />
      ) : (
        // While a sync runs, its progress above says why the list is still empty.
        !issues.loading && !isSyncing(syncs) && <EmptyIssues data={data} filter={filter} search={search} syncs={syncs} />
      )}

      {(page > 0 || data.nextCursor) && (
        <Box className={classes.pager}>
          <Typography variant="body2" data-testid="jira-sync-page">
            Page {page + 1}
          </Typography>
          <Button size="small" disabled={page === 0 || issues.loading} onClick={() => setPage(page - 1)}>
            Previous
          </Button>
          <Button size="small" disabled={!data.nextCursor || issues.loading} onClick={goNext}>
            Next
          </Button>
        </Box>
      )}
    </InfoCard>
  );
}

/** Re-renders once a minute so "synced N minutes ago" stays true while the page is open. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function SelectorLine(props: { data: EntityIssues }) {
  const { projectKeys, component, components, label } = props.data.selector;
  const parts = [`${projectKeys.length === 1 ? 'Project' : 'Projects'} ${projectKeys.join(', ')}`];
  // A backend before selector.components sends jira/component alone.
  const anyOf = components ?? (component ? [component] : []);
  if (anyOf.length) parts.push(`${anyOf.length === 1 ? 'component' : 'components'} ${anyOf.join(', ')}`);
  if (label) parts.push(`label ${label}`);
  return <span data-testid="jira-sync-selector">{parts.join(' · ')}</span>;
}

/**
 * How fresh the copy is. With several syncs the oldest last success counts, since the list mixes
 * their issues and is only as fresh as the least recent one.
 */
function Freshness(props: { syncs: SyncStatus[]; now: number }) {
  const { syncs, now } = props;
  if (syncs.length === 0) return null;
  const successes = syncs.map(sync => sync.lastSuccessAt);
  const text = successes.some(at => !at)
    ? 'Not synced yet'
    : `Synced ${formatAge(successes.reduce((a, b) => (Date.parse(a!) < Date.parse(b!) ? a : b))!, now)}`;
  return (
    <Typography variant="body2" color="textSecondary" data-testid="jira-sync-freshness" style={{ padding: 8 }}>
      {text}
    </Typography>
  );
}

export function SyncWarnings(props: { syncs: SyncStatus[]; projectKeys: string[]; now: number }) {
  const { syncs, projectKeys, now } = props;
  const classes = useStyles();
  if (syncs.length === 0) {
    const keys = projectKeys.join(', ');
    return (
      <Box className={classes.panel}>
        <WarningPanel
          severity="warning"
          defaultExpanded
          title={`No jira-sync sync covers ${keys}`}
          message={
            <>
              jira-sync only shows issues of projects that a sync in its spec lists. Add {keys} to the{' '}
              <code>projects</code> of a sync in the jira-sync sync spec; the issues appear after that sync's first run.
            </>
          }
        />
      </Box>
    );
  }
  return (
    <>
      {syncs
        .filter(sync => UNHEALTHY[sync.health.status])
        .map(sync => (
          <Box className={classes.panel} key={sync.id}>
            <WarningPanel
              severity={UNHEALTHY[sync.health.status]}
              title={`Jira sync "${sync.id}" is ${sync.health.status}: ${sync.health.reason}`}
              message={
                <>
                  {sync.lastRun?.outcome === 'failed' && sync.lastRun.error && (
                    <Box component="span" display="block">
                      Last run failed: {sync.lastRun.error}
                    </Box>
                  )}
                  <Box component="span" display="block">
                    {sync.lastSuccessAt
                      ? `The issues below are as of its last successful run, ${formatAge(sync.lastSuccessAt, now)}.`
                      : 'It has never completed a run, so issues may be missing.'}{' '}
                    Ask the Backstage admins to check the jira-sync logs and the sync's runs.
                  </Box>
                </>
              }
            />
          </Box>
        ))}
    </>
  );
}

function Count(props: { testId: string; label: string; value: number }) {
  const classes = useStyles();
  return (
    <div className={classes.count}>
      <Typography className={classes.countValue} data-testid={`jira-sync-count-${props.testId}`}>
        {props.value}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {props.label}
      </Typography>
    </div>
  );
}

function FlowMetricsLine(props: { metrics?: FlowMetrics; error?: Error; weeks: number }) {
  const { metrics, error, weeks } = props;
  const classes = useStyles();
  const theme = useTheme();
  if (error) {
    return (
      <Typography variant="body2" color="textSecondary" className={classes.panel}>
        Flow metrics unavailable: {errorMessage(error)}
      </Typography>
    );
  }
  if (!metrics) return null;
  const done = metrics.throughput.reduce((sum, week) => sum + week.count, 0);
  return (
    <Box className={classes.metrics} aria-label="Flow metrics" role="group">
      <div>
        <Typography className={classes.countValue} data-testid="jira-sync-cycle-time">
          {formatHours(metrics.cycleTime.medianHours)}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Median cycle time ({metrics.cycleTime.count} issues, p85 {formatHours(metrics.cycleTime.p85Hours)})
        </Typography>
      </div>
      <div>
        <ThroughputChart throughput={metrics.throughput} color={theme.palette.primary.main} />
        <Typography variant="body2" color="textSecondary" data-testid="jira-sync-throughput-total">
          {done} done in {weeks} weeks
        </Typography>
      </div>
    </Box>
  );
}

function EmptyIssues(props: { data: EntityIssues; filter: CardFilter; search: string; syncs: SyncStatus[] }) {
  const { data, filter, search, syncs } = props;
  let title: string;
  let hint: string;
  if (data.counts.total === 0 && syncs.length === 0) {
    title = 'No issues';
    hint = 'They appear once a sync covers the project (see above).';
  } else if (data.counts.total === 0) {
    const neverSynced = syncs.some(sync => !sync.lastSuccessAt);
    title = 'No issues synced for this entity';
    hint = neverSynced
      ? 'The first sync has not finished yet; check back after its next run.'
      : `Check that ${JIRA_COMPONENT_ANNOTATION} and ${JIRA_LABEL_ANNOTATION} match issues in Jira, or that the project has issues.`;
  } else {
    const which = filter === 'all' ? '' : `${filter} `;
    title = search ? `No ${which}issues match "${search}"` : `No ${which}issues`;
    hint = search ? 'Clear the search or choose All.' : 'Choose All to see every issue.';
  }
  return (
    <Box py={3} textAlign="center" data-testid="jira-sync-empty">
      <Typography variant="subtitle1">{title}</Typography>
      <Typography variant="body2" color="textSecondary">
        {hint}
      </Typography>
    </Box>
  );
}

/** The card's first load failed: say what is wrong and what to do about it. */
function IssuesError(props: { error: Error; entity: Entity; onRetry: () => void }) {
  const { error, entity, onRetry } = props;
  const status = ResponseError.is(error) ? error.statusCode : undefined;
  if (status === 400) {
    const message = errorMessage(error);
    const annotation = message.match(/jira\/[a-z-]+/)?.[0] ?? JIRA_PROJECT_KEY_ANNOTATION;
    const example =
      annotation === JIRA_PROJECT_KEY_ANNOTATION
        ? `${annotation}: ${projectKeysOf(entity)[0] ?? 'ABC'}`
        : `${annotation}: <value>`;
    return (
      <WarningPanel severity="warning" title="jira-sync cannot select issues for this entity" defaultExpanded>
        <Typography variant="body2" paragraph>
          {message}
        </Typography>
        <Typography variant="body2">
          Add or fix the annotation <code>{example}</code> under <code>metadata.annotations</code> in this
          entity's catalog-info.yaml ({JIRA_PROJECT_KEY_ANNOTATION} is required; {JIRA_COMPONENT_ANNOTATION} and{' '}
          {JIRA_LABEL_ANNOTATION} narrow it), then wait for the catalog to refresh.
        </Typography>
      </WarningPanel>
    );
  }
  if (status === 404) {
    const ref = `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
    return (
      <WarningPanel severity="warning" title={`jira-sync does not know the entity ${ref}`} defaultExpanded>
        <Typography variant="body2">
          {errorMessage(error)}. jira-sync reads entities from the catalog: check that {ref} is registered and
          has been processed (refresh it from the catalog page), then reload.
        </Typography>
      </WarningPanel>
    );
  }
  return (
    <>
      <ResponseErrorPanel error={error} title="Could not load Jira issues from jira-sync" />
      <Box mt={1}>
        <Button size="small" variant="outlined" onClick={onRetry}>
          Retry
        </Button>
      </Box>
    </>
  );
}

/** The server's own message when it sent Backstage's error body, else the error's message. */
function errorMessage(error: Error): string {
  if (ResponseError.is(error)) return error.body?.error?.message ?? error.message;
  return error.message;
}
