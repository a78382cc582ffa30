import { exponentialBackoff } from '../src/api/index.js';
import { createBackupActor, createRestoreActor } from '../machines/index.js';
import { createBackupClient, type LifecycleContext, type ProgressTransport } from '../src/index.js';
import { openDaemon, type Daemon } from '../test/faults/daemon.js';
import type { FaultLifecycleOptions } from '../test/faults/lifecycle-run.js';
import { judge, observeTruth, prepareBaseline, type Baseline, type EndState, type Lifecycle } from '../test/faults/truth.js';
import { startFaultProxy, type Direction, type FaultProxy, type Toxic } from './fault-proxy.js';
import { atLeast, atMost, errorText, pool, ProbeReport, type ProbeResult, type Scale } from './probe.js';

// Issue #16: both lifecycles over all three transports through a TCP fault proxy (faults of
// the wire, none of the emulator's own), each end state judged against the daemon's truth
// read past the proxy, on the emulator itself.

export const TRANSPORTS: readonly ProgressTransport[] = ['websocket', 'ndjson', 'polling'];

/** The client's per-request timeout in these cases: every read, body included, ends within it. */
export const REQUEST_TIMEOUT_MS = 1_500;
export const OUTAGE_TIMEOUT_MS = 4_000;

/** Small bounds so a case takes seconds: a stall is seen in 1.5 s, an outage given up after 4 s. */
export const PROXY_OPTIONS: FaultLifecycleOptions = {
  cancelTimeoutMs: 10_000,
  stream: {
    stallTimeoutMs: REQUEST_TIMEOUT_MS,
    minIntervalMs: 50,
    maxIntervalMs: 200,
    retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 400 }),
    retry: 1_000,
    outageTimeoutMs: OUTAGE_TIMEOUT_MS,
  },
  cancelRetry: { retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 300 }), confirmIntervalMs: 100, requestTimeoutMs: REQUEST_TIMEOUT_MS },
};

/** Past this a lifecycle that has not settled is a hang. */
export const HANG_BOUND_MS = 30_000;

export type ProxyFaultKind =
  | 'latency'
  | 'slicer'
  | 'bandwidth'
  | 'silent'
  | 'fin'
  | 'reset'
  | 'partition-short'
  | 'partition-long'
  | 'close-on-reuse';

export const FAULT_KINDS: readonly ProxyFaultKind[] = [
  'latency',
  'slicer',
  'bandwidth',
  'silent',
  'fin',
  'reset',
  'partition-short',
  'partition-long',
  'close-on-reuse',
];

export interface ProxyCase {
  name: string;
  lifecycle: Lifecycle;
  transport: ProgressTransport;
  kind: ProxyFaultKind;
  /** The wire fault: toxics added before the start, or a partition at `partition.atMs` for `partition.forMs`. */
  toxics?: Toxic[];
  partition?: { atMs: number; forMs: number };
  /** CANCEL this long after the start. */
  cancelAtMs?: number;
  /** The daemon's operation takes about this long. */
  durationMs?: number;
  /**
   * Every request on a connection of its own (`Connection: close`), so a toxic chosen by a
   * request line hits that request whatever came before it on a reused keep-alive connection.
   */
  freshConnections?: boolean;
}

// undici honours `connection: close` from a fetch: the socket is not reused
const closingFetch: typeof fetch = (input, init) => {
  const request = new Request(input, init);
  const headers = new Headers(request.headers);
  headers.set('connection', 'close');
  return fetch(new Request(request, { headers, duplex: 'half' } as RequestInit));
};

export interface ProxyCaseResult {
  case: ProxyCase;
  end: EndState | 'hang' | 'actor-error';
  verdict: 'ok' | 'unknown' | 'wrong';
  reasons: string[];
  elapsedMs: number;
  /** Connections the proxy saw, with what cut them. */
  wire: string[];
}

interface Snapshot {
  value: unknown;
  status: string;
  context: LifecycleContext;
  error?: unknown;
}

