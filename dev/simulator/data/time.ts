/** Time as Jira writes and reads it: offsets without a colon, JQL dates in the user's zone. */

const formatters = new Map<string, Intl.DateTimeFormat>();
const QUARTER_HOUR = 15 * 60_000;
/** Offsets per zone per quarter hour: modern zone transitions fall on quarter hours, and Intl is slow. */
const offsetCache = new Map<string, Map<number, number>>();

function partsIn(epochMs: number, timeZone: string) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const p of formatter.formatToParts(new Date(epochMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** Throws a RangeError for a zone the runtime does not know. */
export function assertTimeZone(timeZone: string) {
  Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions();
}

/** Minutes east of UTC of a zone at an instant. */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  let zone = offsetCache.get(timeZone);
  if (!zone) offsetCache.set(timeZone, (zone = new Map()));
  const slot = Math.floor(epochMs / QUARTER_HOUR);
  let offset = zone.get(slot);
  if (offset === undefined) {
    const at = slot * QUARTER_HOUR;
    const p = partsIn(at, timeZone);
    offset = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at) / 60_000);
    if (zone.size > 500_000) zone.clear();
    zone.set(slot, offset);
  }
  return offset;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `2022-06-09T16:29:31.871-0700`, exactly as Jira writes timestamps. */
export function jiraTimestamp(epochMs: number, timeZone: string): string {
  const offset = offsetMinutes(epochMs, timeZone);
  const local = new Date(epochMs + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`
  );
}

/** Parses Jira's `2022-06-09T16:29:31.871-0700` (tests and webhooks read timestamps back). */
export function parseJiraTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`not a Jira timestamp: ${text}`);
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
  return wall - (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000;
}

/** `YYYY-MM-DD` of an instant in a zone. */
export function localDate(epochMs: number, timeZone: string): string {
  const local = new Date(epochMs + offsetMinutes(epochMs, timeZone) * 60_000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

/** The wall-clock fields of an instant in a zone. */
export function wallClock(epochMs: number, timeZone: string) {
  const local = new Date(epochMs + offsetMinutes(epochMs, timeZone) * 60_000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), weekday: local.getUTCDay() };
}

/**
 * The instant a local wall-clock time names in a zone, as Java's ZonedDateTime.of resolves it: in a
 * DST gap the time moves forward by the gap (02:30 becomes 03:30); in an overlap the earlier offset wins.
 */
export function zonedToEpoch(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const candidates = new Set<number>();
  for (const probe of [wall - 36 * 3600_000, wall, wall + 36 * 3600_000]) candidates.add(wall - offsetMinutes(probe, timeZone) * 60_000);
  const valid = [...candidates].filter(t => t + offsetMinutes(t, timeZone) * 60_000 === wall).sort((a, b) => a - b);
  if (valid.length) return valid[0];
  // A gap: the offset before the transition puts the instant after it, by the length of the gap.
  return wall - offsetMinutes(wall - 36 * 3600_000, timeZone) * 60_000;
}
