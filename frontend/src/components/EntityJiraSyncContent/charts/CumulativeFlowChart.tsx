import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CumulativeFlow } from '@jira-sync/backstage-plugin-jira-sync-common';
import { ChartFrame } from './ChartFrame';
import { seriesColor, useChartTheme } from './palette';

/** Issues in each status (or category) at the end of each day, stacked with done at the bottom. */
export function CumulativeFlowChart(props: { data: CumulativeFlow }) {
  const { data } = props;
  const chart = useChartTheme();
  const byCategory = data.by === 'category';
  const rows = data.points.map(point => ({ date: point.date, ...point.counts }));
  const last = data.points[data.points.length - 1];
  const summary = last
    ? `${data.points.length} days from ${data.points[0].date} to ${last.date}; on ${last.date}: ${data.series
        .map(series => `${series.label} ${last.counts[series.key] ?? 0}`)
        .join(', ')}`
    : 'no issues in this period';
  // The workflow's last series (done) is drawn first so it stacks at the bottom, as flow diagrams read.
  const stacked = data.series.map((series, index) => ({ series, index })).reverse();
  return (
    <ChartFrame
      title="Cumulative flow"
      summary={summary}
      testId="jira-sync-chart-cumulative-flow"
      data={{
        columns: ['Date', ...data.series.map(series => series.label)],
        rows: data.points.map(point => [point.date, ...data.series.map(series => point.counts[series.key] ?? 0)]),
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart accessibilityLayer={false} data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" />
          <XAxis dataKey="date" stroke={chart.text} fontSize={chart.fontSize} minTickGap={24} />
          <YAxis stroke={chart.text} fontSize={chart.fontSize} allowDecimals={false} />
          <Tooltip {...chart.tooltip} />
          <Legend wrapperStyle={{ fontSize: chart.fontSize, color: chart.text }} />
          {stacked.map(({ series, index }) => {
            const color = seriesColor(index, series.category, byCategory);
            return (
              <Area
                key={series.key}
                type="monotone"
                dataKey={series.key}
                name={series.label}
                stackId="flow"
                stroke={color}
                fill={color}
                fillOpacity={0.7}
                isAnimationActive={false}
              />
            );
          })}
        </AreaChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
