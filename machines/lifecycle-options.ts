import type { InspectionEvent, Observer, Snapshot } from 'xstate';
import {
  nonNegative,
  resolveCancelRetry,
  resolveStream,
  type CancelRetryOptions,
  type Clock,
  type ProgressTransport,
  type ResolvedCancelRetry,
  type ResolvedStream,
  type StreamOptions,
} from '../src/streams/index.js';

/** Time and chance as parameters, so tests run the lifecycles in virtual time: the streams' one `Clock`. */
export type LifecycleClock = Clock;

export type { CancelRetryOptions };

/** Options of `createBackupMachine` / `createRestoreMachine`, all plain data but the clock. */
export interface LifecycleOptions {
  /** How progress is followed. Default 'websocket'. */
  transport?: ProgressTransport;
  /** Stall detection, fallback and polling of the streams (see `StreamOptions`); time comes from `clock`. */
  stream?: Omit<StreamOptions, keyof Clock>;
  /** How long a cancel may take to be confirmed, ms. Default 30_000. */
  cancelTimeoutMs?: number;
  cancelRetry?: CancelRetryOptions;
  clock?: LifecycleClock;
  /**
   * Restore machine only: back up the current local database before each restore, and start
   * replacing it only once that backup is listed with `bytes > 0`. A RESTORE's own
   * `safetyBackup` overrides it. Default false here (the faces turn it on).
   */
  safetyBackup?: boolean;
}

/** Options of `createBackupActor` / `createRestoreActor`. */
export interface LifecycleActorOptions extends LifecycleOptions {
  /** Passed to `createActor`: e.g. `createBrowserInspector().inspect`. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** A persisted snapshot (`actor.getPersistedSnapshot()`, through JSON) to resume. */
  snapshot?: Snapshot<unknown>;
}

/** Resolved once, at `create*Machine`: the streams' own resolved options, passed inward as they are. */
export interface ResolvedLifecycleOptions {
  transport: ProgressTransport;
  /** Every stream, check and cancel of the lifecycle runs on it (its `scheduler`, `random`, `now`). */
  stream: ResolvedStream;
  cancelTimeoutMs: number;
  cancelRetry: ResolvedCancelRetry;
  safetyBackup: boolean;
}

export const DEFAULT_CANCEL_TIMEOUT_MS = 30_000;

export function resolveLifecycleOptions(options: LifecycleOptions = {}): ResolvedLifecycleOptions {
  const stream = resolveStream({ ...options.stream, ...options.clock });
  return {
    transport: options.transport ?? 'websocket',
    stream,
    cancelTimeoutMs: nonNegative(options.cancelTimeoutMs, DEFAULT_CANCEL_TIMEOUT_MS),
    cancelRetry: resolveCancelRetry(options.cancelRetry, stream.random),
    safetyBackup: options.safetyBackup ?? false,
  };
}
