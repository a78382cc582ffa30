import { NEVER } from 'rxjs';
import {
  createActor,
  fromPromise,
  matchesState,
  type AnyActorRef,
  type AnyStateMachine,
  type AnyTransitionDefinition,
  type AnyEventObject,
  type InspectionEvent,
  type StateValue,
} from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { fromOperationStream } from '../../../machines/index.js';

/** One edge of the chart: a state's `on` / `onDone` / `onError` / `always` candidate. */
export interface Edge {
  id: string;
  def: AnyTransitionDefinition;
}

/** Every transition of a machine definition, named `<state>:<event>#<candidate>`. */
export function transitionsOf(machine: AnyStateMachine): Edge[] {
  const edges: Edge[] = [];
  const visit = (node: AnyStateMachine['root']) => {
    for (const [type, defs] of node.transitions) {
      defs.forEach((def, index) => edges.push({ id: `${node.path.join('.') || '(root)'}:${type}#${index}`, def }));
    }
    (node.always ?? []).forEach((def, index) => edges.push({ id: `${node.path.join('.')}:always#${index}`, def }));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return edges;
}

/** Collects the edges an actor takes, from `@xstate.microstep` inspection events. */
export class EdgeRecorder {
  readonly covered = new Set<string>();
  private index = new Map<AnyTransitionDefinition, string>();

  /** The machine the actor runs (after `provide`, transition objects are its own). */
  track(machine: AnyStateMachine): void {
    for (const edge of transitionsOf(machine)) this.index.set(edge.def, edge.id);
  }

  readonly inspect = (event: InspectionEvent) => {
    if (event.type !== '@xstate.microstep') return;
    for (const transition of event._transitions) {
      const id = this.index.get(transition);
      if (id) this.covered.add(id);
    }
  };
}

/** An abstract event of the model and the name its enactment is found by. */
export interface ModelEvent {
  label: string;
  event: AnyEventObject;
}

export interface ModelStep {
  label: string;
  event: AnyEventObject;
  /** The state value the model expects after the event. */
  state: StateValue;
}

export interface ModelPath {
  steps: ModelStep[];
  covers: Set<string>;
}

/** Children that never report: the abstract model says what they report, through its own events. */
export const inertActors = {
  start: fromOperationStream(() => NEVER),
  watch: fromOperationStream(() => NEVER),
  cancel: fromPromise(() => new Promise<never>(() => undefined)),
  check: fromPromise(() => new Promise<never>(() => undefined)),
  // the restore's own (a backup machine has none of these, and never invokes them)
  preflight: fromPromise(() => new Promise<never>(() => undefined)),
  safety: fromOperationStream(() => NEVER),
  safetyCancel: fromPromise(() => new Promise<never>(() => undefined)),
};

/** The edges a path takes on the abstract machine (actors that never answer), and its states. */
function replay(machine: AnyStateMachine, events: readonly AnyEventObject[]): { covers: Set<string>; states: StateValue[] } {
  const model = machine.provide({ actors: inertActors });
  const recorder = new EdgeRecorder();
  recorder.track(model);
  const actor = createActor(model, { inspect: recorder.inspect }).start();
  const states = events.map((event) => {
    actor.send(event);
    return actor.getSnapshot().value as StateValue;
  });
  actor.stop();
  return { covers: recorder.covered, states };
}

/**
 * Paths that together take every transition: the shortest path (xstate/graph) to every
 * model state, extended by each event that state accepts, then a greedy set cover.
 */
export function planPaths(
  machine: AnyStateMachine,
  options: {
    events: (snapshot: ReturnType<AnyStateMachine['getInitialSnapshot']>) => ModelEvent[];
    serializeState: (snapshot: ReturnType<AnyStateMachine['getInitialSnapshot']>) => string;
  },
): { paths: ModelPath[]; candidates: ModelPath[]; total: Edge[]; plannedCoverage: Set<string> } {
  const labels = new Map<AnyEventObject, string>();
  const eventsOf = (snapshot: ReturnType<AnyStateMachine['getInitialSnapshot']>) =>
    options.events(snapshot).map(({ label, event }) => {
      labels.set(event, label);
      return event;
    });
  const shortest = getShortestPaths(machine, {
    events: eventsOf,
    serializeState: (snapshot) => options.serializeState(snapshot),
    serializeEvent: (event) => labels.get(event) ?? JSON.stringify(event),
  });

  const candidates: ModelPath[] = [];
  for (const path of shortest) {
    const prefix = path.steps.slice(1).map((step) => step.event);
    for (const next of eventsOf(path.state)) {
      const events = [...prefix, next];
      const { covers, states } = replay(machine, events);
      const steps = events.map((event, index) => ({ label: labels.get(event)!, event, state: states[index]! }));
      candidates.push({ steps, covers });
    }
  }

  const total = transitionsOf(machine);
  const uncovered = new Set(total.map((edge) => edge.id));
  const plannedCoverage = new Set<string>();
  const paths: ModelPath[] = [];
  for (;;) {
    let best: ModelPath | undefined;
    let bestGain = 0;
    for (const candidate of candidates) {
      const gain = [...candidate.covers].filter((id) => uncovered.has(id)).length;
      if (gain > bestGain || (gain === bestGain && gain > 0 && best && candidate.steps.length < best.steps.length)) {
        best = candidate;
        bestGain = gain;
      }
    }
    if (!best) break;
    paths.push(best);
    for (const id of best.covers) {
      uncovered.delete(id);
      plannedCoverage.add(id);
    }
  }
  return { paths, candidates, total, plannedCoverage };
}

/** How the real system is made to produce one abstract event. */
export interface Enactment<Env> {
  /** Starts an operation (START, RESTORE, CONFIRM, RETRY, ATTACH): faults are reset before it. */
  startsOperation?: boolean;
  /** Prepares a fault before the operation this event happens in starts. */
  arm?: (env: Env) => void | Promise<void>;
  /** Causes the event. The harness then waits for the expected state. */
  act: (env: Env) => void | Promise<void>;
}

export interface ModelEnv {
  actor: AnyActorRef;
  /** Every state value the actor was seen in, in order. */
  history: StateValue[];
  /** Back to a healthy daemon: no faults, default state. */
  heal(): void | Promise<void>;
}

/**
 * Waits until `expected` shows up in the history at or after `mark` (fast states are not
 * missed), and returns where: the next step's state must come after it.
 */
export async function reached(env: ModelEnv, mark: number, expected: StateValue, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = env.history.findIndex((value, index) => index >= mark && matchesState(expected, value));
    if (found >= 0) return found;
    if (Date.now() > deadline) {
      const error = (env.actor.getSnapshot() as { context?: { error?: unknown } }).context?.error;
      throw new Error(`expected state ${JSON.stringify(expected)}, saw ${JSON.stringify(env.history.slice(mark))} (error: ${JSON.stringify(error ?? null)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs one model path against the real system, step by step, checking every state. */
export async function executePath<Env extends ModelEnv>(
  path: ModelPath,
  env: Env,
  enactments: Record<string, Enactment<Env>>,
): Promise<void> {
  const enactmentOf = (label: string) => {
    const enactment = enactments[label];
    if (!enactment) throw new Error(`no enactment for ${label}`);
    return enactment;
  };
  // each arm runs at the last operation start before its event
  const arms = path.steps.map(() => [] as Array<(env: Env) => void | Promise<void>>);
  path.steps.forEach((step, index) => {
    const arm = enactmentOf(step.label).arm;
    if (!arm) return;
    let owner = index - 1;
    while (owner > 0 && !enactmentOf(path.steps[owner]!.label).startsOperation) owner -= 1;
    arms[Math.max(0, owner)]!.push(arm);
  });
  // a state the previous step's state led to at once (preflight -> starting) is still seen
  let mark = env.history.length;
  for (const [index, step] of path.steps.entries()) {
    const enactment = enactmentOf(step.label);
    if (enactment.startsOperation) {
      await env.heal();
      for (const arm of arms[index]!) await arm(env);
      mark = env.history.length;
    }
    await enactment.act(env);
    mark = (await reached(env, mark, step.state)) + 1;
  }
}

export function describePath(path: ModelPath): string {
  return path.steps.map((step) => `${step.label}->${typeof step.state === 'string' ? step.state : JSON.stringify(step.state)}`).join(' ');
}
