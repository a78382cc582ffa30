import { createHash } from 'node:crypto';
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * The transitions from one state to one target, of one kind, drawn as one arrow with a
 * label line per transition (`EVENT [guard]`). Transitions are `on` (the root's too),
 * invoke `onDone` / `onError` and `always` candidates, in definition order. A targetless
 * one (actions only) loops on its state; the root's own start from an "in every state"
 * marker; one with several targets is drawn once per target.
 */
interface Arrow {
  source: AnyStateNode;
  target: AnyStateNode;
  eventless: boolean;
  targetless: boolean;
  labels: string[];
}

interface Chart {
  root: AnyStateNode;
  arrows: Arrow[];
  /** Pre-order position of every state: what "back to an earlier state" means. */
  order: Map<AnyStateNode, number>;
  id: (node: AnyStateNode) => string;
  /** The id of the "in every state" marker, when the root has transitions of its own. */
  every: string | null;
}

const states = (node: AnyStateNode): AnyStateNode[] => Object.values(node.states);
const isCompound = (node: AnyStateNode) => node.type === 'compound' || node.type === 'parallel';
const invokesOf = (node: AnyStateNode): string[] => node.invoke.map((invoke) => `invoke ${invoke.id}`);

/** `xstate.error.actor.progress` -> `progress error`, `xstate.after.500.x` -> `after 500`. */
function eventLabel(type: string): string {
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) return `${actor[2]} ${actor[1]}`;
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return `after ${after[1]}`;
  if (type.startsWith('xstate.done.state.')) return 'done';
  return type;
}

// Named guards by name, `{ type }` by type, `and` / `or` / `not` spelled out.
function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const parts = (guard as { guards?: unknown[] }).guards;
    if (!parts) return guard.name || 'guard';
    const operand = (part: unknown) => {
      const text = guardLabel(part);
      return /\s/.test(text) ? `(${text})` : text;
    };
    if (guard.name === 'not') return `!${operand(parts[0])}`;
    return parts.map(operand).join(guard.name === 'and' ? ' && ' : ' || ');
  }
  if (guard && typeof guard === 'object' && 'type' in guard) return String(guard.type);
  return 'guard';
}

function transitionLabel(eventType: string | null, guard: unknown): string {
  const condition = guard === undefined ? null : `[${guardLabel(guard)}]`;
  if (eventType === null) return condition ?? 'always';
  return condition ? `${eventLabel(eventType)} ${condition}` : eventLabel(eventType);
}

// The walk the model tests count by: `node.transitions` holds `on`, `onDone` and `onError`.
function chartOf(machine: AnyStateMachine): Chart {
  const root = machine.root;
  const order = new Map<AnyStateNode, number>();
  const ids = new Map<AnyStateNode, string>();
  const taken = new Set<string>();
  const fresh = (base: string) => {
    let id = /^[A-Za-z]/.test(base) ? base : `s_${base}`;
    while (taken.has(id)) id = `${id}_`;
    taken.add(id);
    return id;
  };
  const arrows = new Map<string, Arrow>();
  const add = (source: AnyStateNode, def: AnyTransitionDefinition, eventless: boolean) => {
    const label = transitionLabel(eventless ? null : def.eventType, def.guard);
    const targetless = !def.target?.length;
    for (const target of targetless ? [source] : (def.target as AnyStateNode[])) {
      const key = JSON.stringify([source.id, target.id, eventless, targetless]);
      const arrow = arrows.get(key);
      if (arrow) arrow.labels.push(label);
      else arrows.set(key, { source, target, eventless, targetless, labels: [label] });
    }
  };
  const visit = (node: AnyStateNode) => {
    order.set(node, order.size);
    ids.set(node, fresh((node.path.length ? node.path.join('_') : machine.id).replace(/\W/g, '_')));
    for (const defs of node.transitions.values()) for (const def of defs) add(node, def, false);
    for (const def of node.always ?? []) add(node, def, true);
    states(node).forEach(visit);
  };
  visit(root);
  const rootHasTransitions = [...arrows.values()].some((arrow) => arrow.source === root);
  // note: by source, then by target in definition order: both layouts break cycles by a
  // depth-first walk in edge order, so this keeps states in their definition's order
  const rank = (node: AnyStateNode) => order.get(node)!;
  const sorted = [...arrows.values()].sort(
    (a, b) => rank(a.source) - rank(b.source) || rank(a.target) - rank(b.target),
  );
  return {
    root,
    arrows: sorted,
    order,
    id: (node) => ids.get(node)!,
    every: rootHasTransitions ? fresh(`${ids.get(root)}_every`) : null,
  };
}

const generatedNote = (machine: AnyStateMachine) =>
  `${machine.id}: generated from the machine definition by \`npm run diagrams\`; do not edit`;

