import { createBackupCore, isSettledState } from '../../core/index.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import { failureResult, type CommandResult } from '../command/result.js';
import { endOf, type AnyLifecycle } from '../lifecycle/follow-lifecycle.js';
import { lifecycleResult } from '../lifecycle/lifecycle-result.js';
import { nounOf } from '../lifecycle/operation-name.js';
import type { ProgressTrack, ProgressView } from '../output/progress-view.js';

/**
 * Shows each run of a lifecycle the core attached to: a track from its first busy snapshot,
 * its result once it settles. Returns the unsubscribe.
 */
function showRuns(lifecycle: AnyLifecycle, view: ProgressView): () => void {
  let track: ProgressTrack | null = null;
  return lifecycle.subscribe(() => {
    const snapshot = lifecycle.getSnapshot();
    const { value, context } = snapshot;
    if (value === 'idle') return;
    if (track === null) {
      // a run that ended before this command saw it busy is not shown
      if (isSettledState(value)) return;
      track = view.track(`${nounOf(lifecycle.kind)} ${context.backupId}`, lifecycle.kind);
    }
    track.update(snapshot);
    const ended = endOf(snapshot);
    if (!ended) return;
    const done = track;
    track = null;
    const result = lifecycleResult(lifecycle.kind, ended);
    queueMicrotask(() => {
      done.end();
      for (const line of [...(result.lines ?? []), ...(result.problems ?? [])]) view.log(line);
    });
  });
}

/**
 * `pieces-backup watch`: every backup and restore in progress, whoever started it, live,
 * until Ctrl-C (exit 0). The core discovers them and attaches its lifecycles to them (so ETA,
 * transport and "reconnecting…" are the same as for the operations this CLI starts). Leaving
 * never cancels anything.
 */
export async function watch(context: CommandContext): Promise<CommandResult> {
  const client = await context.connect();
  const view = await context.progress();
  const core = createBackupCore(client, { transport: context.options.transport });
  view.log(`watching backups and restores on ${client.baseUrl}; Ctrl-C to stop`);
  const stops = [showRuns(core.backup, view), showRuns(core.restore, view)];
  let interrupted: (() => void) | undefined;
  try {
    return await new Promise<CommandResult>((resolve) => {
      interrupted = () => resolve({ exitCode: EXIT_CODES.ok, data: { outcome: 'stopped' } });
      process.on('SIGINT', interrupted);
      // observing the operations is what runs discovery (and the core's attaching)
      stops.push(
        core.operations.subscribe(() => {
          const { error } = core.operations.getSnapshot();
          if (error) resolve(failureResult(error, { url: context.options.url }));
        }),
      );
    });
  } finally {
    if (interrupted) process.off('SIGINT', interrupted);
    for (const stop of stops) stop();
    core.dispose();
    view.stop();
  }
}
