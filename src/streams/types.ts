import type { SchedulerLike } from 'rxjs';
import type { RetryOptions } from '../api/retry.js';
import type { Backup, BackupStatusValue, BackupStreamedProgress } from '../models/index.js';

/** Which wire carries progress: a WebSocket, the NDJSON streamed POST, or status polling. */
export type ProgressTransport = 'websocket' | 'ndjson' | 'polling';

export type { OperationKind } from '../models/index.js';
import type { OperationKind } from '../models/index.js';

/**
 * One observation of a running operation, whatever transport produced it. Streams emit
 * these only when something a UI shows changed (status, or the whole percentage).
 */
export interface OperationProgress {
  kind: OperationKind;
  /** Known from the first frame of a creation, from the start for a restoration. */
  backupId: string;
  backup?: Backup;
  status: BackupStatusValue;
  /** 0-100, or null when the server did not say. Not forced monotonic here: machines do that. */
  percentage: number | null;
  /**
   * The transport that produced this observation: 'polling' after a fallback, 'websocket'
   * again when the progress WebSocket took over; 'ndjson' for the id-bearing first frame
   * of a creation over the polling transport.
   */
  transport: ProgressTransport;
  /** `scheduler.now()` when it was observed. */
  at: number;
}

/**
 * Time and chance as parameters, so tests run in virtual time with a seeded random: the one
 * clock of the streams and of the machines above them (their `clock` option).
 */
export interface Clock {
  /** Every wait of the streams and the machines. Default rxjs `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** Returns a number in [0, 1). Default Math.random. */
  random?: () => number;
  /** Epoch ms for timestamps and the cancel deadline. Default `scheduler.now()`. */
  now?: () => number;
}

/**
 * How status is polled and retried, as plain data. `retry` and `retryDelay` are the one retry
 * vocabulary of the library (`RetryOptions`): by default a number of retries of a transient
 * failure in a row (a garbled answer counts as one) and full-jitter backoff with
 * `Retry-After` honoured, as `STREAM_DEFAULTS` in options.ts says.
 */
export interface PollingOptions extends Clock, RetryOptions {
  /** Shortest wait between polls, ms. Default: `STREAM_DEFAULTS` (options.ts), like every default here. */
  minIntervalMs?: number;
  /** Longest wait between polls while healthy, ms. */
  maxIntervalMs?: number;
  /**
   * How long the status may stay unreadable (every request failing: refused, timed out,
   * 5xx, a malformed or truncated answer) before following gives up with the last error.
   * Measured from the start of the first failed request; the last attempt is made at the
   * bound, so giving up takes at most this plus one request timeout.
   */
  outageTimeoutMs?: number;
  /**
   * Told when a status read failed and another attempt is scheduled (`notice`), and with
   * `null` once a read succeeds again: what a UI needs to say "reconnecting".
   */
  onRetry?: (notice: RetryNotice | null) => void;
}

/** A failed status read that will be retried. */
export interface RetryNotice {
  /** 1 for the first retry after a success, then 2, 3, ... */
  attempt: number;
  /** When the next attempt starts, on the scheduler's clock (`scheduler.now()`). */
  nextAttemptAt: number;
  /** The typed error of the failed attempt. */
  error: unknown;
}

export interface StreamOptions extends PollingOptions {
  /** No frame for this long means the stream stalled: fall back to polling. `0` disables. */
  stallTimeoutMs?: number;
  /**
   * After a fallback to polling, also watch the observe-only progress WebSocket
   * (`/backups/streamed/progress`, which never starts anything) and switch back to it once
   * it lists the operation. `false`: poll until the end.
   */
  recoverStream?: boolean;
}

/**
 * How a cancel request is repeated through an outage, as plain data. `retry` defaults to
 * every transient failure until the cancel deadline; `retryDelay` to full-jitter backoff
 * from 250 ms doubling to at most 2 s.
 */
export interface CancelRetryOptions extends RetryOptions {
  /** After the cancel was accepted: how often the status is checked until CANCELED, ms. Default `STREAM_DEFAULTS.idleIntervalMs`. */
  confirmIntervalMs?: number;
  /** Timeout of one cancel or status request, ms (never past the deadline). Default 10_000. */
  requestTimeoutMs?: number;
}

export type { BackupStreamedProgress };
