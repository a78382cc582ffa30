import { describe, expect, it } from 'vitest';
import {
  durationToMs,
  formatDuration,
  parseDuration,
  parseTimeOfDay,
  subtractDuration,
} from '../../../src/core/policy/duration.js';
import { isPolicyInputError } from '../../../src/core/policy/policy-input-error.js';
import { instantOf, isoWeek, zonedTime } from '../../../src/core/policy/zoned-time.js';
import { at } from './support.js';

const zero = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0 };

function refusal(run: () => unknown): Error & { field?: string } {
  try {
    run();
  } catch (error) {
    expect(isPolicyInputError(error)).toBe(true);
    return error as Error & { field?: string };
  }
  throw new Error('expected a PolicyInputError');
}

describe('parseDuration', () => {
  it.each([
    ['30m', { minutes: 30 }, '30m', 30 * 60_000],
    ['45min', { minutes: 45 }, '45m', 45 * 60_000],
    ['6h', { hours: 6 }, '6h', 6 * 3_600_000],
    ['1d', { days: 1 }, '1d', 86_400_000],
    ['2w', { weeks: 2 }, '2w', 14 * 86_400_000],
    ['1h30m', { hours: 1, minutes: 30 }, '1h30m', 90 * 60_000],
    ['30m1h', { hours: 1, minutes: 30 }, '1h30m', 90 * 60_000],
    [' 7d ', { days: 7 }, '7d', 7 * 86_400_000],
  ])('%s', (text, fields, canonical, ms) => {
    const duration = parseDuration(text);
    expect(duration).toEqual({ ...zero, ...fields });
    expect(formatDuration(duration)).toBe(canonical);
    expect(durationToMs(duration)).toBe(ms);
  });

  it('reads calendar units: 1y5mo7d2h as restic reads 1y5m7d2h', () => {
    expect(parseDuration('1y5mo7d2h')).toEqual({ ...zero, years: 1, months: 5, days: 7, hours: 2 });
    expect(formatDuration(parseDuration('1y5mo7d2h'))).toBe('1y5mo7d2h');
  });

  it.each([
    ['', /is not a duration: write a number and a unit/],
    ['6', /no unit after 6/],
    ['6 hours', /unknown unit in " hours"/],
    ['6H', /unknown unit in "H"/],
    ['h', /is not a duration: write a number/],
    ['-1d', /cannot be negative/],
    ['1d1d', /days given twice/],
    ['1.5h', /unknown unit in "\.5h"/],
  ])('refuses %j', (text, message) => {
    const error = refusal(() => parseDuration(text, 'every'));
    expect(error.message).toMatch(message);
    expect(error.message.startsWith('every: ')).toBe(true);
    expect(error.field).toBe('every');
  });

  it('has no fixed length for months and years', () => {
    expect(refusal(() => durationToMs(parseDuration('1mo'), 'every')).message).toBe(
      'every: 1mo has no fixed length: use w, d, h or m (e.g. 30d instead of 1mo)',
    );
  });
});

describe('subtractDuration (keep-within)', () => {
  it('goes back by calendar months, normalising like Go AddDate (31 March - 1 month = 3 March)', () => {
    expect(subtractDuration(at('2026-03-31 10:00'), parseDuration('1mo'), 'UTC')).toBe(at('2026-03-03 10:00'));
  });

  it('goes back by wall-clock days across a DST change, and by elapsed hours', () => {
    // Berlin moves to summer time on 29 March 2026: one calendar day back is 23 h of elapsed time
    const sunday = at('2026-03-29 12:00', 'Europe/Berlin');
    expect(subtractDuration(sunday, parseDuration('1d'), 'Europe/Berlin')).toBe(at('2026-03-28 12:00', 'Europe/Berlin'));
    expect(sunday - subtractDuration(sunday, parseDuration('1d'), 'Europe/Berlin')).toBe(23 * 3_600_000);
    expect(sunday - subtractDuration(sunday, parseDuration('24h'), 'Europe/Berlin')).toBe(24 * 3_600_000);
  });
});

describe('zoned time', () => {
  it('maps a skipped wall time to just after the gap, and a repeated one to its first occurrence', () => {
    const wall = { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0, millisecond: 0 };
    expect(new Date(instantOf(wall, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    const repeated = { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0, millisecond: 0 };
    expect(new Date(instantOf(repeated, 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
    expect(zonedTime(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Berlin').hour).toBe(2); // 02:30 CET
  });

  it('numbers ISO weeks across the year end', () => {
    expect(isoWeek(2027, 1, 1)).toEqual({ year: 2026, week: 53 });
    expect(isoWeek(2024, 12, 30)).toEqual({ year: 2025, week: 1 });
    expect(isoWeek(2026, 12, 28)).toEqual({ year: 2026, week: 53 });
  });
});

describe('parseTimeOfDay', () => {
  it.each([
    ['02:30', { hour: 2, minute: 30 }],
    ['9:05', { hour: 9, minute: 5 }],
    ['23:59', { hour: 23, minute: 59 }],
    ['00:00', { hour: 0, minute: 0 }],
  ])('%s', (text, time) => expect(parseTimeOfDay(text)).toEqual(time));

  it.each(['24:00', '12:60', '2pm', '12', '12:5', ''])('refuses %j', (text) => {
    expect(refusal(() => parseTimeOfDay(text)).message).toBe(
      `dailyAt: ${JSON.stringify(text)} is not a time of day: write HH:MM on a 24-hour clock, 00:00 to 23:59 (e.g. 02:30)`,
    );
  });
});
