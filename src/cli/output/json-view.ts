import { keyedView, type ProgressView } from './progress-view.js';

/**
 * `--json`: one progress object per line on stdout, when what it shows changed; messages for
 * people go to stderr, so stdout stays parseable.
 */
export function createJsonView(out: NodeJS.WritableStream, messages: NodeJS.WritableStream): ProgressView {
  return keyedView(
    (_label, kind, { value, context }) => {
      const frame = {
        type: 'progress',
        kind,
        backupId: context.backupId,
        state: value,
        status: context.status,
        percentage: context.percentage,
        eta: context.eta,
        transport: context.transport,
        retrying: context.retrying && { attempt: context.retrying.attempt, error: context.retrying.error.message },
      };
      out.write(`${JSON.stringify(frame)}\n`);
    },
    (line) => messages.write(`${line}\n`),
  );
}
