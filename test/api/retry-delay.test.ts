import { describe, expect, it } from 'vitest';
import { computeRetryDelay, parseRetryAfter } from '../../src/api/retry-delay.js';
import { resolveRetryOptions } from '../../src/api/retry-options.js';

const noJitter = { delay: 300, backoffLimit: 10_000, jitter: false };

describe('computeRetryDelay', () => {
  it('doubles the base delay each retry without jitter', () => {
    expect([1, 2, 3, 4].map((retryCount) => computeRetryDelay({ retryCount, options: noJitter }))).toEqual([300, 600, 1200, 2400]);
  });

  it('caps the exponential delay at backoffLimit', () => {
    expect(computeRetryDelay({ retryCount: 10, options: noJitter })).toBe(10_000);
  });

  it('applies full jitter from the injected random source', () => {
    const options = { ...noJitter, jitter: true };
    expect(computeRetryDelay({ retryCount: 2, options, random: () => 0.5 })).toBe(300);
    expect(computeRetryDelay({ retryCount: 2, options, random: () => 0 })).toBe(0);
    expect(computeRetryDelay({ retryCount: 2, options, random: () => 0.999 })).toBeLessThan(600);
  });

  it('honours Retry-After in seconds, without jitter', () => {
    const options = { ...noJitter, jitter: true };
    expect(computeRetryDelay({ retryCount: 1, retryAfter: '2', options, random: () => 0 })).toBe(2000);
  });

  it('honours Retry-After as an HTTP date', () => {
    const now = Date.parse('2025-11-26T12:00:00Z');
    const retryAfter = new Date(now + 3000).toUTCString();
    expect(computeRetryDelay({ retryCount: 1, retryAfter, options: noJitter, now })).toBe(3000);
  });

  it('bounds Retry-After by backoffLimit', () => {
    expect(computeRetryDelay({ retryCount: 1, retryAfter: '3600', options: noJitter })).toBe(10_000);
  });

  it('falls back to backoff for an unreadable Retry-After', () => {
    expect(computeRetryDelay({ retryCount: 1, retryAfter: 'soon', options: noJitter })).toBe(300);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, dates in the past as 0, and ignores garbage', () => {
    const now = Date.parse('2025-11-26T12:00:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter(new Date(now - 60_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('resolveRetryOptions', () => {
  it('fills defaults and never retries 505 or 511, even when asked', () => {
    const options = resolveRetryOptions({ statusCodes: [503, 505, 511] });
    expect(options.statusCodes).toEqual([503]);
    expect(options.limit).toBe(2);
    expect(resolveRetryOptions().statusCodes).toEqual([408, 429, 500, 502, 503, 504]);
  });
});
