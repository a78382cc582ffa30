// What every probe of the reliability suite reports: counts, each next to its goal.

/** `full`: the documented run (issue #11's counts); `ci`: a few runs of each, under 2 minutes in all. */
export type Scale = 'full' | 'ci';

export interface Figure {
  /** What was counted, e.g. `runs` or `wrong end states`. */
  metric: string;
  value: number;
  /** The goal in words, e.g. `>= 500` or `0`. */
  goal: string;
  pass: boolean;
}

export interface ProbeResult {
  probe: string;
  /** One line: what the probe does. */
  title: string;
  figures: Figure[];
  /** Why a run went wrong, one line each (the first 20). */
  failures: string[];
  /** Extra measurements without a goal (rates, latencies, memory). */
  measured?: Record<string, number | string>;
  durationMs: number;
  pass: boolean;
}

export const atLeast = (metric: string, value: number, min: number): Figure => ({ metric, value, goal: `>= ${min}`, pass: value >= min });
export const atMost = (metric: string, value: number, max: number): Figure => ({ metric, value, goal: max === 0 ? '0' : `<= ${max}`, pass: value <= max });

/** Collects failure lines (bounded) and builds the result. */
export class ProbeReport {
  private readonly started = performance.now();
  readonly failures: string[] = [];
  private failureCount = 0;

  constructor(
    readonly probe: string,
    readonly title: string,
  ) {}

  fail(line: string): void {
    this.failureCount += 1;
    if (this.failures.length < 20) this.failures.push(line);
  }

  get failed(): number {
    return this.failureCount;
  }

  finish(figures: Figure[], measured?: Record<string, number | string>): ProbeResult {
    return {
      probe: this.probe,
      title: this.title,
      figures,
      failures: this.failures,
      ...(measured && { measured }),
      durationMs: Math.round(performance.now() - this.started),
      pass: figures.every((figure) => figure.pass),
    };
  }
}

/** Runs `work` over `items`, `concurrency` at a time, stopping new work after `deadline` (epoch ms). */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>, deadline = Infinity): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && Date.now() < deadline) {
      const index = next++;
      results.push(await work(items[index]!, index));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A seeded PRNG (mulberry32): the "random" moments are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
