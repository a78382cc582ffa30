// Every body read is bounded here: ky's timeout ends when the headers arrive, and neither ky
// nor fetch notices a body that stops coming (a silent connection sends no FIN and no RST).

/**
 * `reader.read()`, which must answer within `idleMs` (none when undefined): else rejects with
 * `stall()`. The caller then aborts the request, which releases the connection.
 */
export function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  idleMs: number | undefined,
  stall: () => Error,
): Promise<ReadableStreamReadResult<T>> {
  if (idleMs === undefined) return reader.read();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(stall()), idleMs);
    reader.read().then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The whole body as text; no bytes for `idleMs` is `stall()`. The body is cancelled on any failure. */
export async function readText(response: Response, idleMs: number | undefined, stall: () => Error): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await readWithin(reader, idleMs, stall);
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  }
}
