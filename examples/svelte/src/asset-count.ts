import { readable, type Readable } from 'svelte/store';

/**
 * The local database's asset count, read every second while subscribed: an emulator-only
 * admin route, so it stays null (and hidden) on a real Pieces OS.
 */
export function assetCount(daemonUrl: string): Readable<number | null> {
  return readable<number | null>(null, (set) => {
    let stopped = false;
    const load = async () => {
      try {
        const response = await fetch(`${daemonUrl}/__emulator/assets`);
        const body = response.ok ? ((await response.json()) as { iterable: unknown[] }) : null;
        if (!stopped) set(body ? body.iterable.length : null);
      } catch {
        if (!stopped) set(null);
      }
    };
    void load();
    const timer = setInterval(load, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  });
}
