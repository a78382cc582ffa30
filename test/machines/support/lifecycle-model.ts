import { exponentialBackoff, isTransientError } from '../../../src/api/index.js';
import type { AnyActor, AnyEventObject, AnyStateMachine } from 'xstate';
import {
  CancelTimeoutError,
  createBackupActor,
  createRestoreActor,
  type LifecycleContext,
  type LifecycleOptions,
} from '../../../machines/index.js';
import {
  AuthenticationRequiredError,
  HttpError,
  NetworkError,
  NotFoundError,
  ServerError,
  UpdateRequiredError,
  createBackupClient,
} from '../../../src/api/index.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import type { OperationName } from '../../../src/emulator/index.js';
import { FeatureDisabledError, type OperationKind } from '../../../src/streams/index.js';
import { createBackup, waitFor } from '../../helpers/emulator.js';
import { EdgeRecorder, type Enactment, type ModelEnv, type ModelEvent } from './model-harness.js';
import type { ModelContext } from './model-state.js';

// The abstract events of both lifecycle models, and how the real emulator produces each.

/** Slow enough that `running` and `cancelling` last seconds (the database is ~500 KB). */
export const SLOW_RATE = 100_000;
const FAST_RATE = 50_000_000;

export const MODEL_OPTIONS: LifecycleOptions = {
  transport: 'websocket',
  // a stalled stream stays silent (no fallback), a dropped one falls back to polling only
  stream: {
    stallTimeoutMs: 60_000,
    recoverStream: false,
    minIntervalMs: 50,
    maxIntervalMs: 300,
    retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 30_000 }),
    // a start known never sent (a WebSocket reset before its upgrade) is not made again here,
    // so 'stream error (outcome unknown)' reaches `failed` as its one step; status reads retry
    retry: (failures: number, error: unknown) => failures <= 8 && isTransientError(error) && (error as { requestSent?: unknown }).requestSent !== false,
  },
  cancelTimeoutMs: 3_000,
  cancelRetry: { confirmIntervalMs: 500, retryDelay: exponentialBackoff({ baseMs: 250, maxMs: 300 }) },
};

export interface LifecycleModelEnv extends ModelEnv {
  kind: OperationKind;
  emulator: Emulator;
  recorder: EdgeRecorder;
  /** Contexts seen, in order (beside `history`). */
  contexts: LifecycleContext[];
  /** The backup a restore model restores. */
  backupId: string;
  /** Requests this test started outside the machine, aborted at the end. */
  external: AbortController[];
  context(): LifecycleContext;
  dispose(): Promise<void>;
}

const ABSTRACT_ID = 'model_1';
const http = { method: 'GET', url: 'model' };
// a refusal answers the request that starts the operation
const start = { method: 'POST', url: 'model' };

function progress(kind: OperationKind, status: string, percentage: number | null): AnyEventObject {
  return { type: 'PROGRESS', progress: { kind, backupId: ABSTRACT_ID, status, percentage, transport: 'websocket', at: 0 } };
}

const SAFETY_ID = 'model_safety';
/** The restore's safety backup reports as a creation. */
function safetyProgress(status: string, percentage: number | null): AnyEventObject {
  return { type: 'PROGRESS', progress: { kind: 'creation', backupId: SAFETY_ID, status, percentage, transport: 'websocket', at: 0 } };
}

const PREFLIGHT_OUTPUT = { backup: { id: ABSTRACT_ID, version: '9.0.0', timestamp: '0', bytes: 1, created: { value: '' }, device_name: 'm', platform: 'LINUX' }, daemonVersion: '9.0.0' };