/** The innermost compound state whose drawing holds an arrow (a loop on a compound state sits outside it). */
function containerOf(chart: Chart, arrow: Arrow): AnyStateNode | null {
  if (arrow.source === chart.root) return null;
  const line = (node: AnyStateNode) => {
    const nodes = [node];
    for (let parent = node.parent; parent; parent = parent.parent) nodes.push(parent);
    return nodes;
  };
  const sourceLine = line(arrow.source);
  const common = line(arrow.target).find((node) => sourceLine.includes(node))!;
  const container = common === arrow.source || common === arrow.target ? common.parent : common;
  return container === chart.root ? null : (container ?? null);
}

/**
 * Mermaid `stateDiagram-v2` text of a machine: every state (with what it invokes) and every
 * transition, labelled `EVENT [guard]` (eventless ones `[guard]`), one label line each.
 * Compound states nest; the root's own transitions loop on a dashed "in every state".
 *
 * @example
 * ```ts
 * fs.writeFileSync('docs/statecharts/backup.mmd', toMermaid(backupMachine));
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  const chart = chartOf(machine);
  const { id, every } = chart;
  const end = (node: AnyStateNode) => (node === chart.root ? every! : id(node));
  const lines = ['---', `title: ${machine.id}`, '---', 'stateDiagram-v2', `  %% ${generatedNote(machine)}`];
  if (every) {
    lines.push(
      '  classDef everyState fill:none,stroke-dasharray:4 3',
      `  state "in every state" as ${every}`,
      `  class ${every} everyState`,
    );
  }
  const arrowLines = (container: AnyStateNode | null, indent: string) =>
    chart.arrows
      .filter((arrow) => containerOf(chart, arrow) === container)
      .map((arrow) => `${indent}${end(arrow.source)} --> ${end(arrow.target)} : ${arrow.labels.join('<br/>')}`);

  const body = (node: AnyStateNode, indent: string) => {
    if (node.type === 'parallel') {
      states(node).forEach((child, index) => {
        if (index > 0) lines.push(`${indent}--`);
        draw(child, indent);
      });
    } else {
      for (const target of node.initial?.target ?? []) lines.push(`${indent}[*] --> ${id(target)}`);
      states(node).forEach((child) => draw(child, indent));
    }
    lines.push(...arrowLines(node === chart.root ? null : node, indent));
  };
  const draw = (node: AnyStateNode, indent: string) => {
    const invokes = invokesOf(node);
    if (isCompound(node)) {
      // a compound state takes no description lines: what it invokes goes in its title
      const title = invokes.length ? `${node.key} (${invokes.join(', ')})` : node.key;
      lines.push(`${indent}state ${title === id(node) ? '' : `"${title}" as `}${id(node)} {`);
      body(node, `${indent}  `);
      lines.push(`${indent}}`);
    } else if (invokes.length > 0) {
      // note: a state with one description shows only that text, so the name comes first
      lines.push(...[node.key, ...invokes].map((text) => `${indent}${id(node)} : ${text}`));
    } else {
      lines.push(`${indent}${node.key === id(node) ? '' : `state "${node.key}" as `}${id(node)}`);
    }
    if (node.type === 'final') lines.push(`${indent}${id(node)} --> [*]`);
  };
  body(chart.root, '  ');
  return `${lines.join('\n')}\n`;
}

const INK = '#2d3748';
const GREY = '#8a94a6';
const GREY_TEXT = '#5a6577';
const LOOP = '#6b8fc2';
const LOOP_TEXT = '#4a6a99';
const LEGEND =
  'solid: on an event    dashed: eventless (always), when its guard holds    ' +
  'grey: back to an earlier state    blue loop: handled, the state stays';

const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const quote = (text: string) => `"${escape(text)}"`;

/**
 * Graphviz DOT of the same chart as `toMermaid`, laid out left to right for `dot -Tsvg`.
 * Compound states are clusters; arrows back to an earlier state are lighter, so the
 * forward flow reads first.
 *
 * @example
 * ```ts
 * execFileSync('dot', ['-Tsvg'], { input: toDot(restoreMachine) });
 * ```
 */
