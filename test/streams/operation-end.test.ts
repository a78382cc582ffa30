import { lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { OperationProgress } from '../../src/streams/index.js';
import { operationEnd } from '../../src/streams/streaming.js';

// The one place that promises an operation stream ends only after a terminal status: the
// machines above wait on that and check nothing themselves.

const at = (status: OperationProgress['status'], percentage: number): OperationProgress => ({
  kind: 'creation',
  backupId: '9.0.0_1000',
  status,
  percentage,
  transport: 'polling',
  at: 0,
});

describe('operationEnd', () => {
  it('an end before a terminal status is a typed ProtocolError, not a silent completion', async () => {
    const early = lastValueFrom(of(at('IN-PROGRESS', 10)).pipe(operationEnd('http://fake.invalid')));
    await expect(early).rejects.toMatchObject({ name: 'ProtocolError', message: expect.stringContaining('ended before a terminal status') });
  });

  it('completes after the terminal status, passing only visible changes', async () => {
    const seen = await lastValueFrom(
      of(at('IN-PROGRESS', 10.2), at('IN-PROGRESS', 10.8), at('COMPLETED', 100)).pipe(operationEnd('http://fake.invalid'), toArray()),
    );
    expect(seen.map((progress) => progress.status)).toEqual(['IN-PROGRESS', 'COMPLETED']);
  });
});
