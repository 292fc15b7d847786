import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { CycleTimeChart as CycleTimeData } from '@jira-sync/backstage-plugin-jira-sync-common';
import { ChartFrame, round1 } from './ChartFrame';
import { OKABE_ITO, useChartTheme } from './palette';

type Point = CycleTimeData['points'][number];

const PERCENTILES = [
  { name: 'p50', color: OKABE_ITO[2], dash: '2 2' },
  { name: 'p85', color: OKABE_ITO[0], dash: '6 3' },
  { name: 'p95', color: OKABE_ITO[5], dash: '10 4' },
] as const;

const dayOf = (iso: string) => iso.slice(0, 10);

/** Each completed issue's cycle time by completion date, with the p50/p85/p95 lines; a point opens its issue. */
export function CycleTimeChart(props: { data: CycleTimeData; onOpenIssue?: (point: Point) => void }) {
  const { data, onOpenIssue } = props;
  const chart = useChartTheme();
  const points = data.points.map(point => ({ ...point, x: Date.parse(point.completedAt), y: point.cycleTimeDays }));
  const { p50, p85, p95 } = data.percentiles;
  const summary = data.points.length
    ? `${data.points.length} issues completed; cycle time p50 ${round1(p50)} days, p85 ${round1(p85)} days, p95 ${round1(p95)} days`
    : 'no issues completed in this period';
  return (
    <ChartFrame
      title="Cycle time"
      summary={summary}
      testId="jira-sync-chart-cycle-time"
      data={{
        columns: ['Issue', 'Completed', 'Cycle time (days)'],
        rows: data.points.map(point => [point.key, dayOf(point.completedAt), round1(point.cycleTimeDays)]),
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart accessibilityLayer={false} margin={{ top: 8, right: 40, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            name="Completed"
            domain={['dataMin', 'dataMax']}
            scale="time"
            tickFormatter={value => dayOf(new Date(value).toISOString())}
            stroke={chart.text}
            fontSize={chart.fontSize}
          />
          <YAxis type="number" dataKey="y" name="Cycle time" unit=" d" stroke={chart.text} fontSize={chart.fontSize} />
          <Tooltip
            {...chart.tooltip}
            formatter={(value: any, name: any) => (name === 'Completed' ? dayOf(new Date(Number(value)).toISOString()) : `${round1(Number(value))} days`)}
          />
          {PERCENTILES.map(line => {
            const value = data.percentiles[line.name];
            return value === null || value === undefined ? null : (
              <ReferenceLine
                key={line.name}
                y={value}
                stroke={line.color}
                strokeDasharray={line.dash}
                label={{ value: `${line.name} ${round1(value)} d`, position: 'right', fill: chart.text, fontSize: chart.fontSize }}
              />
            );
          })}
          <Scatter
            data={points}
            fill={OKABE_ITO[4]}
            isAnimationActive={false}
            cursor={onOpenIssue ? 'pointer' : undefined}
            onClick={(entry: any) => onOpenIssue?.(entry?.payload ?? entry)}
          />
        </ScatterChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
