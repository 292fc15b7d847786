/** "just now", "5 minutes ago", "3 hours ago", "2 days ago": how long before `now` the instant was. */
export function formatAge(iso: string, now: number): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} ${plural(minutes, 'minute')} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} ${plural(hours, 'hour')} ago`;
  const days = Math.round(hours / 24);
  return `${days} ${plural(days, 'day')} ago`;
}

/** Hours as "5.5 h" below two days and "3.2 d" above, which is how long issues usually take. */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return '–';
  if (hours < 48) return `${round1(hours)} h`;
  return `${round1(hours / 24)} d`;
}

function round1(value: number): string {
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
