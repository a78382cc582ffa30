import { describe, expect, it } from 'vitest';
import { estimateEta, type RateSample } from '../../src/streams/progress.js';

describe('estimateEta', () => {
  it('has no estimate from a single sample', () => {
    expect(estimateEta(null, 0, 10).eta).toBeNull();
  });

  it('estimates from the rate of percentage', () => {
    const { sample } = estimateEta(null, 0, 10);
    expect(estimateEta(sample, 1_000, 20).eta).toBe(8_000);
  });

  it('smooths a change of rate instead of jumping', () => {
    let sample: RateSample | null = null;
    ({ sample } = estimateEta(sample, 0, 0));
    ({ sample } = estimateEta(sample, 1_000, 10)); // 10 %/s
    const { eta } = estimateEta(sample, 2_000, 30); // 20 %/s now: smoothed 13 %/s
    expect(eta).toBeGreaterThan(70_000 / 20);
    expect(eta).toBeLessThan(70_000 / 10);
  });

  it('counts down while the percentage does not move', () => {
    const { sample: first } = estimateEta(null, 0, 10);
    const { sample } = estimateEta(first, 1_000, 20);
    expect(estimateEta(sample, 3_000, 20)).toEqual({ sample, eta: 6_000 });
    expect(estimateEta(sample, 60_000, 20).eta).toBe(0);
  });

  it('is 0 at 100 and starts over when the percentage goes back', () => {
    const { sample } = estimateEta(null, 0, 50);
    expect(estimateEta(sample, 10, 100).eta).toBe(0);
    // the window of the new run starts at the observation that went back
    expect(estimateEta(sample, 10, 5)).toEqual({ sample: { at: 10, percentage: 5, from: { at: 10, percentage: 5 }, percentPerMs: null }, eta: null });
  });
});
