/**
 * The CLI's one exit error: a command line that cannot run as given, exit code 2 (commander's
 * own usage errors end the same way, see `exitCodeOfCommanderError`).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError' as const;
}

export const isUsageError = (error: unknown): error is UsageError => error instanceof Error && error.name === 'UsageError';

/** Commander's wording of a usage error in ours: `unknown option --x`, `--x needs a value`. */
export function inOurWords(message: string): string {
  return message
    .replace(/^error: unknown option '([^']+)'/, 'unknown option $1')
    .replace(/^error: option '(--[\w-]+)[^']*' argument missing/, '$1 needs a value');
}
