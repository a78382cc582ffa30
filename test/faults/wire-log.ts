import { waitFor } from '../helpers/emulator.js';

export interface WireEntry {
  method: string;
  /** Path only, e.g. `/backup/9.0.0_1/creation/status`. */
  path: string;
  status: number;
  /** `performance.now()` when the answer's head arrived. */
  at: number;
}

/**
 * A fetch that logs every answer's status and time: to act right after the daemon accepted
 * a cancel, or to time an outage from its first failed status answer.
 */
export function wireLog() {
  const entries: WireEntry[] = [];
  const logged: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const method = init?.method ?? request?.method ?? 'GET';
    const path = new URL(request?.url ?? String(input)).pathname;
    const response = await fetch(input, init);
    entries.push({ method, path, status: response.status, at: performance.now() });
    return response;
  };
  const find = (matches: (entry: WireEntry) => boolean) => entries.find(matches);
  return {
    fetch: logged,
    entries,
    find,
    /** The first answer that matches, once it arrived. */
    waitFor: (matches: (entry: WireEntry) => boolean, what: string, timeoutMs = 10_000) =>
      waitFor(() => find(matches), what, timeoutMs),
  };
}

export const isCancelAccepted = (entry: WireEntry) => entry.method === 'POST' && entry.path.endsWith('/cancel') && entry.status === 204;
export const isStatusAnswer = (status: number) => (entry: WireEntry) => entry.path.endsWith('/status') && entry.status === status;