/** The model's alphabet per state: only events the emulator can produce there. */
export function lifecycleEvents(kind: OperationKind) {
  const event = (label: string, value: AnyEventObject): ModelEvent => ({ label, event: value });
  const userStart =
    kind === 'creation'
      ? [event('START', { type: 'START' })]
      : [
          event('RESTORE confirmed', { type: 'RESTORE', backupId: ABSTRACT_ID, confirm: true }),
          event('RESTORE', { type: 'RESTORE', backupId: ABSTRACT_ID }),
          event('RESTORE confirmed (safety backup)', { type: 'RESTORE', backupId: ABSTRACT_ID, confirm: true, safetyBackup: true }),
        ];
  const all = {
    userStart,
    attach: event('ATTACH', { type: 'ATTACH', backupId: ABSTRACT_ID }),
    confirm: event('CONFIRM', { type: 'CONFIRM' }),
    dismiss: event('DISMISS', { type: 'DISMISS' }),
    cancel: event('CANCEL', { type: 'CANCEL' }),
    retry: event('RETRY', { type: 'RETRY' }),
    initialized: event('progress INITIALIZED', progress(kind, 'INITIALIZED', 0)),
    inProgress: event('progress IN-PROGRESS', progress(kind, 'IN-PROGRESS', 50)),
    completed: event('progress COMPLETED', progress(kind, 'COMPLETED', 100)),
    canceledElsewhere: event('progress CANCELED (cancelled elsewhere)', progress(kind, 'CANCELED', 50)),
    failedRunning: event('progress FAILED', progress(kind, 'FAILED', 50)),
    canceled: event('progress CANCELED', progress(kind, 'CANCELED', 50)),
    completedTooLate: event('progress COMPLETED (too late to cancel)', progress(kind, 'COMPLETED', 100)),
    failedCancelling: event('progress FAILED (while cancelling)', progress(kind, 'FAILED', 50)),
    updateRequired: event('stream error 505', {
      type: 'xstate.error.actor.progress',
      error: new UpdateRequiredError({ ...start, body: 'update' }),
    }),
    authRequired: event('stream error 511', {
      type: 'xstate.error.actor.progress',
      error: new AuthenticationRequiredError({ ...start, body: 'sign in' }),
    }),
    lost: event('stream error (operation lost)', { type: 'xstate.error.actor.progress', error: new NotFoundError({ ...http }) }),
    // the start request's connection went before any answer: the daemon may have run it
    startLost: event('stream error (outcome unknown)', {
      type: 'xstate.error.actor.progress',
      error: new NetworkError({ method: 'GET', url: 'model', message: 'the start went unanswered' }),
    }),
    baseline: event('baseline read', { type: 'BASELINE', baseline: { record: null } }),
    checkRunning: event('check: found running', {
      type: 'xstate.done.actor.check',
      output: { ran: true, progress: { kind, backupId: ABSTRACT_ID, status: 'IN-PROGRESS', percentage: 50, transport: 'polling', at: 0 } },
    }),
    checkNothingRan: event('check: nothing ran', { type: 'xstate.done.actor.check', output: { ran: false } }),
    checkError: event('check error', { type: 'xstate.error.actor.check', error: new NotFoundError({ ...http }) }),
    retrying: event('status retrying (reconnecting)', {
      type: 'RETRYING',
      notice: { attempt: 1, nextAttemptAt: 0, error: new ServerError({ ...http, status: 503 }) },
    }),
    lostWhileCancelling: event('stream error (while cancelling)', {
      type: 'xstate.error.actor.progress',
      error: new NotFoundError({ ...http }),
    }),
    cancelConfirmed: event('cancel actor: CANCELED (stream silent)', {
      type: 'xstate.done.actor.cancel',
      output: { kind, backupId: ABSTRACT_ID, status: 'CANCELED', percentage: 50, transport: 'polling', at: 0 },
    }),
    cancelRefused: event('cancel actor: refused (400)', {
      type: 'xstate.error.actor.cancel',
      error: new HttpError({ method: 'POST', url: 'model', status: 400, body: 'refused' }),
    }),
    cancelTimeout: event('cancel actor: timeout', {
      type: 'xstate.error.actor.cancel',
      error: new CancelTimeoutError({ backupId: ABSTRACT_ID, deadline: 0 }),
    }),
    // the restore's preflight and safety backup
    preflightOk: event('preflight passed', { type: 'xstate.done.actor.preflight', output: PREFLIGHT_OUTPUT }),
    preflightRefused: event('preflight refused (switched off)', {
      type: 'xstate.error.actor.preflight',
      error: new FeatureDisabledError({ feature: 'RESTORE_CLOUD_BACKUP', reason: 'model' }),
    }),
    cancelPreflight: event('CANCEL (preflight)', { type: 'CANCEL' }),
    safetyFirst: event('safety progress INITIALIZED', safetyProgress('INITIALIZED', 0)),
    safetyFirstCancelAsked: event('safety progress INITIALIZED (cancel asked)', safetyProgress('INITIALIZED', 0)),
    safetyInProgress: event('safety progress IN-PROGRESS', safetyProgress('IN-PROGRESS', 50)),
    safetyCompleted: event('safety progress COMPLETED (listed)', safetyProgress('COMPLETED', 100)),
    safetyFailed: event('safety progress FAILED', safetyProgress('FAILED', 50)),
    safetyRefused: event('safety stream error (start refused)', {
      type: 'xstate.error.actor.safety',
      error: new HttpError({ method: 'GET', url: 'ws://model/websocket', status: 409, body: 'busy' }),
    }),
    cancelSafetyEarly: event('CANCEL (safety, before its id)', { type: 'CANCEL' }),
    cancelSafety: event('CANCEL (safety)', { type: 'CANCEL' }),
    safetyCancelConfirmed: event('safety cancel: CANCELED', {
      type: 'xstate.done.actor.safetyCancel',
      output: { kind: 'creation', backupId: SAFETY_ID, status: 'CANCELED', percentage: 50, transport: 'polling', at: 0 },
    }),
    safetyCancelRefused: event('safety cancel: refused (400)', {
      type: 'xstate.error.actor.safetyCancel',
      error: new HttpError({ method: 'POST', url: 'model', status: 400, body: 'refused' }),
    }),
    undo: event('UNDO', { type: 'UNDO' }),
  };
  return (state: string, context: ModelContext): ModelEvent[] => {
    const { attached } = context;
    switch (state) {
      case 'preflight':
        return [all.preflightOk, all.preflightRefused, all.cancelPreflight];
      case 'safety':
        if (context.safety?.backupId) return [all.safetyInProgress, all.safetyCompleted, all.safetyFailed, all.cancelSafety];
        return context.cancelRequested ? [all.safetyFirstCancelAsked] : [all.safetyFirst, all.cancelSafetyEarly, all.safetyRefused];
      case 'safetyCancelling':
        return [all.safetyCancelConfirmed, all.safetyCancelRefused];
      case 'idle':
        return [...all.userStart, all.attach];
      case 'confirming':
        return [all.confirm, all.dismiss];
      case 'starting':
        return [
          all.initialized,
          all.cancel,
          all.updateRequired,
          all.authRequired,
          all.startLost,
          ...(kind === 'restoration' ? [all.baseline] : []),
        ];
      case 'checking':
        return [all.checkRunning, all.checkNothingRan, all.checkError];
      case 'running':
        return [all.inProgress, all.completed, all.canceledElsewhere, all.failedRunning, all.cancel, all.lost, all.retrying];
      case 'cancelling': {
        const settled = [
          all.canceled,
          all.completedTooLate,
          all.failedCancelling,
          all.cancelConfirmed,
          all.cancelRefused,
          all.cancelTimeout,
        ];
        // enacted on a started operation's stream (an attached one has no stream to lose)
        return attached ? settled : [...settled, all.lostWhileCancelling];
      }
      case 'done':
        return context.safetyBackupId ? [...all.userStart, all.undo] : all.userStart;
      case 'cancelled':
        return all.userStart;
      case 'failed':
        return [all.retry, ...all.userStart];
      default:
        return [];
    }
  };
}