interface ActorLike {
  getSnapshot(): Snapshot;
  subscribe(observer: { next: (snapshot: Snapshot) => void; error: (error: unknown) => void }): { unsubscribe(): void };
  send(event: { type: 'CANCEL' }): void;
  stop(): void;
}

const END_STATES: readonly string[] = ['done', 'cancelled', 'failed'];

/** Resolves once the actor is in an end state or crashed, or with `hang` after `boundMs`. */
function settle(actor: ActorLike, boundMs: number): Promise<{ end: ProxyCaseResult['end']; context: LifecycleContext; value: string }> {
  return new Promise((resolve) => {
    let subscription: { unsubscribe(): void } | undefined;
    let finished = false;
    const finish = (end: ProxyCaseResult['end']) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
      const snapshot = actor.getSnapshot();
      resolve({ end, context: snapshot.context, value: String(snapshot.value) });
    };
    const check = () => {
      const snapshot = actor.getSnapshot();
      if (snapshot.status === 'error') finish('actor-error');
      else if (END_STATES.includes(String(snapshot.value))) finish(String(snapshot.value) as EndState);
    };
    const timer = setTimeout(() => finish('hang'), boundMs);
    subscription = actor.subscribe({ next: check, error: check });
    check();
  });
}

function startActor(baseline: Baseline, baseUrl: string, transport: ProgressTransport, freshConnections = false): ActorLike {
  const client = createBackupClient({
    baseUrl,
    timeout: REQUEST_TIMEOUT_MS,
    retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 400 }),
    ...(freshConnections && { fetch: closingFetch }),
  });
  const options = { ...PROXY_OPTIONS, transport };
  if (baseline.lifecycle === 'backup') {
    const actor = createBackupActor(client, options);
    actor.send({ type: 'START' });
    return actor;
  }
  const actor = createRestoreActor(client, options);
  actor.send({ type: 'RESTORE', backupId: baseline.backupId!, confirm: true });
  return actor;
}

