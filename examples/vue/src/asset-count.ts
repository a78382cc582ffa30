import { onScopeDispose, ref, type Ref } from 'vue';

/**
 * The local database's asset count, read every second: an emulator-only admin route, so it
 * stays null (and hidden) on a real Pieces OS.
 */
export function useAssetCount(daemonUrl: string): Readonly<Ref<number | null>> {
  const count = ref<number | null>(null);
  let stopped = false;
  const load = async () => {
    try {
      const response = await fetch(`${daemonUrl}/__emulator/assets`);
      const body = response.ok ? ((await response.json()) as { iterable: unknown[] }) : null;
      if (!stopped) count.value = body ? body.iterable.length : null;
    } catch {
      if (!stopped) count.value = null;
    }
  };
  void load();
  const timer = setInterval(load, 1000);
  onScopeDispose(() => {
    stopped = true;
    clearInterval(timer);
  });
  return count;
}
