import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { resolveStream } from '../../src/streams/options.js';
import { stallTimeout } from '../../src/streams/streaming.js';

const stalled = new Error('stalled');

function run(marbles: string, expected: string, values?: Record<string, number>) {
  const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
  scheduler.run(({ cold, expectObservable }) => {
    const policy = { ...resolveStream({ stallTimeoutMs: 100 }), scheduler };
    expectObservable(cold(marbles, values).pipe(stallTimeout(policy, () => stalled))).toBe(expected, values, stalled);
  });
}

describe('stallTimeout', () => {
  it('lets a stream through while values come sooner than the limit', () => {
    run('a 60ms b 60ms c 60ms d|', 'a 60ms b 60ms c 60ms d|');
  });

  it('errors exactly the limit after the last value, however many values came before', () => {
    run('a 10ms b 10ms c 300ms d|', 'a 10ms b 10ms c 99ms #');
  });

  it('errors the limit after subscribing when nothing ever comes', () => {
    run('-', '100ms #');
  });

  it('is a no-op when disabled', () => {
    const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
    scheduler.run(({ cold, expectObservable }) => {
      const policy = { ...resolveStream({ stallTimeoutMs: 0 }), scheduler };
      expectObservable(cold('a 500ms b|').pipe(stallTimeout(policy, () => stalled))).toBe('a 500ms b|');
    });
  });
});
