/**
 * `emulator_status_rps`, `emulator_status_p99_ms`, `emulator_status_errors`: autocannon
 * (10 connections, in this process) against `GET /backup/:id/creation/status` of an
 * emulator in its own process, for `profile.loadSeconds`.
 */
import autocannon from 'autocannon';
import { createBackupClient } from '../src/api/index.js';
import { figure, type Figure, type Profile, startEmulatorProcess } from './figures.js';

export async function statusLoad(profile: Profile): Promise<Record<string, Figure>> {
  const emulator = await startEmulatorProcess({ rateBytesPerSecond: 1e9 });
  try {
    const backup = await createBackupClient({ baseUrl: emulator.url }).create();
    const url = `${emulator.url}/backup/${backup.id}/creation/status`;
    const result = await autocannon({ url, connections: 10, duration: profile.loadSeconds });
    const errors = result.errors + result.timeouts + result.non2xx;
    const details = {
      url: '/backup/:id/creation/status',
      connections: 10,
      seconds: profile.loadSeconds,
      requests: result.requests.total,
      latencyMedianMs: result.latency.p50,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
    };
    const how = `autocannon, 10 connections, ${profile.loadSeconds} s, on the status of a completed creation (emulator in its own process)`;
    return {
      emulator_status_rps: figure(result.requests.average, 'requests/s', null, 1, `mean requests per second: ${how}`, { details }),
      emulator_status_p99_ms: figure(result.latency.p99, 'ms', null, 1, `99th percentile latency: ${how}`, { details }),
      emulator_status_errors: figure(errors, 'errors', { equals: 0 }, 1, `errors + timeouts + non-2xx answers: ${how}`, { details }),
    };
  } finally {
    await emulator.close();
  }
}
