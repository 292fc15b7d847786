import { ReactNode } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  figure: { margin: 0, minWidth: 0 },
  plot: {
    height: 280,
    borderRadius: theme.shape.borderRadius,
    '&:focus-visible': { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: 2 },
  },
  empty: { height: 280, display: 'flex', alignItems: 'center', justifyContent: 'center' },
  // Read by screen readers and tests, not shown.
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    padding: 0,
    margin: -1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
}));

/** The chart's values as rows, for the visually hidden table beside the drawing. */
export interface ChartData {
  columns: string[];
  rows: Array<Array<string | number>>;
}

/**
 * A chart with its title, a focusable `role="img"` whose label summarises the values, and the
 * full values in a visually hidden table: what the drawing shows is readable without seeing it.
 */
export function ChartFrame(props: { title: string; summary: string; data: ChartData; testId: string; children: ReactNode }) {
  const { title, summary, data, testId, children } = props;
  const classes = useStyles();
  return (
    <figure className={classes.figure} data-testid={testId}>
      <Typography component="figcaption" variant="subtitle1">
        {title}
      </Typography>
      {/* A chart is one image to a screen reader, yet keyboard users must reach its label too (WCAG 2.1.1). */}
      {data.rows.length === 0 ? (
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        <div className={classes.empty} role="img" aria-label={`${title}: ${summary}`} tabIndex={0}>
          <Typography variant="body2" color="textSecondary">
            {summary}
          </Typography>
        </div>
      ) : (
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        <div className={classes.plot} role="img" aria-label={`${title}: ${summary}`} tabIndex={0} data-testid={`${testId}-plot`}>
          {children}
        </div>
      )}
      <table className={classes.visuallyHidden} data-testid={`${testId}-data`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            {data.columns.map(column => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Numbers as the tables and labels show them: at most one decimal. */
export function round1(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return String(Math.round(value * 10) / 10);
}
