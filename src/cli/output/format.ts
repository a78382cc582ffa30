const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `512000` -> `500 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** Epoch ms as the host's local time, to the minute: `2026-12-01 09:30`. */
export function formatLocalTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