/** One lifecycle through a fresh proxy in front of a fresh emulator, judged against the emulator's truth. */
export async function runProxyCase(proxyCase: ProxyCase, boundMs = HANG_BOUND_MS): Promise<ProxyCaseResult> {
  const daemon: Daemon = await openDaemon();
  let proxy: FaultProxy | undefined;
  const timers: NodeJS.Timeout[] = [];
  try {
    const baseline = await prepareBaseline(daemon, proxyCase.lifecycle, proxyCase.durationMs ?? 1_200);
    proxy = await startFaultProxy(daemon.url);
    for (const toxic of proxyCase.toxics ?? []) proxy.add(toxic);
    const started = performance.now();
    const actor = startActor(baseline, proxy.url, proxyCase.transport, proxyCase.freshConnections);
    const { partition, cancelAtMs } = proxyCase;
    if (partition) {
      const held = proxy;
      timers.push(setTimeout(() => held.partition(), partition.atMs));
      timers.push(setTimeout(() => held.heal(), partition.atMs + partition.forMs));
    }
    if (cancelAtMs !== undefined) timers.push(setTimeout(() => actor.send({ type: 'CANCEL' }), cancelAtMs));
    const settled = await settle(actor, boundMs);
    const elapsedMs = Math.round(performance.now() - started);
    for (const timer of timers) clearTimeout(timer);
    const wire = proxy.connections().map((c) => `#${c.number} ${c.firstLine}${c.cuts.length > 0 ? ` [${c.cuts.join(', ')}]` : ''}`);
    actor.stop();
    await proxy.close();
    proxy = undefined;
    if (settled.end === 'hang' || settled.end === 'actor-error') {
      return { case: proxyCase, end: settled.end, verdict: 'wrong', reasons: [`${settled.end} in ${settled.value}`], elapsedMs, wire };
    }
    const truth = await observeTruth(daemon);
    const judgement = judge(baseline, settled.end, settled.context, truth);
    const error = settled.context.error;
    const why = error ? ` ${error.kind}/${error.name}: ${error.message.slice(0, 160)}` : '';
    return {
      case: proxyCase,
      end: settled.end,
      verdict: judgement.verdict,
      reasons: judgement.verdict === 'ok' ? [] : [...judgement.reasons, `${settled.end} in ${elapsedMs} ms${why}`],
      elapsedMs,
      wire,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await proxy?.close();
    await daemon.dispose();
  }
}

/**
 * A variant is `combo + 12 * cut`: `combo` (0-11) picks lifecycle x transport x CANCEL (see
 * `proxyCases`), `cut` the wire fault's parameters, so every cut meets every combination.
 */
const COMBOS = 12;

/**
 * Where a silent / FIN / RST cut lands, one connection at a time (every connection cut would
 * be an outage, which the partitions are). Connection 1 is the first the lifecycle opens (a
 * restore's baseline status read, a creation's start stream); 2 the next (a polled creation's
 * first status read, a restore's start). Mid-body cuts are the issue's hangs.
 */
const CUTS: ReadonlyArray<{ connection: number; direction: Direction; at: { afterBytes: number; afterHeaders?: boolean } }> = [
  { connection: 1, direction: 'downstream', at: { afterHeaders: true, afterBytes: 30 } },
  { connection: 2, direction: 'downstream', at: { afterHeaders: true, afterBytes: 30 } },
  { connection: 1, direction: 'downstream', at: { afterBytes: 12 } },
  { connection: 2, direction: 'downstream', at: { afterHeaders: true, afterBytes: 0 } },
  { connection: 3, direction: 'downstream', at: { afterHeaders: true, afterBytes: 400 } },
  { connection: 1, direction: 'upstream', at: { afterBytes: 40 } },
  // a restore's start (its POST or socket), cut before the daemon has the whole request
  { connection: 2, direction: 'upstream', at: { afterBytes: 40 } },
];

const CUT_KINDS: readonly ProxyFaultKind[] = ['silent', 'fin', 'reset'];

/** The wire fault of variant `variant` of `kind`. */
function toxicsOf(kind: ProxyFaultKind, variant: number): Pick<ProxyCase, 'toxics' | 'partition'> {
  const pick = <T>(values: readonly T[]) => values[Math.floor(variant / COMBOS) % values.length]!;
  switch (kind) {
    case 'latency':
      return { toxics: [{ kind, direction: 'downstream', latencyMs: pick([20, 150]) }] };
    case 'slicer':
      return { toxics: [{ kind, direction: pick(['downstream', 'upstream'] as const), sizeBytes: pick([1, 7]), delayMs: 1 }] };
    case 'bandwidth':
      return {
        toxics: [
          { kind: 'slicer', direction: 'downstream', sizeBytes: 256, delayMs: 0 },
          { kind, direction: 'downstream', bytesPerSecond: pick([4_000, 32_000]) },
        ],
      };
    case 'silent':
    case 'fin':
    case 'reset': {
      const { connection, direction, at } = pick(CUTS);
      return { toxics: [{ kind, direction, connections: [connection], ...at }] };
    }
    case 'partition-short':
      return { partition: { atMs: pick([100, 600]), forMs: OUTAGE_TIMEOUT_MS / 2 } };
    case 'partition-long':
      return { partition: { atMs: pick([100, 600]), forMs: OUTAGE_TIMEOUT_MS + 4_000 } };
    case 'close-on-reuse':
      return { toxics: [{ kind, direction: 'upstream', idleMs: pick([20, 60]) }] };
  }
}

/**
 * Full: every combination with every cut (84 cases of each cut kind), or with two settings of
 * the others (24 each). CI: two cases of each kind, rotated over the combinations; the cut
 * kinds' include the issue's hangs (a restore's baseline read and a polled creation's status
 * read, silent mid-body).
 */
function variantsOf(scale: Scale, kind: ProxyFaultKind, kindIndex: number): number[] {
  const cuts = CUT_KINDS.includes(kind) ? CUTS.length : 2;
  if (scale === 'full') return Array.from({ length: COMBOS * cuts }, (_, variant) => variant);
  // 77: a polled restore's POST silent upstream, answered 408 by the daemon (knowable: nothing ran)
  if (kind === 'silent') return [1, 4 + COMBOS, 77];
  return [(2 * kindIndex) % COMBOS, ((2 * kindIndex + 5) % COMBOS) + COMBOS];
}

/** The cases of every kind, spread over lifecycles, transports and CANCEL. */
export function proxyCases(scale: Scale): ProxyCase[] {
  const cases: ProxyCase[] = [];
  for (const [kindIndex, kind] of FAULT_KINDS.entries()) {
    for (const variant of variantsOf(scale, kind, kindIndex)) {
      const combo = variant % COMBOS;
      const lifecycle: Lifecycle = combo % 2 === 0 ? 'backup' : 'restore';
      const transport = TRANSPORTS[Math.floor(combo / 2) % 3]!;
      const cancel = Math.floor(combo / 6) === 1;
      const cancelAtMs = cancel ? [150, 500, 900][Math.floor(variant / COMBOS) % 3]! : undefined;
      const name = `${kind}#${variant} ${lifecycle} ${transport}${cancel ? ` cancel@${cancelAtMs}` : ''}`;
      cases.push({ name, lifecycle, transport, kind, ...toxicsOf(kind, variant), ...(cancelAtMs !== undefined && { cancelAtMs }) });
    }
  }
  return cases;
}

export async function proxyFaults(scale: Scale): Promise<ProbeResult> {
  const full = scale === 'full';
  const report = new ProbeReport('proxy-faults', 'TCP faults through a proxy (latency, slicing, bandwidth, silent/FIN/RST after N bytes, partitions, keep-alive close) x 2 lifecycles x 3 transports, with and without CANCEL');
  const cases = proxyCases(scale);
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  const unknownByKind: Record<string, number> = {};
  let wrong = 0;
  let hangs = 0;
  let unknownReachable = 0;
  let results: ProxyCaseResult[] = [];
  try {
    results = await pool(cases, full ? 4 : 3, async (proxyCase) => {
      try {
        return await runProxyCase(proxyCase);
      } catch (error) {
        return { case: proxyCase, end: 'actor-error', verdict: 'wrong', reasons: [`harness: ${errorText(error)}`], elapsedMs: 0, wire: [] } satisfies ProxyCaseResult;
      }
    });
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  for (const result of results) {
    if (result.end === 'hang') hangs += 1;
    if (result.verdict === 'wrong') {
      wrong += 1;
      report.fail(`${result.case.name}: ${result.reasons.join('; ')} | ${result.wire.join(' ')}`);
    }
    if (result.verdict === 'unknown') {
      unknownByKind[result.case.kind] = (unknownByKind[result.case.kind] ?? 0) + 1;
      // only a partition past the outage bound leaves the daemon unreachable
      if (result.case.kind !== 'partition-long') {
        unknownReachable += 1;
        report.fail(`${result.case.name}: outcome unknown while the daemon was reachable: ${result.reasons.join('; ')} | ${result.wire.join(' ')}`);
      }
    }
  }
  return report.finish(
    [
      atLeast('lifecycles', results.length, full ? 300 : 18),
      atLeast('fault kinds', new Set(results.map((r) => r.case.kind)).size, FAULT_KINDS.length),
      atMost('wrong end states', wrong, 0),
      atMost('hangs', hangs, 0),
      atMost('unhandled rejections', rejections.length, 0),
      atMost('unknown outcomes while the daemon was reachable', unknownReachable, 0),
    ],
    {
      ok: results.filter((r) => r.verdict === 'ok').length,
      ...Object.fromEntries(['done', 'cancelled', 'failed'].map((end) => [`ended ${end}`, results.filter((r) => r.end === end).length])),
      ...Object.fromEntries(FAULT_KINDS.map((kind) => [`outcome unknown: ${kind}`, unknownByKind[kind] ?? 0])),
      'slowest lifecycle to settle, ms': Math.max(0, ...results.map((r) => r.elapsedMs)),
      'settle bound, ms': HANG_BOUND_MS,
    },
  );
}

