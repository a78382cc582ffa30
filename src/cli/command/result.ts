import { toLifecycleError } from '../../core/index.js';
import { isPiecesBackupError } from '../../index.js';
import { exitCodeOfError, type ExitCode } from './exit-codes.js';
import type { OutputMode } from '../output/output-mode.js';

/** What a command ends with, for people and for scripts. */
export interface CommandResult {
  exitCode: ExitCode;
  /** The outcome for people, on stdout. */
  lines?: readonly string[];
  /** What went wrong and what to do about it, on stderr. */
  problems?: readonly string[];
  /** The `--json` result (one line, after the progress frames), `type` and `exitCode` added. */
  data: Record<string, unknown>;
}

/** Prints a result the way the output mode wants it. */
export function printResult(command: string, result: CommandResult, mode: OutputMode): void {
  for (const line of result.problems ?? []) process.stderr.write(`${line}\n`);
  if (mode === 'json') {
    process.stdout.write(`${JSON.stringify({ type: 'result', command, exitCode: result.exitCode, ...result.data })}\n`);
  } else {
    for (const line of result.lines ?? []) process.stdout.write(`${line}\n`);
  }
}

/** A thrown error as a result: its exit code, its message, and what the user can do. */
export function failureResult(error: unknown, { url }: { url: string | undefined }): CommandResult {
  const exitCode = exitCodeOfError(error);
  if (isPiecesBackupError(error, 'DaemonNotFoundError')) {
    const action = url
      ? `Nothing answers as Pieces OS at ${url}: check that it runs there, or leave out --url to look for it.`
      : 'Start Pieces OS, or pass --url where it listens.';
    return { exitCode, problems: [error.message, action], data: { error: { kind: 'daemon-not-found', message: error.message, userAction: action } } };
  }
  // a single request: it was refused or did not get through, so nothing is unknown
  const described = toLifecycleError(error, false);
  const problems = [described.message, described.userAction];
  return { exitCode, problems, data: { error: described } };
}
