import {
  catchError,
  concat,
  defer,
  EMPTY,
  firstValueFrom,
  ignoreElements,
  map,
  of,
  switchMap,
  take,
  takeWhile,
  tap,
  throwError,
  timeout,
  timer,
  type ObservableNotification,
  type Observable,
} from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import {
  PiecesBackupError,
  isConflictError,
  isHttpError,
  isNetworkError,
  isNotFoundError,
  isProtocolError,
  isTimeoutError,
} from '../api/errors/index.js';
import { isTransientError } from '../api/retry.js';
import { isTerminalStatus, type Backup, type BackupStatus, type BackupStatusValue } from '../models/index.js';
import { CancelTimeoutError } from './errors/cancel-timeout-error.js';
import { OperationLostError } from './errors/operation-lost-error.js';
import { OutcomeUnknownError } from './errors/outcome-unknown-error.js';
import { discoverWith } from './discover-operations.js';
import { followOperation } from './follow-operation.js';
import type { ResolvedCancelRetry, ResolvedStream } from './options.js';
import { pollLoop, retryAttempts, retryWait, waitOn, withinOutage } from './polling.js';
import { statusStrategy } from './poll-status.js';
import { progressFromStatus } from './progress.js';
import { streamEndpoint, streamStalled } from './stream-errors.js';
import { fromAbortable } from './streaming.js';
import type { OperationKind, OperationProgress } from './types.js';

// The outcome rules: every read of the daemon that decides what became of an operation (a
// start whose answer was lost, a restoration record that may be an earlier one's, the check
// RETRY makes after an unknown outcome, a cancel and its confirmation), written once. The
// start streams and the machines call these; none of them decides on its own.

/** The operation ended well, as the daemon proved it: a listed backup, a restore's 200. */
export function completedProgress(kind: OperationKind, backupId: string, backup: Backup, at: number): OperationProgress {
  return { kind, backupId, backup, status: 'COMPLETED', percentage: 100, transport: 'polling', at };
}

/**
 * Proof that a start request never reached the daemon whole, so nothing can have run and the
 * start is made again without asking it: the transport's own mark `requestSent: false` (a
 * WebSocket whose upgrade never completed, a connection refused before the request was
 * written), or a 408 answered to the request (RFC 9110: the server gave up before the request
 * arrived complete, and a client may repeat it). Anything else may have been carried out.
 */
export function nothingWasSent(error: unknown): boolean {
  if (isHttpError(error) && error.status === 408) return true;
  return typeof error === 'object' && error !== null && (error as { requestSent?: unknown }).requestSent === false;
}

/**
 * A start answered in a way that does not say whether it ran: a stream failure (a drop, a
 * timeout, an unreadable answer) or a transient status (429, 502-504: a proxy or a
 * daemon that may have started it anyway). 500, 505, 511 and the other 4xx are refusals.
 */
export function mayHaveStarted(error: unknown): boolean {
  if (isNetworkError(error) || isTimeoutError(error) || isProtocolError(error)) return true;
  return isTransientError(error) && !(isHttpError(error) && error.status === 500);
}

/** A start attempt the daemon proved never ran; `cause` is what the attempt failed with. Never leaves this layer. */
class NothingRan {
  constructor(readonly cause: unknown) {}
}

/**
 * Makes a start again, by itself, each time the last attempt is proven never to have run
 * (`NothingRan`, from the decisions below): each new attempt is one retry of `policy.retry`,
 * told to `policy.onRetry`, and none starts once `outageTimeoutMs` has passed since the first
 * failed attempt; then the last attempt's own error stands. `attempt(retried)`: `retried` is
 * true for every attempt after the first (a 409 then may be our own earlier attempt's).
 */
export function startAgainWhileNothingRan(
  attempt: (retried: boolean) => Observable<OperationProgress>,
  policy: ResolvedStream,
): Observable<OperationProgress> {
  const { scheduler } = policy;
  return defer(() => {
    let failures = 0;
    let outageStartedAt: number | undefined;
    const once = (): Observable<OperationProgress> => {
      const startedAt = scheduler.now();
      let seen = false;
      return attempt(failures > 0).pipe(
        tap(() => {
          if (!seen && failures > 0) policy.onRetry?.(null);
          seen = true;
        }),
        catchError((error: unknown) => {
          if (!(error instanceof NothingRan)) return throwError(() => error);
          failures += 1;
          outageStartedAt ??= startedAt;
          const delay = retryWait(policy.retry, failures, error.cause, outageStartedAt + policy.outageTimeoutMs - scheduler.now());
          if (delay === null) return throwError(() => error.cause);
          policy.onRetry?.({ attempt: failures, nextAttemptAt: scheduler.now() + delay, error: error.cause });
          return timer(delay, scheduler).pipe(switchMap(once));
        }),
      );
    };
    return once();
  });
}