const FAULT_TARGETS = {
  creation: {
    stream: 'backups_create_streamed_websocket',
    status: 'backup_specific_creation_status',
    cancel: 'backup_specific_creation_cancel',
  },
  restoration: {
    stream: 'backup_restore_streamed_websocket',
    status: 'backup_specific_restoration_status',
    cancel: 'backup_specific_restoration_cancel',
  },
} as const satisfies Record<OperationKind, Record<string, OperationName>>;

/** Fails the running operation through the emulator's fault surface and waits for `failed`. */
async function failOperation(env: LifecycleModelEnv): Promise<void> {
  env.emulator.admin.failOperation(env.kind, 'injected by the model test');
  await waitFor(() => (env.history.at(-1) === 'failed' ? true : undefined), 'failed', 20_000);
  if (env.context().error?.name !== 'OperationFailedError') throw new Error(`unexpected error ${JSON.stringify(env.context().error)}`);
}

const safetyOf = (env: LifecycleModelEnv) => (env.context() as ModelContext).safety ?? null;

function send(env: LifecycleModelEnv, event: AnyEventObject): void {
  env.actor.send(event);
}

async function externalStart(env: LifecycleModelEnv): Promise<string> {
  const { url, admin } = env.emulator;
  if (env.kind === 'creation') {
    const response = await fetch(`${url}/backup`, { method: 'POST' });
    if (response.status !== 204) throw new Error(`external backup start: ${response.status}`);
  } else {
    const controller = new AbortController();
    env.external.push(controller);
    fetch(`${url}/backup/${env.backupId}/restore`, { method: 'POST', signal: controller.signal }).catch(() => undefined);
  }
  return waitFor(() => {
    const { creations, restorations } = admin.operations();
    return (env.kind === 'creation' ? creations : restorations)[0]?.backup.id;
  }, 'an operation started elsewhere');
}

