/** A wall-clock reading in one time zone (month 1-12, hour 0-23). */
export interface ZonedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

// One formatter per zone: building an Intl.DateTimeFormat is the slow part.
function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock at `epochMs` in `timeZone` (the host's zone when undefined). */
export function zonedTime(epochMs: number, timeZone?: string): ZonedTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
}

function wallMs(time: ZonedTime): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second, time.millisecond);
}

/** The zone's offset from UTC at `epochMs`, ms (east positive). */
function offsetAt(epochMs: number, timeZone: string | undefined): number {
  return wallMs(zonedTime(epochMs, timeZone)) - epochMs;
}

/**
 * The instant a wall-clock time names in `timeZone`. Fields out of range are normalised the
 * way `Date.UTC` does (day 0 is the last of the previous month). A time that occurs twice (the
 * hour repeated when clocks go back) is its first occurrence; one skipped when clocks go
 * forward is the instant just after the gap (02:30 becomes 03:30).
 */
export function instantOf(time: ZonedTime, timeZone?: string): number {
  const wall = wallMs(time);
  const offsets = [...new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY_MS, timeZone)])];
  const valid = offsets.filter((offset) => offsetAt(wall - offset, timeZone) === offset).map((offset) => wall - offset);
  if (valid.length > 0) return Math.min(...valid);
  return wall - Math.min(...offsets);
}

/** ISO-8601 week-numbering year and week (1-53) of a calendar date. */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = Date.UTC(year, month - 1, day);
  const weekday = (new Date(date).getUTCDay() + 6) % 7; // Monday 0
  const thursday = date + (3 - weekday) * DAY_MS;
  const weekYear = new Date(thursday).getUTCFullYear();
  const jan4 = Date.UTC(weekYear, 0, 4);
  const firstThursday = jan4 + (3 - ((new Date(jan4).getUTCDay() + 6) % 7)) * DAY_MS;
  return { year: weekYear, week: 1 + Math.round((thursday - firstThursday) / (7 * DAY_MS)) };
}

export function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