/**
 * What `restoration/status` said of the backup just before the restore request (see
 * docs/protocol.md, "Which restoration a status is about"): `record: null` for 404 (never
 * restored). `null` in its place: it could not be read. Plain data, kept in machine context,
 * so a later RETRY can tell this restoration's record from an earlier one's.
 */
export interface RestorationBaseline {
  record: { status: BackupStatusValue; percentage: number | null } | null;
}

/** The baseline of `backupId`, read once; bounded, so a status endpoint that hangs delays the start by at most one read. */
export function readBaseline(client: BackupClient, backupId: string, policy: ResolvedStream): Observable<RestorationBaseline | null> {
  return fromAbortable((signal) =>
    client.status('restoration', backupId, { signal, timeout: policy.readTimeoutMs, retry: false }),
  ).pipe(
    map((status): RestorationBaseline => {
      const { status: value, percentage } = progressFromStatus('restoration', backupId, status, policy.scheduler.now());
      return { record: { status: value, percentage } };
    }),
    catchError((error: unknown) => of(isNotFoundError(error) ? { record: null } : null)),
  );
}

/**
 * A restoration's status record is provably ours when it differs from the one before our
 * request (any record is, when the backup had never been restored); with no baseline, never.
 */
export function isOurRecord(progress: OperationProgress, baseline: RestorationBaseline | null): boolean {
  if (baseline === null) return false;
  const { record } = baseline;
  return record === null || progress.status !== record.status || progress.percentage !== record.percentage;
}

/**
 * A creation whose id was never learned (docs/protocol.md, "A creation whose id was never
 * learned"): one creation runs at a time, so a running one is ours (or the one that refused
 * ours); else a backup stamped at or after `requestedAt` (the daemon's clock: ids and
 * timestamps are stamped on the same machine) is ours, completed. Emits it once, or `null`
 * when the daemon shows neither: nothing of ours ran. When the running creations could not be
 * read and nothing of ours is listed, it errors with that failure: the daemon could not tell.
 * Each read is bounded by `readTimeoutMs`; the progress socket retries per `policy.retry`.
 */
export function findLostCreation(
  client: BackupClient,
  requestedAt: number,
  policy: ResolvedStream,
): Observable<OperationProgress | null> {
  const progressSocket = streamEndpoint(client.baseUrl, 'progress-websocket');
  const running$ = discoverWith(client, { ...policy, onRetry: undefined }).pipe(
    take(1),
    timeout({
      first: policy.readTimeoutMs,
      scheduler: policy.scheduler,
      with: () => throwError(() => streamStalled(progressSocket, policy.readTimeoutMs)),
    }),
    map(({ creations }) => ({
      running: creations.find((progress) => !isTerminalStatus(progress.status)),
      unread: null as { error: unknown } | null,
    })),
    catchError((error: unknown) => of({ running: undefined, unread: { error } })),
  );
  const listed$ = fromAbortable((signal) => client.list({ signal, retry: false, timeout: policy.readTimeoutMs })).pipe(
    map(({ iterable }) =>
      iterable
        .filter((backup) => Number(backup.timestamp) >= requestedAt)
        .sort((a, b) => Number(b.timestamp) - Number(a.timestamp))[0],
    ),
  );
  return running$.pipe(
    switchMap(({ running, unread }) => {
      if (running) return of(running);
      return listed$.pipe(
        map((backup) => {
          if (backup) return completedProgress('creation', backup.id, backup, policy.now());
          if (unread) throw unread.error;
          return null;
        }),
        // both reads failed: the first failure says why the daemon could not tell
        catchError((error: unknown) => throwError(() => (unread ? unread.error : error))),
      );
    }),
  );
}

