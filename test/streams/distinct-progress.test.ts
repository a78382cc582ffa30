import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { distinctProgress, type OperationProgress } from '../../src/streams/index.js';

const progress = (
  status: string,
  percentage: number | null,
  transport: OperationProgress['transport'] = 'websocket',
): OperationProgress => ({ kind: 'creation', backupId: 'b', status, percentage, transport, at: 0 });

describe('distinctProgress', () => {
  it('drops frames with the same status and the same whole percentage (INITIALIZED reads as IN-PROGRESS)', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
      const values = {
        a: progress('INITIALIZED', 0),
        b: progress('IN-PROGRESS', 0),
        c: progress('IN-PROGRESS', 10.2),
        d: progress('IN-PROGRESS', 10.9),
        e: progress('IN-PROGRESS', 11),
        f: progress('IN-PROGRESS', null),
        g: progress('IN-PROGRESS', null),
        h: progress('COMPLETED', 100),
      };
      expectObservable(cold('abcdefgh|', values).pipe(distinctProgress())).toBe('a-c-ef-h|', values);
    });
  });

  it('passes one observation per whole percentage and status: 101 for 0-100 %, whatever the frame count', () => {
    const frames = [progress('INITIALIZED', 0), progress('IN-PROGRESS', 0)];
    for (let i = 1; i <= 100_000; i += 1) frames.push(progress('IN-PROGRESS', (i * 100) / 100_001));
    frames.push(progress('COMPLETED', 100));
    const seen: OperationProgress[] = [];
    from(frames).pipe(distinctProgress()).subscribe((p) => seen.push(p));
    expect(seen).toHaveLength(101);
    expect(seen[0]?.status).toBe('INITIALIZED');
    expect(seen.at(-1)?.status).toBe('COMPLETED');
  });

  it('lets a change of transport through, so a fallback is visible', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
      const values = {
        a: progress('IN-PROGRESS', 40),
        b: progress('IN-PROGRESS', 40, 'polling'),
        c: progress('IN-PROGRESS', 40.5, 'polling'),
        d: progress('IN-PROGRESS', 40.5, 'websocket'),
      };
      expectObservable(cold('a-b-c-d|', values).pipe(distinctProgress())).toBe('a-b---d|', values);
    });
  });
});
