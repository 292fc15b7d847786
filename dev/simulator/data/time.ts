/** Time as Jira writes and reads it: offsets without a colon, JQL dates in the user's zone. */

const formatters = new Map<string, Intl.DateTimeFormat>();

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

/** Minutes east of UTC of a zone at an instant. */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  const p = partsIn(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - (epochMs - (epochMs % 1000 + 1000) % 1000)) / 60_000);
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

/** `YYYY-MM-DD` of an instant in a zone. */
export function localDate(epochMs: number, timeZone: string): string {
  const p = partsIn(epochMs, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * The instant a local wall-clock time names in a zone, as Java's ZonedDateTime resolves it: in a
 * DST gap the time moves forward by the gap; in an overlap the earlier offset wins.
 */
export function zonedToEpoch(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const candidates = new Set<number>();
  for (const probe of [wall - 36 * 3600_000, wall, wall + 36 * 3600_000]) {
    candidates.add(wall - offsetMinutes(probe, timeZone) * 60_000);
  }
  const valid = [...candidates].filter(t => t + offsetMinutes(t, timeZone) * 60_000 === wall).sort((a, b) => a - b);
  if (valid.length) return valid[0];
  // A gap: use the offset before the transition, which lands after it (e.g. 02:30 becomes 03:30).
  const before = offsetMinutes(wall - 36 * 3600_000 - 0, timeZone);
  return wall - before * 60_000;
}
