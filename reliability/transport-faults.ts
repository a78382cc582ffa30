import { HANG_BOUND_MS, TRANSPORTS, fullMatrix, runSweep, type SweepCase } from '../test/faults/sweep.js';
import { atLeast, atMost, ProbeReport, type ProbeResult, type Scale } from './probe.js';

// Transport faults through the emulator's fault injection, on the #6 sweep's harness: real
// actors, one emulator per lifecycle, each end judged against the daemon's truth.

/** The issue's faults: reset, stall, truncated stream, malformed frame, latency, forced status on status and cancel. */
function inScope(sweepCase: SweepCase): boolean {
  if (sweepCase.fault === 'daemon-restart') return false;
  if (sweepCase.fault.startsWith('status-')) return sweepCase.target === 'status' || sweepCase.target === 'cancel';
  return true;
}

/** `count` cases spread evenly over the in-scope matrix (every k-th), so each kind and transport is hit. */
export function faultCases(count: number): SweepCase[] {
  const scope = fullMatrix().filter(inScope);
  if (count >= scope.length) return scope;
  return Array.from({ length: count }, (_, index) => scope[Math.floor((index * scope.length) / count)]!);
}

export async function transportFaults(scale: Scale): Promise<ProbeResult> {
  const full = scale === 'full';
  const report = new ProbeReport('transport-faults', 'Transport faults (reset, stall, truncate, malformed, latency, forced status) x 3 transports');
  const cases = faultCases(full ? 162 : 6);
  const sweep = await runSweep(cases, { concurrency: full ? 6 : 3 });
  for (const result of sweep.results) {
    if (result.outcome !== 'ok' && result.outcome !== 'unknown') {
      report.fail(`${result.name}: ${result.outcome} ${result.end}${result.reasons.length > 0 ? ` (${result.reasons.join('; ')})` : ''}`);
    }
  }
  const { tally } = sweep;
  const transports = new Set(cases.map((c) => c.transport)).size;
  const kinds = new Set(cases.map((c) => c.fault)).size;
  return report.finish(
    [
      atLeast('lifecycles', tally.runs, full ? 150 : 6),
      atLeast('transports', transports, TRANSPORTS.length),
      atMost('wrong end states', tally.wrong, 0),
      atMost('hangs', tally.hangs, 0),
      atMost('actor errors', tally.actorErrors, 0),
      atMost('unhandled rejections', tally.unhandledRejections, 0),
    ],
    {
      'fault kinds': kinds,
      ok: tally.ok,
      'outcome unknown (stated)': tally.unknown,
      'slowest lifecycle to settle, ms': Math.max(0, ...sweep.results.map((result) => result.elapsedMs)),
      'settle bound, ms': HANG_BOUND_MS,
    },
  );
}
