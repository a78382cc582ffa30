import { map, merge, scan, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { STREAM_DEFAULTS } from '../../src/streams/options.js';
import { estimateEta, type RateSample } from '../../src/streams/progress.js';

// The ETA right after a lifecycle attaches to an operation already running: frames arrive on
// the virtual clock, each stamped with `scheduler.now()` as the transports stamp theirs.

interface Estimate {
  at: number;
  percentage: number;
  eta: number | null;
}

/** Frames `[ms after attaching, percentage]` through the one estimator, in virtual time. */
function estimates(frames: ReadonlyArray<readonly [number, number]>): Estimate[] {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const seen: Estimate[] = [];
  scheduler.run(({ flush }) => {
    const arrivals: Observable<number> = merge(...frames.map(([ms, percentage]) => timer(ms).pipe(map(() => percentage))));
    arrivals
      .pipe(
        scan<number, { sample: RateSample | null; estimate: Estimate | null }>(
          ({ sample }, percentage) => {
            const at = scheduler.now();
            const next = estimateEta(sample, at, percentage);
            return { sample: next.sample, estimate: { at, percentage, eta: next.eta } };
          },
          { sample: null, estimate: null },
        ),
      )
      .subscribe(({ estimate }) => seen.push(estimate!));
    flush();
  });
  return seen;
}

/** A deterministic jitter in [0, 1): frames do not come on a perfect beat. */
function jitter(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const RATE_PER_MS = 2 / 1_000; // 2 % a second: the truth the estimates are judged against
const truthAt = (percentage: number) => (100 - percentage) / RATE_PER_MS;

/** Attached at 40 %, frames 60-140 ms apart at a steady 2 %/s, until 90 %. */
function steadyFrames(seed = 7): Array<[number, number]> {
  const random = jitter(seed);
  const frames: Array<[number, number]> = [[0, 40]];
  let ms = 0;
  while (frames.at(-1)![1] < 90) {
    ms += 60 + Math.round(random() * 80);
    frames.push([ms, 40 + ms * RATE_PER_MS]);
  }
  return frames;
}

describe('ETA after attaching to a running operation', () => {
  it('attached at 40 %, frames 1 ms apart give no ETA (the old estimator gave one from the second frame)', () => {
    const frames = Array.from({ length: 50 }, (_, i) => [i, 40 + i * 0.05] as const);
    const seen = estimates(frames);
    expect(seen).toHaveLength(50);
    expect(seen.map((e) => e.eta)).toEqual(new Array(50).fill(null));
  });

  it('gives none until the samples span both the time and the percentage minimum', () => {
    // 1.2 s but only 1.5 points: still none; 2 points reached at 1.6 s: an ETA
    const seen = estimates([[0, 40], [400, 40.5], [800, 41], [1_200, 41.5], [1_600, 42]]);
    expect(seen.map((e) => e.eta)).toEqual([null, null, null, null, expect.any(Number)]);
    // 3 points within 20 ms: none until a second has passed
    const fast = estimates([[0, 40], [10, 42], [20, 43], [1_000, 44]]);
    expect(fast.map((e) => e.eta)).toEqual([null, null, null, expect.any(Number)]);
    expect(STREAM_DEFAULTS).toMatchObject({ etaMinSpanMs: 1_000, etaMinSpanPercent: 2 });
  });

  it('at a steady rate: within 3 % of the truth once given, and no swing over 300 ms between frames', () => {
    const seen = estimates(steadyFrames());
    const given = seen.filter((e): e is Estimate & { eta: number } => e.eta !== null);
    expect(given.length).toBeGreaterThan(100);
    // the first ETA comes only after the window: 1 s and 2 points after attaching
    expect(given[0]!.at).toBeGreaterThanOrEqual(STREAM_DEFAULTS.etaMinSpanMs);
    expect(given[0]!.percentage - 40).toBeGreaterThanOrEqual(STREAM_DEFAULTS.etaMinSpanPercent);
    for (const estimate of given) {
      expect(Math.abs(estimate.eta - truthAt(estimate.percentage)) / truthAt(estimate.percentage)).toBeLessThan(0.03);
    }
    // a swing: how much more (or less) than the time that passed the ETA moved between frames
    const swings = given.slice(1).map((estimate, i) => Math.abs(given[i]!.eta - (estimate.at - given[i]!.at) - estimate.eta));
    expect(Math.max(...swings)).toBeLessThan(300);
  });

  it('frames in bursts (stamped on arrival) keep the ETA within 10 % and its swings under 1 s', () => {
    // the daemon progresses steadily; its frames arrive three at a time, 1 ms apart, every
    // 300 ms (attached during the first burst), each up to 200 ms late
    const frames: Array<[number, number]> = [];
    for (let burst = 0; 40 + burst * RATE_PER_MS < 90; burst += 300) {
      for (let i = 0; i < 3; i += 1) frames.push([burst + i, 40 + (burst - 200 + i * 100) * RATE_PER_MS]);
    }
    const given = estimates(frames).filter((e): e is Estimate & { eta: number } => e.eta !== null);
    expect(given.length).toBeGreaterThan(20);
    for (const estimate of given) {
      expect(Math.abs(estimate.eta - truthAt(estimate.percentage)) / truthAt(estimate.percentage)).toBeLessThan(0.1);
    }
    const swings = given.slice(1).map((estimate, i) => Math.abs(given[i]!.eta - (estimate.at - given[i]!.at) - estimate.eta));
    expect(Math.max(...swings)).toBeLessThan(1_000);
  });

  it('a sample persisted before the window existed (no `from`) still estimates', () => {
    const legacy = { at: 0, percentage: 40, percentPerMs: null } as unknown as RateSample;
    expect(estimateEta(legacy, 1_000, 42).eta).toBe(29_000);
  });
});