/**
 * A creation's start failed before its first frame (`error`): follow the creation the daemon
 * may have accepted anyway (`findLostCreation`). None found proves nothing of ours ran (the
 * attempt is made again, see `startAgainWhileNothingRan`); a daemon that cannot be asked
 * leaves `error` standing, the outcome unknown. A refusal (409, 500, 505, 511) stands at
 * once, but a 409 to an attempt made again may be our own earlier attempt running: looked for.
 */
export function followLostCreation(
  client: BackupClient,
  requestedAt: number,
  policy: ResolvedStream,
  error: unknown,
  { socket, retried = false }: { socket: boolean; retried?: boolean },
): Observable<OperationProgress> {
  if (nothingWasSent(error)) return throwError(() => new NothingRan(error));
  if (!mayHaveStarted(error) && !(retried && isConflictError(error))) return throwError(() => error);
  return findLostCreation(client, requestedAt, policy).pipe(
    catchError(() => of(undefined)),
    switchMap((found) => {
      if (found === undefined) return throwError(() => error);
      if (found === null) return throwError(() => new NothingRan(error));
      if (isTerminalStatus(found.status)) return of(found);
      return concat(of(found), followCreation(client, found.backupId, policy, { socket }));
    }),
  );
}

/**
 * What the list and the progress socket say of creation `backupId`, for when its status
 * cannot tell: listed (`completed`), running, or `gone` (neither: it ended without a
 * backup); `null` when they could not be read either. Both read at once, each bounded by
 * `readTimeoutMs` on the policy's clock.
 */
export function creationElsewhere(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
): Promise<{ listed: Backup } | { running: OperationProgress } | 'gone' | null> {
  const bounded = <T>(source: Observable<T>, what: () => Error): Promise<T | undefined> =>
    firstValueFrom(
      source.pipe(
        take(1),
        timeout({ first: policy.readTimeoutMs, scheduler: policy.scheduler, with: () => throwError(what) }),
        catchError(() => of(undefined)),
      ),
    );
  const progressSocket = streamEndpoint(client.baseUrl, 'progress-websocket');
  const stalled = () => streamStalled(progressSocket, policy.readTimeoutMs);
  return Promise.all([
    bounded(
      fromAbortable((signal) => client.list({ signal, retry: false, timeout: policy.readTimeoutMs })).pipe(
        map(({ iterable }) => iterable.find((backup) => backup.id === backupId) ?? null),
      ),
      stalled,
    ),
    bounded(
      discoverWith(client, { ...policy, onRetry: undefined }).pipe(
        map(({ creations }) => creations.find((progress) => progress.backupId === backupId && !isTerminalStatus(progress.status)) ?? null),
      ),
      stalled,
    ),
  ]).then(([listed, running]) => {
    if (listed) return { listed };
    if (running) return { running };
    // both read, neither shows it: it ended, and made no backup
    return listed === null && running === null ? 'gone' : null;
  });
}

/**
 * A creation's status read that cannot tell how it is: unreadable (transient), or a 404/400
 * for a creation the daemon started (a daemon that lost it, or a broken endpoint): the other
 * endpoints are asked. 505 and 511 need the user, an abort the caller: they stand.
 */
function statusCannotTell(error: unknown): boolean {
  return isTransientError(error) || isNotFoundError(error) || (isHttpError(error) && error.status === 400);
}

/**
 * Follows creation `backupId` (`followOperation`); when its status stays unreadable past the
 * outage bound, or answers 404/400 (`statusCannotTell`), the other endpoints tell:
 * listed -> completed; still running on the progress socket -> followed there; else the
 * status's own error stands.
 */
export function followCreation(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
  { socket }: { socket: boolean },
): Observable<OperationProgress> {
  return followOperation(client, 'creation', backupId, policy, { socket }).pipe(
    catchError((error: unknown) => {
      if (!statusCannotTell(error)) return throwError(() => error);
      return defer(() => creationElsewhere(client, backupId, policy)).pipe(
        switchMap((found) => {
          if (found !== null && found !== 'gone' && 'listed' in found) {
            return of(completedProgress('creation', backupId, found.listed, policy.now()));
          }
          if (found !== null && found !== 'gone') return concat(of(found.running), followCreation(client, backupId, policy, { socket: true }));
          return throwError(() => error);
        }),
      );
    }),
  );
}