export function lifecycleEnactments(kind: OperationKind): Record<string, Enactment<LifecycleModelEnv>> {
  const faults = FAULT_TARGETS[kind];
  // After one frame, neither the operation's stream (START) nor the observe-only progress
  // socket (ATTACH) says anything more; no fallback within the model's stall timeout.
  const silenceProgress = (env: LifecycleModelEnv) => {
    env.emulator.admin.injectFault({ operation: faults.stream, stallAfterFrames: 1 });
    env.emulator.admin.injectFault({ operation: 'backups_streamed_progress_websocket', stallAfterFrames: 1 });
  };
  const startRestore = (confirm: boolean) => (env: LifecycleModelEnv) =>
    send(env, { type: 'RESTORE', backupId: env.backupId, ...(confirm && { confirm: true }) });
  return {
    START: { startsOperation: true, act: (env) => send(env, { type: 'START' }) },
    'RESTORE confirmed': { startsOperation: true, act: startRestore(true) },
    'RESTORE confirmed (safety backup)': {
      startsOperation: true,
      act: (env) => send(env, { type: 'RESTORE', backupId: env.backupId, confirm: true, safetyBackup: true }),
    },
    UNDO: { startsOperation: true, act: (env) => send(env, { type: 'UNDO' }) },
    'preflight passed': { act: () => undefined },
    'preflight refused (switched off)': {
      arm: (env) => env.emulator.admin.setState({ features: { RESTORE_CLOUD_BACKUP: { enabled: false, reason: 'switched off by the model' } } }),
      act: async (env) => {
        await waitFor(() => (env.context().error?.name === 'FeatureDisabledError' ? true : undefined), 'the refusal');
      },
    },
    'CANCEL (preflight)': {
      // the version read answers late, so the preflight is still running when CANCEL comes
      arm: (env) => env.emulator.admin.injectFault({ operation: 'get_well_known_version', latencyMs: 2_000, times: 1 }),
      act: (env) => send(env, { type: 'CANCEL' }),
    },
    'safety progress INITIALIZED': {
      act: async (env) => {
        await waitFor(() => (safetyOf(env)?.backupId ? true : undefined), 'the safety backup named');
      },
    },
    'safety progress INITIALIZED (cancel asked)': { act: () => undefined },
    'safety progress IN-PROGRESS': {
      act: async (env) => {
        const before = safetyOf(env)?.percentage ?? 0;
        await waitFor(() => ((safetyOf(env)?.percentage ?? 0) > before ? true : undefined), 'safety progress');
      },
    },
    // at the model's slow rate (a few seconds): a faster one would rush the restore after it too
    'safety progress COMPLETED (listed)': { act: () => undefined },
    'safety progress FAILED': {
      act: async (env) => {
        env.emulator.admin.failOperation('creation', 'injected by the model test');
        await waitFor(() => (env.context().error?.name === 'SafetyBackupFailedError' ? true : undefined), 'the safety backup failed');
      },
    },
    'safety stream error (start refused)': {
      arm: (env) => env.emulator.admin.injectFault({ operation: 'backups_create_streamed_websocket', status: 409, times: 1 }),
      act: () => undefined,
    },
    'CANCEL (safety, before its id)': {
      // the creation's socket opens late: CANCEL comes before the daemon names the backup
      arm: (env) => env.emulator.admin.injectFault({ operation: 'backups_create_streamed_websocket', latencyMs: 1_500, times: 1 }),
      act: (env) => send(env, { type: 'CANCEL' }),
    },
    'CANCEL (safety)': { act: (env) => send(env, { type: 'CANCEL' }) },
    'safety cancel: CANCELED': { act: () => undefined },
    'safety cancel: refused (400)': {
      arm: (env) => env.emulator.admin.injectFault({ operation: 'backup_specific_creation_cancel', status: 400, body: 'refused by the model' }),
      act: () => undefined,
    },
    RESTORE: { act: startRestore(false) },
    CONFIRM: { startsOperation: true, act: (env) => send(env, { type: 'CONFIRM' }) },
    DISMISS: { act: (env) => send(env, { type: 'DISMISS' }) },
    ATTACH: { startsOperation: true, act: async (env) => send(env, { type: 'ATTACH', backupId: await externalStart(env) }) },
    RETRY: { startsOperation: true, act: (env) => send(env, { type: 'RETRY' }) },
    CANCEL: { act: (env) => send(env, { type: 'CANCEL' }) },
    'progress INITIALIZED': { act: () => undefined },
    'progress IN-PROGRESS': {
      act: async (env) => {
        const before = env.context().percentage;
        const mark = env.contexts.length;
        await waitFor(
          () => (env.contexts.slice(mark).some((c) => c.status === 'IN-PROGRESS' && c.percentage > before) ? true : undefined),
          'progress',
        );
      },
    },
    'progress COMPLETED': { act: (env) => env.emulator.admin.setState({ rateBytesPerSecond: FAST_RATE }) },
    'progress CANCELED (cancelled elsewhere)': {
      act: async (env) => {
        const response = await fetch(`${env.emulator.url}/backup/${env.context().backupId}/${kind}/cancel`, { method: 'POST' });
        if (response.status !== 204) throw new Error(`external cancel: ${response.status}`);
      },
    },
    'progress FAILED': { act: failOperation },
    'progress CANCELED': { act: () => undefined },
    'progress COMPLETED (too late to cancel)': {
      // the cancel request is held by the daemon while the operation completes
      arm: (env) => env.emulator.admin.injectFault({ operation: faults.cancel, latencyMs: 5_000, times: 1 }),
      act: (env) => env.emulator.admin.setState({ rateBytesPerSecond: FAST_RATE }),
    },
    'progress FAILED (while cancelling)': {
      arm: (env) => env.emulator.admin.injectFault({ operation: faults.cancel, latencyMs: 5_000, times: 1 }),
      act: failOperation,
    },
    // a restore's preflight would meet an outdated or signed-out daemon first (GET /backup/{b}):
    // only its start socket refuses, as the daemon does once the preflight passed
    'stream error 505': {
      arm: (env) =>
        kind === 'restoration'
          ? env.emulator.admin.injectFault({ operation: faults.stream, status: 505, body: 'update Pieces OS', times: 1 })
          : env.emulator.admin.setState({ osUpToDate: false }),
      act: () => undefined,
    },
    'stream error 511': {
      arm: (env) =>
        kind === 'restoration'
          ? env.emulator.admin.injectFault({ operation: faults.stream, status: 511, body: 'sign in', times: 1 })
          : env.emulator.admin.setState({ signedIn: false }),
      act: () => undefined,
    },
    'stream error (operation lost)': {
      // the stream drops after two frames and the daemon shows the id nowhere: the status
      // endpoint no longer knows it, the progress socket cannot be read (a creation's status
      // that cannot tell is asked of the list and the socket too)
      arm: (env) => {
        env.emulator.admin.injectFault({ operation: faults.stream, resetAfterFrames: 2 });
        env.emulator.admin.injectFault({ operation: faults.status, status: 404, body: 'gone' });
        env.emulator.admin.injectFault({ operation: 'backups_streamed_progress_websocket', status: 404, body: 'gone' });
      },
      act: () => undefined,
    },
    'status retrying (reconnecting)': {
      // the stream drops (polling from then on) and the status answers 503 a few times
      arm: (env) => {
        env.emulator.admin.injectFault({ operation: faults.stream, resetAfterFrames: 2 });
        env.emulator.admin.injectFault({ operation: faults.status, status: 503, times: 3 });
      },
      act: async (env) => {
        await waitFor(() => (env.contexts.some((c) => c.retrying !== null) ? true : undefined), 'retrying');
      },
    },
    'stream error (while cancelling)': {
      // the stream drops after its first frame; the fallback's first status read answers 404
      // late, once the cancel is under way; the roll-back outlasts it, within the deadline
      arm: (env) => {
        env.emulator.admin.injectFault({ operation: faults.stream, resetAfterFrames: 1 });
        // a restoration's start reads the status once before its request (the baseline)
        const reads = kind === 'restoration' ? 2 : 1;
        env.emulator.admin.injectFault({ operation: faults.status, status: 404, latencyMs: 600, times: reads });
        // nor can the progress socket tell (a creation's 404 is asked of it too)
        env.emulator.admin.injectFault({ operation: 'backups_streamed_progress_websocket', status: 404, body: 'gone' });
        env.emulator.admin.setState({ cancelDelayMs: 1_500 });
      },
      act: async (env) => {
        await waitFor(
          () => (env.contexts.some((c) => c.cancelRequested && c.transport === null) ? true : undefined),
          'the progress stream lost while cancelling',
        );
      },
    },
    'stream error (outcome unknown)': {
      // the start's connection is dropped before it reaches the daemon: nothing ran, and the
      // first look cannot say so (a creation: the progress socket answers 404 once; a
      // restoration: one status read answers 400, the baseline or the look), so only RETRY asks
      arm: (env) => {
        env.emulator.admin.injectFault({ operation: faults.stream, reset: true, times: 1 });
        env.emulator.admin.injectFault(
          kind === 'creation'
            ? { operation: 'backups_streamed_progress_websocket', status: 404, times: 1 }
            : { operation: faults.status, status: 400, times: 1 },
        );
      },
      act: () => undefined,
    },
    'baseline read': {
      // the read before the restore request answers late, so it is seen as its own step
      arm: (env) => env.emulator.admin.injectFault({ operation: faults.status, latencyMs: 300, times: 1 }),
      act: async (env) => {
        await waitFor(() => ((env.context() as { baseline?: unknown }).baseline ? true : undefined), 'the baseline');
      },
    },
    // RETRY's check: what the daemon shows when it is asked (arranged before RETRY)
    'check: found running': { arm: async (env) => void (await externalStart(env)), act: () => undefined },
    'check: nothing ran': { act: () => undefined },
    'check error': {
      // an answer that is no outage: the check gives up at once
      arm: (env) =>
        env.emulator.admin.injectFault(
          kind === 'creation'
            ? { operation: 'backups_streamed_progress_websocket', status: 404, times: 1 }
            : { operation: faults.status, status: 400, times: 1 },
        ),
      act: () => undefined,
    },
    'cancel actor: CANCELED (stream silent)': { arm: silenceProgress, act: () => undefined },
    'cancel actor: refused (400)': {
      arm: (env) => env.emulator.admin.injectFault({ operation: faults.cancel, status: 400, body: 'refused by the model' }),
      act: () => undefined,
    },
    'cancel actor: timeout': {
      // the stream is silent and the daemon never finishes rolling back
      arm: (env) => {
        silenceProgress(env);
        env.emulator.admin.setState({ cancelDelayMs: 600_000 });
      },
      act: () => undefined,
    },
  };
}

