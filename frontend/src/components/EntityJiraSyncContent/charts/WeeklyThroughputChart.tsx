import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ThroughputChart } from '@jira-sync/backstage-plugin-jira-sync-common';
import { ChartFrame } from './ChartFrame';
import { OKABE_ITO, useChartTheme } from './palette';

/** Issues completed per ISO week (weeks start on Monday). */
export function WeeklyThroughputChart(props: { data: ThroughputChart }) {
  const { weeks } = props.data;
  const chart = useChartTheme();
  const total = weeks.reduce((sum, week) => sum + week.completed, 0);
  const summary = weeks.length
    ? `${total} issues completed in ${weeks.length} weeks: ${weeks.map(week => `week of ${week.weekStart} ${week.completed}`).join(', ')}`
    : 'no weeks in this period';
  return (
    <ChartFrame
      title="Weekly throughput"
      summary={summary}
      testId="jira-sync-chart-throughput"
      data={{ columns: ['Week of', 'Completed'], rows: weeks.map(week => [week.weekStart, week.completed]) }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart accessibilityLayer={false} data={weeks} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="weekStart" stroke={chart.text} fontSize={chart.fontSize} minTickGap={16} />
          <YAxis stroke={chart.text} fontSize={chart.fontSize} allowDecimals={false} />
          <Tooltip {...chart.tooltip} cursor={{ fill: chart.grid }} />
          <Bar dataKey="completed" name="Completed" fill={OKABE_ITO[4]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
