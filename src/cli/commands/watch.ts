import type { Subscription } from 'rxjs';
import {
  createBackupActor,
  createRestoreActor,
  discoverOperations,
  isTerminalStatus,
  type BackupClient,
  type DiscoveredOperations,
  type OperationKind,
  type ProgressTransport,
} from '../../index.js';
import type { CommandContext } from '../command-context.js';
import { failureResult, type CommandResult } from '../command-result.js';
import { EXIT_CODES } from '../exit-codes.js';
import { lifecycleResult } from '../lifecycle-result.js';
import { nounOf, settledState, type LifecycleActorLike, type LifecycleSnapshot } from '../lifecycle-snapshot.js';
import type { ProgressView } from '../progress-view.js';

function attach(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  transport: ProgressTransport,
): LifecycleActorLike & { stop(): void } {
  const actor = kind === 'creation' ? createBackupActor(client, { transport }) : createRestoreActor(client, { transport });
  actor.send({ type: 'ATTACH', backupId });
  return actor;
}

/**
 * Follows each operation discovery lists, one lifecycle actor attached to each (so ETA,
 * transport and "reconnecting…" are the same as for the operations this CLI starts). Returns
 * a function that stops them all; stopping never cancels anything.
 */
function followDiscovered(client: BackupClient, view: ProgressView, transport: ProgressTransport) {
  const followed = new Map<string, () => void>();
  // ended, and still listed by the frame that reports the end: not attached again
  const ended = new Set<string>();

  const follow = (kind: OperationKind, backupId: string) => {
    const key = `${kind} ${backupId}`;
    const actor = attach(client, kind, backupId, transport);
    const track = view.track(`${nounOf(kind)} ${backupId}`, kind);
    const onSnapshot = (snapshot: LifecycleSnapshot) => {
      track.update(snapshot);
      const state = settledState(snapshot);
      if (!state) return;
      const { context } = snapshot;
      const result =
        state === 'failed' && context.error
          ? lifecycleResult(kind, { end: 'failed', context, error: context.error })
          : lifecycleResult(kind, state === 'done' ? { end: 'done', context, tooLate: context.tooLateToCancel } : { end: 'cancelled', context });
      queueMicrotask(() => {
        track.end();
        for (const line of [...(result.lines ?? []), ...(result.problems ?? [])]) view.log(line);
        stop();
        followed.delete(key);
        ended.add(key);
      });
    };
    const subscription = actor.subscribe(onSnapshot);
    const stop = () => {
      subscription.unsubscribe();
      actor.stop();
    };
    followed.set(key, stop);
    onSnapshot(actor.getSnapshot());
  };

  return {
    next({ creations, restorations }: DiscoveredOperations) {
      const listed = new Set<string>();
      for (const progress of [...creations, ...restorations]) {
        const key = `${progress.kind} ${progress.backupId}`;
        listed.add(key);
        if (!isTerminalStatus(progress.status) && !followed.has(key) && !ended.has(key)) follow(progress.kind, progress.backupId);
      }
      for (const key of ended) if (!listed.has(key)) ended.delete(key);
    },
    stop() {
      for (const stop of followed.values()) stop();
      followed.clear();
    },
  };
}

/**
 * `pieces-backup watch`: every backup and restore in progress, whoever started it, live,
 * until Ctrl-C (exit 0). Leaving never cancels anything.
 */
export async function watch(context: CommandContext): Promise<CommandResult> {
  const client = await context.connect();
  const view = await context.progress();
  const { transport } = context.options;
  view.log(`watching backups and restores on ${client.baseUrl}; Ctrl-C to stop`);
  const operations = followDiscovered(client, view, transport);
  const discovery = discoverOperations(client, { transport: transport === 'polling' ? 'polling' : 'websocket' });
  let subscription: Subscription | undefined;
  let interrupted: (() => void) | undefined;
  try {
    return await new Promise<CommandResult>((resolve) => {
      interrupted = () => resolve({ exitCode: EXIT_CODES.ok, data: { outcome: 'stopped' } });
      process.on('SIGINT', interrupted);
      subscription = discovery.subscribe({
        next: (discovered) => operations.next(discovered),
        error: (error: unknown) => resolve(failureResult(error, { url: context.options.url })),
      });
    });
  } finally {
    if (interrupted) process.off('SIGINT', interrupted);
    subscription?.unsubscribe();
    operations.stop();
    view.stop();
  }
}