export function toDot(machine: AnyStateMachine): string {
  const chart = chartOf(machine);
  const { id, every, order } = chart;
  // Graphviz draws edges between nodes: a compound state is entered at its initial state
  // and left from an invisible anchor, with lhead / ltail naming its cluster.
  const anchor = (node: AnyStateNode) => (node === chart.root ? every! : `${id(node)}__anchor`);
  const entryOf = (node: AnyStateNode): AnyStateNode =>
    isCompound(node) ? entryOf(node.initial?.target[0] ?? states(node)[0] ?? node) : node;

  const lines = [
    `digraph ${id(chart.root)} {`,
    `  comment=${quote(generatedNote(machine))};`,
    '  graph [rankdir=LR, compound=true, newrank=true, nodesep=0.35, ranksep=0.9, pad=0.2];',
    `  graph [fontname="Helvetica", fontsize=10, fontcolor="${GREY_TEXT}", labelloc=b, label=${quote(LEGEND)}];`,
    '  node [shape=box, style="rounded,filled", fillcolor="#f4f6fa", color="#4a5568", fontname="Helvetica", fontsize=12, margin="0.18,0.06"];',
    `  edge [fontname="Helvetica", fontsize=10, color="${INK}", arrowsize=0.7];`,
  ];
  if (every) lines.push(`  ${every} [shape=plain, style="", label="in every state", fontsize=10, fontcolor="${GREY_TEXT}"];`);
  const draw = (node: AnyStateNode, indent: string) => {
    if (!isCompound(node)) {
      const invokes = invokesOf(node);
      const label = invokes.length
        ? `<${node.key}<br/><font point-size="9" color="#4a5568">${invokes.join('<br/>')}</font>>`
        : quote(node.key);
      lines.push(`${indent}${id(node)} [label=${label}${node.type === 'final' ? ', peripheries=2' : ''}];`);
      return;
    }
    const nested = node !== chart.root;
    const inner = nested ? `${indent}  ` : indent;
    if (nested) {
      const invokes = invokesOf(node).map((text) => `\\n${escape(text)}`).join('');
      lines.push(`${indent}subgraph cluster_${id(node)} {`, `${inner}label="${escape(node.key)}${invokes}"; labelloc=t; style=rounded;`);
      if (chart.arrows.some((arrow) => arrow.source === node)) lines.push(`${inner}${anchor(node)} [shape=point, width=0.06, color="${INK}"];`);
    }
    if (node.type !== 'parallel' && node.initial?.target.length) {
      lines.push(`${inner}${id(node)}__initial [shape=point, width=0.14, label="", color="#1a202c", fillcolor="#1a202c"];`);
    }
    states(node).forEach((child) => draw(child, inner));
    if (nested) lines.push(`${indent}}`);
  };
  draw(chart.root, '  ');

  const initials = (node: AnyStateNode) => {
    if (isCompound(node) && node.type !== 'parallel') {
      for (const target of node.initial?.target ?? []) {
        const head = isCompound(target) ? `, lhead=cluster_${id(target)}` : '';
        lines.push(`  ${id(node)}__initial -> ${id(entryOf(target))} [arrowsize=0.6${head}];`);
      }
    }
    states(node).forEach(initials);
  };
  initials(chart.root);

  for (const arrow of chart.arrows) {
    const compoundSource = isCompound(arrow.source);
    const tail = compoundSource ? anchor(arrow.source) : id(arrow.source);
    const head = arrow.targetless && compoundSource ? tail : id(entryOf(arrow.target));
    // one line a transition: `\n` is DOT's line break inside a quoted label
    const attributes = [`label="${arrow.labels.map((label) => ` ${escape(label)} `).join('\\n')}"`];
    if (compoundSource && arrow.source !== chart.root && !arrow.targetless) attributes.push(`ltail=cluster_${id(arrow.source)}`);
    if (isCompound(arrow.target) && !arrow.targetless) attributes.push(`lhead=cluster_${id(arrow.target)}`);
    if (arrow.eventless) attributes.push('style=dashed');
    if (arrow.targetless) attributes.push(`color="${LOOP}"`, `fontcolor="${LOOP_TEXT}"`);
    else if (order.get(arrow.target)! < order.get(arrow.source)!) attributes.push(`color="${GREY}"`, `fontcolor="${GREY_TEXT}"`);
    lines.push(`  ${tail} -> ${head} [${attributes.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * Replaces the Mermaid block between `<!-- statechart:NAME -->` and
 * `<!-- /statechart:NAME -->` in a Markdown text; the markers must be there.
 */
export function embedMermaid(markdown: string, name: string, mermaid: string): string {
  const open = `<!-- statechart:${name} -->`;
  const close = `<!-- /statechart:${name} -->`;
  const start = markdown.indexOf(open);
  const end = markdown.indexOf(close, start);
  if (start < 0 || end < 0) throw new Error(`no ${open} ... ${close} markers`);
  return `${markdown.slice(0, start)}${open}\n\`\`\`mermaid\n${mermaid}\`\`\`\n${markdown.slice(end)}`;
}

/**
 * The comment `npm run diagrams` puts in an SVG it renders from DOT: the SVG is current
 * exactly when it carries the stamp of the current DOT (checked without Graphviz).
 */
export function svgStamp(dot: string): string {
  return `<!-- rendered from DOT sha256:${createHash('sha256').update(dot).digest('hex')} -->`;
}
