// Every body read is bounded here: ky's timeout ends when the headers arrive, and neither ky
// nor fetch notices a body that stops coming (a silent connection sends no FIN and no RST).
// note: the bounds reject on their own timers and cancel the reader, rather than trust an
// abort to travel through AbortSignal.any and undici's Request: under GC pressure such a
// follower signal can be collected and the abort never arrives.

/**
 * `reader.read()`, which must answer within `idleMs` (none when undefined) and before `stop`
 * rejects: else rejects with `stall()` (or `stop`'s reason) and cancels the reader, which
 * releases the connection.
 */
export function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  idleMs: number | undefined,
  stall: () => Error,
  stop?: Promise<never>,
): Promise<ReadableStreamReadResult<T>> {
  if (idleMs === undefined && !stop) return reader.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bounds: Promise<never>[] = [];
  if (idleMs !== undefined) bounds.push(new Promise<never>((_, reject) => (timer = setTimeout(() => reject(stall()), idleMs))));
  if (stop) bounds.push(stop);
  return Promise.race([reader.read(), ...bounds]).then(
    (result) => {
      clearTimeout(timer);
      return result;
    },
    (error: unknown) => {
      clearTimeout(timer);
      reader.cancel(error).catch(() => undefined);
      throw error;
    },
  );
}

/** The whole body as text, each read bounded as `readWithin` says. */
export async function readText(response: Response, idleMs: number | undefined, stall: () => Error, stop?: Promise<never>): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await readWithin(reader, idleMs, stall, stop);
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    reader.cancel(error).catch(() => undefined);
    throw error;
  }
}
