import { DestroyRef, inject, signal, type Signal } from '@angular/core';
import { DAEMON_URL } from './daemon-url';

/**
 * The local database's asset count, read every second: an emulator-only admin route, so null
 * on a real Pieces OS. Call it in an injection context; it stops with that context.
 */
export function injectAssetCount(): Signal<number | null> {
  const daemonUrl = inject(DAEMON_URL);
  const count = signal<number | null>(null);
  let stopped = false;
  const load = async () => {
    try {
      const response = await fetch(`${daemonUrl}/__emulator/assets`);
      const body = response.ok ? ((await response.json()) as { iterable: unknown[] }) : null;
      if (!stopped) count.set(body ? body.iterable.length : null);
    } catch {
      if (!stopped) count.set(null);
    }
  };
  void load();
  const timer = setInterval(load, 1000);
  inject(DestroyRef).onDestroy(() => {
    stopped = true;
    clearInterval(timer);
  });
  return count.asReadonly();
}
