/** A command line that cannot run as given: exit code 2, like commander's own usage errors. */
export class UsageError extends Error {
  override readonly name = 'UsageError' as const;
}

export const isUsageError = (error: unknown): error is UsageError => error instanceof Error && error.name === 'UsageError';