/** A fresh emulator (a restore model gets one backup to restore) and a started actor. */
export async function createLifecycleEnv(kind: OperationKind): Promise<LifecycleModelEnv> {
  const emulator = await startEmulator({ port: 0, rateBytesPerSecond: FAST_RATE, cancelDelayMs: 30 });
  const backupId = kind === 'restoration' ? await createBackup(emulator.url) : '';
  const client = createBackupClient({ baseUrl: emulator.url });
  const recorder = new EdgeRecorder();
  const options = { ...MODEL_OPTIONS, inspect: recorder.inspect };
  const actor: AnyActor = kind === 'creation' ? createBackupActor(client, options) : createRestoreActor(client, options);
  recorder.track(actor.logic as AnyStateMachine);
  const history = [actor.getSnapshot().value];
  const contexts: LifecycleContext[] = [actor.getSnapshot().context];
  const subscription = actor.subscribe((snapshot: { value: string; context: LifecycleContext }) => {
    history.push(snapshot.value);
    contexts.push(snapshot.context);
  });
  const external: AbortController[] = [];
  return {
    kind,
    emulator,
    recorder,
    actor,
    history,
    contexts,
    backupId,
    external,
    context: () => actor.getSnapshot().context as LifecycleContext,
    heal: () => {
      emulator.admin.clearFaults();
      emulator.admin.setState({
        signedIn: true,
        cloudConnected: true,
        osUpToDate: true,
        rateBytesPerSecond: SLOW_RATE,
        cancelDelayMs: 30,
        features: { RESTORE_CLOUD_BACKUP: { enabled: true, reason: null }, CLOUD_BACKUP_CREATION: { enabled: true, reason: null } },
      });
    },
    dispose: async () => {
      subscription.unsubscribe();
      actor.stop();
      for (const controller of external) controller.abort();
      await emulator.close();
    },
  };
}
