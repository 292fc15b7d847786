import { ReactNode, useId } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { EntityName } from '@jira-sync/backstage-plugin-jira-sync-common';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Select from '@material-ui/core/Select';
import { jiraSyncApiRef } from '../../api/JiraSyncApi';
import type { CycleTimeChart as CycleTimeData } from '@jira-sync/backstage-plugin-jira-sync-common';
import { useLoad } from '../EntityJiraSyncCard/useLoad';
import { CumulativeFlowChart } from './charts/CumulativeFlowChart';
import { CycleTimeChart } from './charts/CycleTimeChart';
import { TimeInStatusChart } from './charts/TimeInStatusChart';
import { WeeklyThroughputChart } from './charts/WeeklyThroughputChart';
import { IssueView, PERIODS_IN_WEEKS, periodOf } from './issueView';

/** The four flow charts over the view's period; a cycle-time point opens its issue. */
export function FlowCharts(props: {
  entity: EntityName;
  entityKey: string;
  /** Changes when the data under the charts changed (a sync run ended): they reload. */
  dataVersion?: string;
  view: IssueView;
  now: number;
  onChange: (change: Partial<IssueView>) => void;
  onOpenIssue: (point: CycleTimeData['points'][number]) => void;
}) {
  const { entity, entityKey, dataVersion, view, now, onChange, onOpenIssue } = props;
  const api = useApi(jiraSyncApiRef);
  const period = periodOf(view.weeks, now);
  const periodId = useId();
  const byId = useId();
  const deps = [api, entityKey, dataVersion, period.from, period.to];
  const flow = useLoad(() => api.getEntityCumulativeFlow(entity, { ...period, by: view.by }), [...deps, view.by]);
  const cycle = useLoad(() => api.getEntityCycleTime(entity, period), deps);
  const throughput = useLoad(() => api.getEntityThroughput(entity, period), deps);
  const timeInStatus = useLoad(() => api.getEntityTimeInStatus(entity, period), deps);

  return (
    <Box>
      <Box display="flex" gridGap={16} mb={2} flexWrap="wrap">
        <FormControl variant="outlined" size="small">
          <InputLabel id={periodId}>Period</InputLabel>
          <Select
            labelId={periodId}
            label="Period"
            value={view.weeks}
            onChange={event => onChange({ weeks: Number(event.target.value) })}
            SelectDisplayProps={{ 'data-testid': 'jira-sync-period' } as any}
          >
            {PERIODS_IN_WEEKS.map(weeks => (
              <MenuItem key={weeks} value={weeks}>
                Last {weeks} weeks
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl variant="outlined" size="small">
          <InputLabel id={byId}>Flow by</InputLabel>
          <Select
            labelId={byId}
            label="Flow by"
            value={view.by}
            onChange={event => onChange({ by: event.target.value as IssueView['by'] })}
            SelectDisplayProps={{ 'data-testid': 'jira-sync-flow-by' } as any}
          >
            <MenuItem value="category">Status category</MenuItem>
            <MenuItem value="status">Status</MenuItem>
          </Select>
        </FormControl>
      </Box>
      <Grid container spacing={2}>
        <ChartCell load={flow} what="the cumulative flow">
          {data => <CumulativeFlowChart data={data} />}
        </ChartCell>
        <ChartCell load={cycle} what="cycle times">
          {data => <CycleTimeChart data={data} onOpenIssue={onOpenIssue} />}
        </ChartCell>
        <ChartCell load={throughput} what="the throughput">
          {data => <WeeklyThroughputChart data={data} />}
        </ChartCell>
        <ChartCell load={timeInStatus} what="the time in status">
          {data => <TimeInStatusChart data={data} />}
        </ChartCell>
      </Grid>
    </Box>
  );
}

function ChartCell<T>(props: { load: { value?: T; error?: Error; loading: boolean }; what: string; children: (data: T) => ReactNode }) {
  const { load, what, children } = props;
  let body: ReactNode;
  if (load.error) body = <ResponseErrorPanel error={load.error} title={`Could not load ${what}`} />;
  else if (!load.value) body = <Progress />;
  else body = children(load.value);
  return (
    <Grid item xs={12} lg={6}>
      <Paper variant="outlined">
        <Box p={2}>{body}</Box>
      </Paper>
    </Grid>
  );
}