/**
 * While a restoration's stream has sent nothing, its status is read every poll interval
 * (the first one interval after the request): a record seen running then is ours (or the
 * one that blocks ours), so a fallback after a stall knows it even once that record has
 * ended looking like an earlier restoration's. Calls `onOurs` once; never errors.
 */
export function watchForOurRecord(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
  baseline: RestorationBaseline | null,
  onOurs: () => void,
): Observable<never> {
  let ours = false;
  return timer(policy.minIntervalMs, policy.scheduler).pipe(
    switchMap(() =>
      pollLoop(
        statusStrategy(client, 'restoration', backupId, (outcome) => {
          if (!('value' in outcome)) return isNotFoundError(outcome.error);
          if (!isTerminalStatus(outcome.value.value)) return false;
          // an earlier restoration's record: nothing yet
          return !isOurRecord(progressFromStatus('restoration', backupId, outcome.value, policy.scheduler.now()), baseline);
        }),
        { ...policy, retry: { ...policy.retry, retry: () => true } },
      ),
    ),
    tap((event) => {
      if (event.type === 'value' && !ours) {
        ours = true;
        onOurs();
      }
    }),
    takeWhile(() => !ours),
    ignoreElements(),
    catchError(() => EMPTY),
  );
}

/**
 * A restoration's stream failed before its first frame (`error`). A refusal (404, 409,
 * 500, 505, 511) stands, but a 409 to an attempt made again is looked at (our own earlier
 * attempt may be running). Otherwise `followIfOurs`; a status still 404 after a 404
 * baseline proves nothing ran: made again.
 */
export function followRestorationStart(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
  error: unknown,
  { isOurs, baseline, retried }: { isOurs: (progress: OperationProgress) => boolean; baseline: RestorationBaseline | null; retried: boolean },
): Observable<OperationProgress> {
  if (nothingWasSent(error)) return throwError(() => new NothingRan(error));
  const mayHave = mayHaveStarted(error);
  if (!mayHave && !(retried && isConflictError(error))) return throwError(() => error);
  return followIfOurs(client, backupId, policy, error, isOurs, mayHave && baseline?.record === null);
}

/**
 * A restore request failed in a way that does not say whether the restoration ran. Follow
 * the status if it shows a restoration running (ours, or the one that blocks ours) or a
 * terminal record `isOurs` accepts; any other terminal record is an earlier restoration's,
 * so the request's own `error` is the answer (404: never restored, so ours never started;
 * with `nothingRanOn404`, proof that the attempt may be made again).
 */
export function followIfOurs(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
  error: unknown,
  isOurs: (progress: OperationProgress) => boolean,
  nothingRanOn404 = false,
): Observable<OperationProgress> {
  return followOperation(client, 'restoration', backupId, policy, { socket: false }).pipe(
    catchError((pollError: unknown) =>
      throwError(() => (isNotFoundError(pollError) ? (nothingRanOn404 ? new NothingRan(error) : error) : pollError)),
    ),
    map((progress, index) => {
      if (index === 0 && isTerminalStatus(progress.status) && !isOurs(progress)) throw error;
      return progress;
    }),
  );
}

/**
 * How the blocking restore POST's answer settles its restoration: 200 completed it; 500 means
 * it ran and failed or was canceled (never COMPLETED), or never started, as OUR record says;
 * a dropped connection, an unreadable answer or a transient status says nothing of the
 * restoration, so the status settles it (`followRestorationStart`: proven not run, it is
 * made again); anything else (404, 409, 505, 511) is the answer.
 */
export function settleRestoreAnswer(
  client: BackupClient,
  backupId: string,
  policy: ResolvedStream,
  answer: ObservableNotification<Backup>,
  { isOurs, baseline, retried }: { isOurs: (progress: OperationProgress) => boolean; baseline: RestorationBaseline | null; retried: boolean },
): Observable<OperationProgress> {
  if (answer.kind === 'N') return of(completedProgress('restoration', backupId, answer.value, policy.scheduler.now()));
  const error: unknown = answer.kind === 'E' ? answer.error : undefined;
  if (isHttpError(error) && error.status === 500) {
    return followIfOurs(client, backupId, policy, error, (progress) => progress.status !== 'COMPLETED' && isOurs(progress));
  }
  return followRestorationStart(client, backupId, policy, error, { isOurs, baseline, retried });
}

