import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIGURE_KEYS, checkFigures } from '../../bench/keys.js';
import type { Figure } from '../../bench/figures.js';

const resultsFile = path.join(import.meta.dirname, '..', '..', 'bench', 'results.json');

describe('bench/results.json', () => {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
    command: string;
    profile: { name: string };
    machine: { node: string; cpus: number };
    figures: Record<string, Figure>;
  };

  it('is the full profile of npm run bench, with the machine it ran on', () => {
    expect(results.command).toBe('npm run bench');
    expect(results.profile.name).toBe('full');
    expect(results.machine.node).toMatch(/^v\d+\./);
    expect(results.machine.cpus).toBeGreaterThan(0);
  });

  it('has every figure of issue #10, each a number beside its goal', () => {
    expect(checkFigures(results.figures)).toEqual([]);
    for (const key of FIGURE_KEYS) expect(typeof results.figures[key]!.how).toBe('string');
  });

  it('says for each figure with a goal whether it meets it, consistently with the value', () => {
    for (const key of FIGURE_KEYS) {
      const { value, goal, met } = results.figures[key]!;
      if (goal === null) expect(met).toBeNull();
      else expect(met).toBe('max' in goal ? value <= goal.max : value === goal.equals);
    }
  });
});

describe('checkFigures', () => {
  const complete = () =>
    Object.fromEntries(
      FIGURE_KEYS.map((key) => [key, { value: 1, unit: 'x', goal: { max: 2 }, met: true, runs: 1, how: 'test' } satisfies Figure]),
    );

  it('accepts a complete set', () => {
    expect(checkFigures(complete())).toEqual([]);
  });

  it('names a missing key, a value that is not a number, and a missing goal', () => {
    const figures: Record<string, Partial<Figure>> = complete();
    delete figures.shared_poll_ratio;
    figures.core_gzip_bytes = { ...figures.core_gzip_bytes, value: Number.NaN };
    figures.own_gzip_bytes = { ...figures.own_gzip_bytes, goal: undefined };
    expect(checkFigures(figures)).toEqual([
      'shared_poll_ratio: missing',
      'core_gzip_bytes: value NaN is not a finite number',
      'own_gzip_bytes: no goal (null when it has none)',
    ]);
  });
});
