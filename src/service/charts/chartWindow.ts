import { InputError } from '@backstage/errors';

export const DAY_MS = 86_400_000;
/** The default window: the last 12 weeks, today included. */
const DEFAULT_DAYS = 84;
/** Two years (a leap day included). */
const MAX_DAYS = 731;

/** Whole UTC days: fromMs is the first day's midnight, toMs the last day's last millisecond. */
export interface ChartWindow {
  fromMs: number;
  toMs: number;
  from: string;
  to: string;
}

const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function dayParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  const shaped = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/i.test(value);
  if (!shaped || Number.isNaN(ms)) throw new InputError(`query parameter "${name}" must be a date such as 2026-01-31; got "${value}"`);
  return dayStart(ms);
}

/** `from` / `to` (ISO dates, UTC days, both included); 400 naming the parameter when out of shape or range. */
export function chartWindow(query: { from?: string; to?: string }, nowMs: number): ChartWindow {
  const toDay = dayParam('to', query.to) ?? dayStart(nowMs);
  const fromDay = dayParam('from', query.from) ?? toDay - (DEFAULT_DAYS - 1) * DAY_MS;
  if (fromDay > toDay) throw new InputError(`query parameter "from" (${isoDay(fromDay)}) is after "to" (${isoDay(toDay)})`);
  if ((toDay - fromDay) / DAY_MS + 1 > MAX_DAYS) {
    throw new InputError(`query parameter "from" is more than 2 years (${MAX_DAYS} days) before "to"`);
  }
  return { fromMs: fromDay, toMs: toDay + DAY_MS - 1, from: isoDay(fromDay), to: isoDay(toDay) };
}
