/**
 * The local database's asset count, read now and every second after, handed to `onCount`: an
 * emulator-only admin route, so null on a real Pieces OS (and the pages hide it). Returns the
 * function that stops it; each example ties that to its framework's cleanup.
 */
export function watchAssetCount(daemonUrl: string, onCount: (count: number | null) => void): () => void {
  let stopped = false;
  const load = async () => {
    try {
      const response = await fetch(`${daemonUrl}/__emulator/assets`);
      const body = response.ok ? ((await response.json()) as { iterable: unknown[] }) : null;
      if (!stopped) onCount(body ? body.iterable.length : null);
    } catch {
      if (!stopped) onCount(null);
    }
  };
  void load();
  const timer = setInterval(load, 1000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