/**
 * A start restored from a persisted snapshot already happened: it is followed, never made
 * again. With its id (`known`), by id; without (the reload came before the first frame),
 * the operation of `kind` in progress now (for a restoration: of `restoring`) is the one,
 * and none means `OperationLostError`. `follow` follows one id to its end.
 */
export function resumeStart(
  client: BackupClient,
  kind: OperationKind,
  { known, restoring }: { known: string | null; restoring: string | null },
  policy: ResolvedStream,
  follow: (backupId: string) => Observable<OperationProgress>,
): Observable<OperationProgress> {
  if (known !== null) return follow(known);
  return discoverWith(client, { ...policy, onRetry: undefined }).pipe(
    take(1),
    switchMap(({ creations, restorations }) => {
      const found =
        kind === 'creation'
          ? creations.find((progress) => !isTerminalStatus(progress.status))
          : restorations.find((progress) => progress.backupId === restoring && !isTerminalStatus(progress.status));
      if (!found) return throwError(() => new OperationLostError({ kind, backupId: restoring }));
      return concat(of(found), follow(found.backupId));
    }),
  );
}

/** What RETRY after an unknown outcome asks about: plain data from machine context. */
export interface CheckInput {
  /** A creation's id when it was learned; the backup restored for a restoration. */
  backupId: string | null;
  /** Epoch ms when the start was asked for: a backup stamped at or after it is ours. */
  requestedAt: number | null;
  /** Restorations: the status read before the request; null when it was not read. */
  baseline: RestorationBaseline | null;
}

/** The daemon's answer: the operation as it is now, or proof that none ran. */
export type CheckVerdict = { ran: true; progress: OperationProgress } | { ran: false };

const NOTHING_RAN: CheckVerdict = { ran: false };

/** One look at the daemon, no retry: the verdict, or the failure of a read. */
async function checkOnce(client: BackupClient, kind: OperationKind, input: CheckInput, policy: ResolvedStream, signal: AbortSignal): Promise<CheckVerdict> {
  const { backupId } = input;
  if (backupId === null) {
    // a restoration always knows its backup; a creation without an id is found by its stamp
    if (kind !== 'creation') return NOTHING_RAN;
    const found = await firstValueFrom(findLostCreation(client, input.requestedAt ?? Number.POSITIVE_INFINITY, policy));
    return found === null ? NOTHING_RAN : { ran: true, progress: found };
  }
  let progress: OperationProgress;
  try {
    const status = await client.status(kind, backupId, { signal, retry: false, timeout: policy.readTimeoutMs });
    progress = progressFromStatus(kind, backupId, status, policy.now());
  } catch (error) {
    // 404: nothing ran under that id
    if (isNotFoundError(error)) return NOTHING_RAN;
    throw error;
  }
  // running: ours, or the one that would refuse ours; a creation's id is its own
  if (kind === 'creation' || !isTerminalStatus(progress.status) || isOurRecord(progress, input.baseline)) {
    return { ran: true, progress };
  }
  throw new OutcomeUnknownError({
    kind,
    backupId,
    reason:
      input.baseline === null
        ? `its status is ${progress.status}, and the status before the request was never read`
        : `an earlier restoration of the same backup ended ${progress.status} at ${progress.percentage ?? '?'} %, as the status says now`,
  });
}

/**
 * RETRY after an unknown outcome: asks the daemon what became of the operation before
 * anything is started again. Resolves with the operation as the daemon reports it now
 * (running, or ended), or `{ ran: false }` when the daemon shows that nothing of ours ran.
 * Reads that fail transiently are retried (each one told to `policy.onRetry`) for at most
 * `outageTimeoutMs`; then, or on any other error, it rejects: the outcome stays unknown and
 * nothing is started. An answer that cannot tell rejects with `OutcomeUnknownError`.
 */
export function checkOutcome(
  client: BackupClient,
  kind: OperationKind,
  input: CheckInput,
  policy: ResolvedStream,
  signal: AbortSignal,
): Promise<CheckVerdict> {
  // retry 0 below: this loop owns the retries, so it can report them
  const once: ResolvedStream = { ...policy, retry: { ...policy.retry, retry: 0 } };
  return withinOutage(() => checkOnce(client, kind, input, once, signal), policy, signal, 'check');
}

