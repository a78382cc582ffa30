import { describe, expect, it } from 'vitest';
import * as policy from '../../../src/core/policy/index.js';

describe('src/core/policy exports', () => {
  it('exports exactly the policy API, and nothing of Node', () => {
    expect(Object.keys(policy).sort()).toEqual([
      'INITIAL_SCHEDULE_STATE',
      'PolicyInputError',
      'applyRetention',
      'backupTime',
      'createMemoryLock',
      'createScheduleRunner',
      'createWebLock',
      'defaultRunnerLock',
      'durationToMs',
      'formatDuration',
      'formatTimeOfDay',
      'isDue',
      'isPolicyInputError',
      'nextDue',
      'nextPeriodDue',
      'onPeriodDone',
      'onRunFinished',
      'parseDuration',
      'parseTimeOfDay',
      'pauseSchedule',
      'periodOf',
      'planRetention',
      'resolveRetentionPolicy',
      'resolveSchedule',
      'resumeSchedule',
      'subtractDuration',
    ]);
  });
});

describe('src/core/policy in a browser bundle', () => {
  it('bundles for the browser without node: modules (the lock file stays out)', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [new URL('../../../src/core/policy/index.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      external: ['rxjs'],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.endsWith('runner-lock-file.ts'))).toBe(false);
    expect(inputs.some((input) => input.startsWith('node:'))).toBe(false);
    expect(inputs.some((input) => input.endsWith('schedule-runner.ts'))).toBe(true);
  });
});
