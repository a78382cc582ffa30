import { describe, expect, it } from 'vitest';
import {
  AuthenticationRequiredError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  ServerError,
  TimeoutError,
  UpdateRequiredError,
} from '../../src/api/errors/index.js';
import { exponentialBackoff, isTransientError, parseRetryAfter, retryDelayOf, shouldRetry } from '../../src/api/retry.js';

const at = { method: 'GET', url: 'http://127.0.0.1:1/backups' };
const plain = new NetworkError(at);
const busy = (retryAfter?: string) => new ServerError({ ...at, status: 503, ...(retryAfter !== undefined && { retryAfter }) });
const noJitter = exponentialBackoff({ baseMs: 300, maxMs: 10_000, jitter: false });

describe('exponentialBackoff', () => {
  it('doubles the base delay each retry without jitter', () => {
    expect([1, 2, 3, 4].map((attempt) => noJitter(attempt, plain))).toEqual([300, 600, 1200, 2400]);
  });

  it('caps the exponential delay at its maximum', () => {
    expect(noJitter(10, plain)).toBe(10_000);
  });

  it('applies full jitter from the injected random source', () => {
    const delay = (random: () => number) => exponentialBackoff({ baseMs: 300, maxMs: 10_000, random })(2, plain);
    expect(delay(() => 0.5)).toBe(300);
    expect(delay(() => 0)).toBe(0);
    expect(delay(() => 0.999)).toBeLessThan(600);
  });

  it('honours Retry-After in seconds, without jitter', () => {
    expect(exponentialBackoff({ baseMs: 300, maxMs: 10_000, random: () => 0 })(1, busy('2'))).toBe(2000);
  });

  it('honours Retry-After as an HTTP date', () => {
    const now = Date.parse('2025-11-26T12:00:00Z');
    const backoff = exponentialBackoff({ baseMs: 300, maxMs: 10_000, jitter: false, now: () => now });
    expect(backoff(1, busy(new Date(now + 3000).toUTCString()))).toBe(3000);
  });

  it('bounds Retry-After by the maximum', () => {
    expect(noJitter(1, busy('3600'))).toBe(10_000);
  });

  it('falls back to backoff for an unreadable Retry-After', () => {
    expect(noJitter(1, busy('soon'))).toBe(300);
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

describe('the one retry vocabulary', () => {
  it('counts retry transient failures only, and never 505 or 511, even when a predicate says yes', () => {
    expect(shouldRetry(2, 2, busy())).toBe(true);
    expect(shouldRetry(2, 3, busy())).toBe(false);
    expect(shouldRetry(5, 1, new NotFoundError(at))).toBe(false);
    expect(shouldRetry(() => true, 1, new NotFoundError(at))).toBe(true);
    expect(shouldRetry(() => true, 1, new UpdateRequiredError(at))).toBe(false);
    expect(shouldRetry(() => true, 1, new AuthenticationRequiredError(at))).toBe(false);
  });

  it('one transient predicate: dropped, timed out, garbled, 408, 429, 5xx', () => {
    const transient = [
      plain,
      new TimeoutError({ ...at, timeoutMs: 1 }),
      new ProtocolError({ message: 'truncated', url: at.url }),
      new ServerError({ ...at, status: 500 }),
      busy(),
    ];
    expect(transient.map(isTransientError)).toEqual(transient.map(() => true));
    expect([new NotFoundError(at), new UpdateRequiredError(at), new AuthenticationRequiredError(at)].map(isTransientError)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('retryDelay is a number or a function of the attempt and the error', () => {
    expect(retryDelayOf(250, 3, plain)).toBe(250);
    expect(retryDelayOf((attempt) => attempt * 100, 3, plain)).toBe(300);
    expect(retryDelayOf(() => -5, 1, plain)).toBe(0);
  });
});
