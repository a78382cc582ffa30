import type { AnyStateMachine } from 'xstate';
import { afterAll, describe, expect, it } from 'vitest';
import type { OperationKind } from '../../../src/streams/index.js';
import { createLifecycleEnv, lifecycleEnactments, lifecycleEvents } from './lifecycle-model.js';
import { describePath, executePath, inertActors, planPaths } from './model-harness.js';
import { modelState, type ModelContext } from './model-state.js';

/**
 * Model-based: xstate/graph's shortest path to every model state, extended by every event
 * that state accepts, so the paths take every transition of the chart. Each path runs
 * against its own real emulator (faults, rate and state changes produce the failure, race
 * and cancel edges); coverage is measured on the running actors, not assumed, and printed
 * as `transitions covered: X/Y`.
 */
export function describeModelSuite(label: string, machine: AnyStateMachine, kind: OperationKind, transitions: number): void {
  const events = lifecycleEvents(kind);
  // The abstract model says what children report through its own events: children that
  // never report (unlike the base machines' placeholders, which fail at once) keep it exact.
  const inert = machine.provide({ actors: inertActors });
  const plan = planPaths(inert, {
    events: (snapshot) => events(String(snapshot.value), snapshot.context as ModelContext),
    serializeState: modelState,
  });
  const runtimeCoverage = new Set<string>();

  describe(`${label}, model-based against the emulator`, () => {
    it('plans paths that take every transition of the chart', () => {
      const ids = plan.total.map((edge) => edge.id);
      expect(ids).toHaveLength(transitions);
      expect([...plan.plannedCoverage].sort()).toEqual([...ids].sort());
      expect(plan.paths.length).toBeLessThanOrEqual(plan.candidates.length);
    });

    for (const [index, path] of plan.candidates.entries()) {
      // a path races real frames against the events it sends (two CANCELs before the first
      // frame, say): on a loaded 2-core machine a frame can win; a second try runs it afresh
      it(`path ${index + 1}: ${describePath(path)}`, { timeout: 60_000, retry: 2 }, async () => {
        const env = await createLifecycleEnv(kind);
        try {
          await executePath(path, env, lifecycleEnactments(kind));
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
        `${label}: ${plan.candidates.length} paths (a covering set needs ${plan.paths.length}); ` +
          `transitions covered: ${covered.length}/${total.length}`,
      );
      const missing = total.filter((id) => !runtimeCoverage.has(id));
      if (missing.length > 0) console.log(`not covered: ${missing.join(', ')}`);
      expect(covered.length).toBe(total.length);
    });
  });
}
