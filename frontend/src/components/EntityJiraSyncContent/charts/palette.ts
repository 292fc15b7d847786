import type { StatusCategory } from '@jira-sync/backstage-plugin-jira-sync-common';
import { useTheme } from '@material-ui/core/styles';

/** Okabe–Ito's colour-blind-safe colours, without black (it vanishes on the dark theme). */
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'];

/** One colour per status category: to do orange, in progress blue, done green. */
export const CATEGORY_COLORS: Record<StatusCategory, string> = { new: '#E69F00', indeterminate: '#0072B2', done: '#009E73' };

export const CATEGORY_LABELS: Record<StatusCategory, string> = { new: 'To do', indeterminate: 'In progress', done: 'Done' };

/** The colour of the i-th series, by its category when it is one, else round the palette. */
export function seriesColor(index: number, category?: StatusCategory | null, byCategory = false): string {
  if (byCategory && category) return CATEGORY_COLORS[category];
  return OKABE_ITO[index % OKABE_ITO.length];
}

/** The chart chrome (axes, grid, tooltip) in the Backstage theme's colours, light or dark. */
export function useChartTheme() {
  const theme = useTheme();
  return {
    text: theme.palette.text.secondary,
    grid: theme.palette.divider,
    tooltip: {
      contentStyle: { background: theme.palette.background.paper, border: `1px solid ${theme.palette.divider}`, color: theme.palette.text.primary },
      labelStyle: { color: theme.palette.text.primary },
    },
    line: theme.palette.text.primary,
    fontSize: 12,
  };
}
