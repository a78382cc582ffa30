import { isPiecesBackupError, type LifecycleError } from '../../index.js';

/** What `pieces-backup` exits with: one code a way to end, so scripts can branch on it. */
export const EXIT_CODES = {
  ok: 0,
  /** Pieces OS reported the operation FAILED, or a request was refused (404, 409, 500, ...). */
  failed: 1,
  /** Bad command line, or a restore without `--yes` where nobody can be asked. */
  usage: 2,
  /** The operation was cancelled (CANCELED on the server), or the restore declined at the prompt. */
  cancelled: 3,
  /** No Pieces OS answers: discovery found none, or `--url` does not answer. */
  daemonNotFound: 4,
  /** 505: Pieces OS must be updated. */
  updateRequired: 5,
  /** 511: sign in to Pieces OS and connect it to the cloud. */
  authenticationRequired: 6,
  /** Pieces OS may have run, still run or have finished it: `status` tells. */
  outcomeUnknown: 7,
  /** A cancel came too late: the operation completed. */
  tooLateToCancel: 8,
  /** Interrupted (Ctrl-C): the operation was left running on the server. */
  leftRunning: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The table printed by `--help` and copied into the README. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success (cancel: the operation is CANCELED)
  1    the operation failed, or Pieces OS refused the request
  2    usage error (also: restore without --yes when stdin is not a terminal)
  3    cancelled (CANCELED on the server, or the restore declined at the prompt)
  4    Pieces OS not found or unreachable
  5    Pieces OS must be updated (505)
  6    sign in to Pieces OS required (511)
  7    outcome unknown: Pieces OS may still have run it; \`pieces-backup status <id>\` checks
  8    too late to cancel: the operation completed
  130  interrupted: the operation was left running on the server`;

/** The exit code of a lifecycle that ended `failed`. */
export function exitCodeOfLifecycleError(error: LifecycleError): ExitCode {
  // 505 and 511 are refusals: nothing ran, the user has something to do first
  if (error.kind === 'update-required') return EXIT_CODES.updateRequired;
  if (error.kind === 'authentication-required') return EXIT_CODES.authenticationRequired;
  if (error.outcomeUnknown) return EXIT_CODES.outcomeUnknown;
  if (error.kind === 'network') return EXIT_CODES.daemonNotFound;
  return EXIT_CODES.failed;
}

/** The exit code of an error thrown by a single request (list, delete, status) or by discovery. */
export function exitCodeOfError(error: unknown): ExitCode {
  if (isPiecesBackupError(error, 'UpdateRequiredError')) return EXIT_CODES.updateRequired;
  if (isPiecesBackupError(error, 'AuthenticationRequiredError')) return EXIT_CODES.authenticationRequired;
  if (isPiecesBackupError(error, 'DaemonNotFoundError') || isPiecesBackupError(error, 'NetworkError') || isPiecesBackupError(error, 'TimeoutError')) return EXIT_CODES.daemonNotFound;
  return EXIT_CODES.failed;
}
