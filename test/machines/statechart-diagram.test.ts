import fs from 'node:fs';
import path from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { backupMachine, restoreMachine } from '../../machines/index.js';
import { embedMermaid, svgStamp, toDot, toMermaid } from '../../machines/statechart-diagram.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUN = 'run npm run diagrams';
const CHARTS: [string, AnyStateMachine][] = [
  ['backup', backupMachine],
  ['restore', restoreMachine],
];

const read = (file: string) => {
  const full = path.join(ROOT, file);
  return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : `(${file} is missing)`;
};

interface Candidate {
  target?: string;
  guard?: string | { type: string };
}
interface StateConfig {
  states?: Record<string, StateConfig>;
  on?: Record<string, Candidate | Candidate[]>;
  always?: Candidate | Candidate[];
  invoke?: { id: string; onDone?: Candidate | Candidate[]; onError?: Candidate | Candidate[] } | { id: string }[];
}

/**
 * Every transition as the definition spells it (`machine.config`, not the node tree the
 * generator walks), drawn as `source --> target : EVENT [guard]`: the root's own from
 * `<id>_every`, a targetless one to its own state, invoke outcomes as `<id> done|error`.
 */
function transitionsOf(machine: AnyStateMachine): { states: string[]; transitions: string[] } {
  const states: string[] = [];
  const transitions: string[] = [];
  const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const visit = (config: StateConfig, at: string[]) => {
    const source = at.length ? at.join('_') : `${machine.id}_every`;
    const add = (event: string, candidates: Candidate | Candidate[] | undefined) => {
      for (const { target, guard } of list(candidates)) {
        const to =
          target === undefined
            ? source
            : (target.startsWith('.') ? [...at, target.slice(1)] : [...at.slice(0, -1), target]).join('_');
        const condition = guard === undefined ? '' : `[${typeof guard === 'string' ? guard : guard.type}]`;
        transitions.push(`${source} --> ${to} : ${[event, condition].filter(Boolean).join(' ') || 'always'}`);
      }
    };
    for (const [event, candidates] of Object.entries(config.on ?? {})) {
      add(event.replace(/^xstate\.(done|error)\.actor\.(.+)$/, '$2 $1'), candidates);
    }
    for (const invoke of list(config.invoke) as { id: string; onDone?: Candidate; onError?: Candidate }[]) {
      add(`${invoke.id} done`, invoke.onDone);
      add(`${invoke.id} error`, invoke.onError);
    }
    add('', config.always);
    for (const [key, child] of Object.entries(config.states ?? {})) {
      states.push([...at, key].join('_'));
      visit(child, [...at, key]);
    }
  };
  visit(machine.config as StateConfig, []);
  return { states, transitions: transitions.sort() };
}

/** One `source --> target : label` a label line (an arrow carries its parallel transitions). */
function mermaidTransitions(mermaid: string): string[] {
  return [...mermaid.matchAll(/^\s*(\S+) --> (\S+) : (.+)$/gm)]
    .filter(([, source]) => source !== '[*]')
    .flatMap(([, source, target, labels]) => labels!.split('<br/>').map((label) => `${source} --> ${target} : ${label}`))
    .sort();
}

function dotTransitions(dot: string): string[] {
  return [...dot.matchAll(/^\s*(\w+) -> (\w+) \[label="(.*?)"/gm)]
    .flatMap(([, source, target, labels]) => labels!.split('\\n').map((label) => `${source} --> ${target} : ${label.trim()}`))
    .sort();
}

describe.each(CHARTS)('the %s statechart', (name, machine) => {
  const mermaid = toMermaid(machine);
  const dot = toDot(machine);
  const { states, transitions } = transitionsOf(machine);

  it('draws every state and every transition of the definition, labelled EVENT [guard]', () => {
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      expect(mermaid, state).toMatch(new RegExp(`^\\s*${state}( :.*)?$`, 'm'));
      expect(dot, state).toMatch(new RegExp(`^\\s*${state} \\[label=`, 'm'));
    }
    expect(mermaid).toContain(`state "in every state" as ${machine.id}_every`);
    expect(mermaidTransitions(mermaid)).toHaveLength(transitions.length);
    expect(mermaidTransitions(mermaid)).toEqual(transitions);
    expect(dotTransitions(dot)).toEqual(transitions);
  });

  it(`matches docs/statecharts/${name}.mmd and .dot (else ${RUN})`, () => {
    expect(read(`docs/statecharts/${name}.mmd`), `docs/statecharts/${name}.mmd is stale: ${RUN}`).toBe(mermaid);
    expect(read(`docs/statecharts/${name}.dot`), `docs/statecharts/${name}.dot is stale: ${RUN}`).toBe(dot);
  });

  it(`is the block between the statechart:${name} markers of README.md and machines/README.md (else ${RUN})`, () => {
    for (const file of ['README.md', 'machines/README.md']) {
      const text = read(file);
      expect(text, `${file} has no <!-- statechart:${name} --> block`).toContain(`<!-- statechart:${name} -->`);
      expect(text, `the ${name} chart in ${file} is stale: ${RUN}`).toBe(embedMermaid(text, name, mermaid));
    }
  });

  it(`has docs/statecharts/${name}.svg rendered from the current DOT (else ${RUN} with Graphviz)`, () => {
    const svg = read(`docs/statecharts/${name}.svg`);
    expect(
      svg.includes(svgStamp(dot)),
      `docs/statecharts/${name}.svg was rendered from another DOT: ${RUN} where Graphviz's dot is installed (apt-get install graphviz)`,
    ).toBe(true);
  });
});
