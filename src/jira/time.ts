/**
 * Time zones and Jira timestamps. A JQL date has minute precision and is read in the zone of the
 * account running the query, so bounds are rendered in that zone and floored (never a UTC string).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone: better than silently formatting in UTC.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `"yyyy/MM/dd HH:mm"` of an instant in an IANA zone, floored to the minute (seconds are dropped). */
export function formatJqlDate(epochMs: number, timeZone: string): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`not a time: ${epochMs}`);
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  const year = parts.year.padStart(4, '0');
  return `${year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * A JQL date operand read the same in every time zone: an unquoted number is epoch milliseconds
 * to Jira. Floored to the minute (the index keeps no seconds), so `>=` never skips a change.
 */
export function jqlEpochMinute(epochMs: number): string {
  if (!Number.isFinite(epochMs)) throw new RangeError(`not a time: ${epochMs}`);
  return String(Math.floor(epochMs / 60_000) * 60_000);
}

/** Offset of a zone at an instant, in minutes east of UTC (for messages and tests). */
export function zoneOffsetMinutes(epochMs: number, timeZone: string): number {
  const floored = Math.floor(epochMs / 60_000) * 60_000;
  const [date, time] = formatJqlDate(floored, timeZone).split(' ');
  const [y, mo, d] = date.split('/').map(Number);
  const [h, mi] = time.split(':').map(Number);
  return Math.round((Date.UTC(y, mo - 1, d, h, mi) - floored) / 60_000);
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Epoch ms of a Jira timestamp: `2022-06-09T16:29:31.871-0700` (offset without colon), or with
 * `Z` / `+05:30`. A timestamp without an offset is refused: guessing its zone loses hours.
 */
export function parseJiraTimestamp(s: string): number {
  const m = typeof s === 'string' ? TIMESTAMP.exec(s.trim()) : null;
  if (!m) throw new RangeError(`not a Jira timestamp with an offset: ${JSON.stringify(s)}`);
  const [, y, mo, d, h, mi, sec = '0', frac = '0', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) {
    throw new RangeError(`not a valid Jira timestamp: ${JSON.stringify(s)}`);
  }
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let local = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(sec), ms);
  if (new Date(local).getUTCDate() !== day) throw new RangeError(`not a valid Jira timestamp: ${JSON.stringify(s)}`);
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    local -= sign * offsetMinutes * 60_000;
  }
  return local;
}

/**
 * Epoch ms of a time as Jira may send it: a timestamp with an offset, or a number of epoch
 * milliseconds (`changelog/bulkfetch` writes a history's `created` so). `what` names the value in errors.
 */
export function parseJiraTime(value: unknown, what?: string): number {
  const name = what ?? 'time';
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new RangeError(`${name} is not a time: ${value}`);
  }
  if (typeof value === 'string') {
    try {
      return parseJiraTimestamp(value);
    } catch (e) {
      if (what === undefined) throw e;
      throw new RangeError(`${what}: ${(e as Error).message}`);
    }
  }
  throw new RangeError(`${name} is not a Jira timestamp or epoch milliseconds: ${JSON.stringify(value) ?? String(value)}`);
}

/** Epoch ms of a Jira time, or undefined when it cannot be read (for callers with an explicit fallback). */
export function readJiraTime(value: unknown): number | undefined {
  try {
    return parseJiraTime(value);
  } catch {
    return undefined;
  }
}

/** Every instant a local `"yyyy/MM/dd HH:mm"` can mean in a zone (two in a DST fold, none in a gap). */
export function instantsOfJqlDate(jqlDate: string, timeZone: string): number[] {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})$/.exec(jqlDate);
  if (!m) throw new RangeError(`not a JQL date: ${JSON.stringify(jqlDate)}`);
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const offsets = new Set<number>();
  // Offsets in force within a day either side cover any transition near this local time.
  for (const probe of [-36, -24, -12, 0, 12, 24, 36]) offsets.add(zoneOffsetMinutes(asUtc + probe * 3_600_000, timeZone));
  const instants = [...offsets]
    .map(offset => asUtc - offset * 60_000)
    .filter(t => formatJqlDate(t, timeZone) === jqlDate);
  return [...new Set(instants)].sort((a, b) => a - b);
}

/**
 * The latest JQL date whose every reading is at or before `epochMs`: floored to the minute and,
 * inside a DST fold (01:30 happening twice), moved before the fold so Jira cannot read it an hour late.
 */
export function jqlDateAtOrBeforeIn(epochMs: number, timeZone: string): string {
  let candidate = Math.floor(epochMs / 60_000) * 60_000;
  for (let step = 0; step < 48 * 60; step++) {
    const rendered = formatJqlDate(candidate, timeZone);
    if (instantsOfJqlDate(rendered, timeZone).every(t => t <= epochMs)) return rendered;
    candidate -= 60_000;
  }
  throw new RangeError(`no safe JQL date at or before ${new Date(epochMs).toISOString()} in ${timeZone}`);
}
