import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { distinctProgress, type OperationProgress } from '../../src/streams/index.js';

const progress = (
  status: string,
  percentage: number | null,
  transport: OperationProgress['transport'] = 'websocket',
): OperationProgress => ({ kind: 'creation', backupId: 'b', status, percentage, transport, at: 0 });

describe('distinctProgress', () => {
  it('drops frames with the same status and the same whole percentage', () => {
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
      expectObservable(cold('abcdefgh|', values).pipe(distinctProgress())).toBe('abc-ef-h|', values);
    });
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
