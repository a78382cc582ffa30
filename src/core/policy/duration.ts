import { PolicyInputError } from './policy-input-error.js';
import { instantOf, zonedTime } from './zoned-time.js';

/**
 * A length of time as the user wrote it. Years, months, weeks and days are calendar units
 * (a month back from 31 March is 3 March, as restic's `AddDate`); hours and minutes are fixed.
 */
export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
}

/** A daily time on the local wall clock, `HH:MM`. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

type Unit = keyof Duration;

// Longest first, so `mo` and `min` are tried before `m`.
const UNITS: ReadonlyArray<readonly [string, Unit]> = [
  ['min', 'minutes'],
  ['mo', 'months'],
  ['y', 'years'],
  ['w', 'weeks'],
  ['d', 'days'],
  ['h', 'hours'],
  ['m', 'minutes'],
];
const ORDER: ReadonlyArray<readonly [Unit, string]> = [
  ['years', 'y'],
  ['months', 'mo'],
  ['weeks', 'w'],
  ['days', 'd'],
  ['hours', 'h'],
  ['minutes', 'm'],
];
const GRAMMAR = 'write a number and a unit, e.g. 30m, 6h, 1d, 2w, 1h30m, 1y6mo (units: y, mo, w, d, h, m or min)';
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Parses `30m`, `6h`, `1d`, `2w`, `1h30m`, `1y6mo`. Units: `y` years, `mo` months, `w` weeks,
 * `d` days, `h` hours, `m` (or `min`) minutes; each at most once, in any order, no spaces.
 * Note `m` is minutes here, where restic's `--keep-within 1m` is a month: write `1mo`.
 *
 * @example
 * ```ts
 * parseDuration('1h30m'); // { years: 0, months: 0, weeks: 0, days: 0, hours: 1, minutes: 30 }
 * ```
 */
export function parseDuration(input: string, field = 'duration'): Duration {
  const fail = (why: string): never => {
    throw new PolicyInputError({ field, input, message: `${field}: ${JSON.stringify(input)} is not a duration: ${why}` });
  };
  if (typeof input !== 'string') return fail(GRAMMAR);
  const text = input.trim();
  if (text === '') return fail(GRAMMAR);
  const duration: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0 };
  const seen = new Set<Unit>();
  let rest = text;
  while (rest !== '') {
    const digits = /^\d+/.exec(rest)?.[0];
    if (digits === undefined) return fail(rest.startsWith('-') ? 'a duration cannot be negative' : GRAMMAR);
    rest = rest.slice(digits.length);
    const unit = UNITS.find(([suffix]) => rest.startsWith(suffix));
    if (!unit) return fail(rest === '' ? `no unit after ${digits}: ${GRAMMAR}` : `unknown unit in ${JSON.stringify(rest)}: ${GRAMMAR}`);
    const [suffix, key] = unit;
    if (seen.has(key)) return fail(`${key} given twice`);
    const value = Number(digits);
    if (!Number.isSafeInteger(value)) return fail(`${digits} is too large`);
    seen.add(key);
    duration[key] = value;
    rest = rest.slice(suffix.length);
  }
  return duration;
}

/** The canonical text of a duration, largest unit first: `1d6h`; `0m` for nothing. */
export function formatDuration(duration: Duration): string {
  const text = ORDER.filter(([key]) => duration[key] > 0)
    .map(([key, suffix]) => `${duration[key]}${suffix}`)
    .join('');
  return text === '' ? '0m' : text;
}

export function isZeroDuration(duration: Duration): boolean {
  return ORDER.every(([key]) => duration[key] === 0);
}

/**
 * The duration in ms when it has a fixed length: weeks and days count 24 h each (a schedule
 * runs every 24 h of elapsed time, whatever the clocks do). Years and months have no fixed
 * length and are refused.
 */
export function durationToMs(duration: Duration, field = 'duration'): number {
  if (duration.years > 0 || duration.months > 0) {
    throw new PolicyInputError({
      field,
      input: formatDuration(duration),
      message: `${field}: ${formatDuration(duration)} has no fixed length: use w, d, h or m (e.g. 30d instead of 1mo)`,
    });
  }
  return ((duration.weeks * 7 + duration.days) * 24 + duration.hours) * HOUR_MS + duration.minutes * MINUTE_MS;
}

/**
 * The instant `duration` before `epochMs`: the calendar part on the wall clock of `timeZone`
 * (restic's `AddDate(-y, -m, -d)`), then the hours and minutes as elapsed time.
 */
export function subtractDuration(epochMs: number, duration: Duration, timeZone?: string): number {
  const wall = zonedTime(epochMs, timeZone);
  const calendarDays = duration.weeks * 7 + duration.days;
  const shifted =
    duration.years === 0 && duration.months === 0 && calendarDays === 0
      ? epochMs
      : instantOf(
          {
            ...wall,
            year: wall.year - duration.years,
            month: wall.month - duration.months,
            day: wall.day - calendarDays,
          },
          timeZone,
        );
  return shifted - duration.hours * HOUR_MS - duration.minutes * MINUTE_MS;
}

/**
 * Parses a daily time `HH:MM` (24-hour, `9:05` allowed), e.g. `02:30`.
 *
 * @example
 * ```ts
 * parseTimeOfDay('02:30'); // { hour: 2, minute: 30 }
 * ```
 */
export function parseTimeOfDay(input: string, field = 'dailyAt'): TimeOfDay {
  const match = typeof input === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(input.trim()) : null;
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) {
    throw new PolicyInputError({
      field,
      input,
      message: `${field}: ${JSON.stringify(input)} is not a time of day: write HH:MM on a 24-hour clock, 00:00 to 23:59 (e.g. 02:30)`,
    });
  }
  return { hour, minute };
}

export function formatTimeOfDay(time: TimeOfDay): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}
