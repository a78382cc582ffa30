import { createInterface } from 'node:readline/promises';

/** How a yes/no question ended: an answer, a Ctrl-C at the prompt, or withdrawn by the caller. */
export type Answer = 'yes' | 'no' | 'interrupted' | 'withdrawn';

/** Asks a yes/no question on the terminal; the signal withdraws it (nothing left to decide). */
export type Ask = (message: string, signal?: AbortSignal) => Promise<Answer>;

/**
 * `? message (y/N)` on `output`, read with `node:readline` (no prompt library: the package's
 * users should not install one for a CLI they may never run). Anything but y/yes is "no".
 * Null when stdin is not a terminal: there is nobody to ask, and a command must not wait on
 * a pipe.
 */
export function terminalAsk(input: NodeJS.ReadStream, output: NodeJS.WritableStream): Ask | null {
  if (input.isTTY !== true) return null;
  return (message, signal) =>
    new Promise<Answer>((resolve, reject) => {
      if (signal?.aborted) return resolve('withdrawn');
      // terminal: the line is read in raw mode, so Ctrl-C reaches us as the interface's SIGINT
      // (not the process's), as a keypress of the prompt
      const prompt = createInterface({ input, output, terminal: true });
      const withdraw = new AbortController();
      let answered = false;
      const end = (answer: Answer) => {
        if (answered) return;
        answered = true;
        signal?.removeEventListener('abort', onAbort);
        withdraw.abort();
        prompt.close();
        resolve(answer);
      };
      const onAbort = () => {
        output.write('\n');
        end('withdrawn');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      prompt.once('SIGINT', () => {
        output.write('\n');
        end('interrupted');
      });
      // Ctrl-D: no answer, the default
      prompt.once('close', () => end('no'));
      prompt.question(`? ${message} (y/N) `, { signal: withdraw.signal }).then(
        (line) => end(/^\s*y(es)?\s*$/i.test(line) ? 'yes' : 'no'),
        (error: unknown) => {
          if (answered) return;
          answered = true;
          prompt.close();
          reject(error);
        },
      );
    });
}
