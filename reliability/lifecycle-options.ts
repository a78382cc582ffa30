import { exponentialBackoff } from '../src/api/index.js';
import type { FaultLifecycleOptions } from '../test/faults/lifecycle-run.js';

/**
 * The machines' options in the probes with no injected fault: quick polls, so a run takes
 * about a second, but the library's patience for a slow daemon (a start stream's first frame,
 * an outage across a restart). On two cores shared with other work a loopback answer can take
 * seconds; the #6 sweep's 400 ms stall limit would count that as a stall and end runs
 * `failed` (outcome unknown) that the library, with its defaults, would have followed.
 */
export const RELIABILITY_OPTIONS: FaultLifecycleOptions = {
  cancelTimeoutMs: 30_000,
  stream: {
    stallTimeoutMs: 10_000,
    minIntervalMs: 50,
    maxIntervalMs: 200,
    retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 1_000 }),
    // with 50 ms-1 s delays, the default 8 retries would give up in 2-4 s: the outage bound decides instead
    retry: 1_000,
    outageTimeoutMs: 15_000,
  },
  cancelRetry: { retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 500 }), confirmIntervalMs: 100, requestTimeoutMs: 10_000 },
};