export interface CancelInput {
  /** Null only if a chart ever entered `cancelling` without an id: a typed error, not a guess. */
  backupId: string | null;
  backup?: Backup;
  /** Epoch ms (the clock's `now`): the remaining time is always `deadline - now()`. */
  deadline: number | null;
}

/**
 * Cancels an operation and confirms it: asks the daemon to cancel, through outages
 * (`cancelRetry`'s backoff), until it answers or `input.deadline` passes; then confirms by
 * status until the operation is terminal. Resolves with that final status:
 *
 * - 204, later `CANCELED` -> `{ status: 'CANCELED' }`
 * - 500 "nothing in progress" -> the status says how it ended: `COMPLETED` (too late to
 *   cancel), `CANCELED` (someone else did), `FAILED`
 * - a creation whose status cannot be read: listed -> `COMPLETED` (too late); neither listed
 *   nor running on the progress socket -> `CANCELED` (the daemon accepted our cancel, and
 *   no backup was made)
 *
 * Rejects with `CancelTimeoutError` at the deadline, or at once with a non-transient error
 * (404: no such operation). A progress stream usually reports `CANCELED` first; this is the
 * authority when that stream is stalled or down.
 */
export async function cancelOperation(
  client: BackupClient,
  kind: OperationKind,
  input: CancelInput,
  signal: AbortSignal,
  policy: ResolvedStream,
  cancelRetry: ResolvedCancelRetry,
): Promise<OperationProgress> {
  const { backupId, deadline } = input;
  if (backupId === null || deadline === null) {
    throw new PiecesBackupError(`cannot cancel the ${kind}: ${backupId === null ? 'its id is not known' : 'no deadline was set'}`);
  }
  const { scheduler, now } = policy;
  const remaining = () => deadline - now();
  // retry: false: these loops own the retries (on the injected clock, within the deadline)
  const call = () => ({ signal, retry: false as const, timeout: Math.max(1, Math.min(cancelRetry.requestTimeoutMs, remaining())) });
  let lastError: unknown;
  const timedOut = () => new CancelTimeoutError({ backupId, deadline, cause: lastError });

  /** The status, or undefined when it could not be read this time (transient). */
  const readStatus = async (): Promise<BackupStatus | undefined> => {
    try {
      return await client.status(kind, backupId, call());
    } catch (error) {
      if (signal.aborted || !isTransientError(error)) throw error;
      lastError = error;
      return undefined;
    }
  };
  const outcomeOf = (status: BackupStatus): OperationProgress => progressFromStatus(kind, backupId, status, now());

  const ended = await retryAttempts(
    async (): Promise<OperationProgress | null> => {
      if (remaining() <= 0) throw timedOut();
      try {
        await client.cancel(kind, backupId, { ...call(), ...(input.backup && { backup: input.backup }) });
        return null;
      } catch (error) {
        lastError = error;
        // 500 is also the seed's "nothing in progress": it may have ended already
        if (isHttpError(error) && error.status === 500) {
          const status = await readStatus();
          if (status && isTerminalStatus(status.value)) return outcomeOf(status);
        }
        throw error;
      }
    },
    {
      retry: cancelRetry.retry,
      scheduler,
      signal,
      left: remaining,
      isFinal: (error) => error instanceof CancelTimeoutError,
      exhausted: timedOut,
      what: 'cancel',
    },
  );
  if (ended) return ended;

  // Accepted: the operation winds down and only then reports CANCELED.
  for (;;) {
    await waitOn(Math.min(cancelRetry.confirmIntervalMs, Math.max(0, remaining())), scheduler, signal, 'cancel');
    let status: BackupStatus | undefined;
    try {
      status = await readStatus();
    } catch (error) {
      if (signal.aborted || kind !== 'creation' || !statusCannotTell(error)) throw error;
      lastError = error;
    }
    if (status && isTerminalStatus(status.value)) return outcomeOf(status);
    if (status === undefined && kind === 'creation') {
      // the status is unreadable: the list and the progress socket can tell how it ended
      const found = await creationElsewhere(client, backupId, { ...policy, readTimeoutMs: Math.max(1, Math.min(policy.readTimeoutMs, remaining())) });
      if (found === 'gone') return { kind, backupId, status: 'CANCELED', percentage: null, transport: 'polling', at: now() };
      if (found !== null && 'listed' in found) return completedProgress(kind, backupId, found.listed, now());
    }
    if (remaining() <= 0) throw timedOut();
  }
}
