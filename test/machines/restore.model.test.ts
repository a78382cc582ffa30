import { afterAll, describe, expect, it } from 'vitest';
import { restoreMachine } from '../../machines/index.js';
import { createLifecycleEnv, lifecycleEnactments, lifecycleEvents } from './support/lifecycle-model.js';
import { describePath, executePath, planPaths } from './support/model-harness.js';
import { modelState } from './support/model-state.js';

// Model-based: xstate/graph's shortest path to every model state, extended by every event
// that state accepts, so the paths take every transition of the restore chart. Each path
// runs against its own real emulator (faults, rate and state changes produce the failure,
// race and cancel edges); coverage is measured on the running actors, not assumed.

const events = lifecycleEvents('restoration');
const plan = planPaths(restoreMachine, {
  events: (snapshot) => events(String(snapshot.value)),
  serializeState: modelState,
});
const runtimeCoverage = new Set<string>();

describe('restore machine, model-based against the emulator', () => {
  it('plans paths that take every transition of the chart', () => {
    const ids = plan.total.map((edge) => edge.id);
    // idle 3, confirming 2, starting 4, running 6, cancelling 6, done 2, cancelled 2, failed 4
    expect(ids).toHaveLength(29);
    expect([...plan.plannedCoverage].sort()).toEqual([...ids].sort());
    expect(plan.paths.length).toBeLessThanOrEqual(plan.candidates.length);
  });

  for (const [index, path] of plan.candidates.entries()) {
    it(`path ${index + 1}: ${describePath(path)}`, { timeout: 60_000 }, async () => {
      const env = await createLifecycleEnv('restoration');
      try {
        await executePath(path, env, lifecycleEnactments('restoration'));
      } finally {
        for (const id of env.recorder.covered) runtimeCoverage.add(id);
        await env.dispose();
      }
    });
  }

  afterAll(() => {
    const total = plan.total.map((edge) => edge.id);
    const covered = total.filter((id) => runtimeCoverage.has(id));
    console.log(
      `restore machine: ${plan.candidates.length} paths (a covering set needs ${plan.paths.length}); ` +
        `transitions covered: ${covered.length}/${total.length}`,
    );
    const missing = total.filter((id) => !runtimeCoverage.has(id));
    if (missing.length > 0) console.log(`not covered: ${missing.join(', ')}`);
    expect(covered.length).toBe(total.length);
  });
});
