/** How a yes/no question ended: an answer, a Ctrl-C at the prompt, or withdrawn by the caller. */
export type Answer = 'yes' | 'no' | 'interrupted' | 'withdrawn';

/** Asks a yes/no question on the terminal; the signal withdraws it (nothing left to decide). */
export type Ask = (message: string, signal?: AbortSignal) => Promise<Answer>;

// @inquirer's errors, told apart by name as its own docs do (no import of @inquirer/core)
const errorName = (error: unknown): unknown => (error instanceof Error ? error.name : undefined);

/**
 * `@inquirer/confirm` on `output`, default "no". Null when stdin is not a terminal: there is
 * nobody to ask, and a command must not wait on a pipe.
 */
export function terminalAsk(input: NodeJS.ReadStream, output: NodeJS.WritableStream): Ask | null {
  if (input.isTTY !== true) return null;
  return async (message, signal) => {
    const { default: confirm } = await import('@inquirer/confirm');
    try {
      const yes = await confirm({ message, default: false }, { input, output, ...(signal && { signal }) });
      return yes ? 'yes' : 'no';
    } catch (error) {
      if (errorName(error) === 'ExitPromptError') return 'interrupted';
      if (errorName(error) === 'AbortPromptError') return 'withdrawn';
      throw error;
    }
  };
}
