import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TimeInStatusChart as TimeInStatusData } from '@jira-sync/backstage-plugin-jira-sync-common';
import { ChartFrame, round1 } from './ChartFrame';
import { OKABE_ITO, useChartTheme } from './palette';

/** How long issues stay in each status: the median and p85 hours per status, one bar pair per status. */
export function TimeInStatusChart(props: { data: TimeInStatusData }) {
  const { statuses } = props.data;
  const chart = useChartTheme();
  const summary = statuses.length
    ? statuses
        .map(status => `${status.status} median ${round1(status.medianHours)} h, p85 ${round1(status.p85Hours)} h over ${status.issues} issues`)
        .join('; ')
    : 'no status changes in this period';
  return (
    <ChartFrame
      title="Time in status"
      summary={summary}
      testId="jira-sync-chart-time-in-status"
      data={{
        columns: ['Status', 'Issues', 'Median (h)', 'p85 (h)', 'Total (h)'],
        rows: statuses.map(status => [status.status, status.issues, round1(status.medianHours), round1(status.p85Hours), round1(status.totalHours)]),
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart accessibilityLayer={false} data={statuses} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 16 }}>
          <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" unit=" h" stroke={chart.text} fontSize={chart.fontSize} />
          <YAxis type="category" dataKey="status" width={110} stroke={chart.text} fontSize={chart.fontSize} />
          <Tooltip {...chart.tooltip} cursor={{ fill: chart.grid }} formatter={(value: any) => `${round1(Number(value))} h`} />
          <Legend wrapperStyle={{ fontSize: chart.fontSize, color: chart.text }} />
          <Bar dataKey="medianHours" name="Median" fill={OKABE_ITO[1]} isAnimationActive={false} />
          <Bar dataKey="p85Hours" name="p85" fill={OKABE_ITO[0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
