import type { FlowMetrics } from '@jira-sync/backstage-plugin-jira-sync-common';

const WIDTH = 132;
const HEIGHT = 32;
const GAP = 2;

/** Issues done per week as small inline bars, oldest on the left; a chart library would be overkill. */
export function ThroughputChart(props: { throughput: FlowMetrics['throughput']; color: string }) {
  const { throughput, color } = props;
  const max = Math.max(1, ...throughput.map(week => week.count));
  const barWidth = throughput.length > 0 ? (WIDTH - GAP * (throughput.length - 1)) / throughput.length : 0;
  const label = `Issues done per week, oldest first: ${throughput.map(week => week.count).join(', ')}`;
  return (
    <svg
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={label}
      data-testid="jira-sync-throughput"
    >
      {throughput.map((week, index) => {
        // Empty weeks keep a 1px stub so the time axis stays readable.
        const height = Math.max(1, (week.count / max) * HEIGHT);
        return (
          <rect
            key={week.weekStart}
            x={index * (barWidth + GAP)}
            y={HEIGHT - height}
            width={barWidth}
            height={height}
            fill={color}
            opacity={week.count === 0 ? 0.35 : 1}
          >
            <title>{`Week of ${week.weekStart}: ${week.count} done`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
