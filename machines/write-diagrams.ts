/**
 * `npm run diagrams`: the statecharts of the lifecycle machines, generated from their
 * definitions. Writes docs/statecharts/<name>.mmd and .dot, the Mermaid blocks between the
 * `<!-- statechart:<name> -->` markers of README.md and machines/README.md, and, when
 * Graphviz's `dot` is on the PATH, docs/statecharts/<name>.svg.
 * test/machines/statechart-diagram.test.ts fails when any of them no longer matches.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { backupMachine, restoreMachine } from './index.js';
import { embedMermaid, svgStamp, toDot, toMermaid } from './statechart-diagram.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CHARTS: Record<string, AnyStateMachine> = { backup: backupMachine, restore: restoreMachine };
const EMBEDDED_IN = ['README.md', 'machines/README.md'];

const relative = (file: string) => path.relative(ROOT, file);

function write(file: string, text: string): void {
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  if (before === text) return console.log(`unchanged ${relative(file)}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`wrote     ${relative(file)}`);
}

// note: the SVG carries the DOT's stamp, so the test can tell a stale image without Graphviz
function renderSvg(dot: string): string | null {
  const result = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return null;
  if (result.status !== 0) throw new Error(`dot -Tsvg failed: ${result.stderr || result.error?.message}`);
  return result.stdout.replace('<svg ', `${svgStamp(dot)}\n<svg `);
}

const outDir = path.join(ROOT, 'docs', 'statecharts');
const mermaid = new Map<string, string>();
const staleSvgs: string[] = [];
for (const [name, machine] of Object.entries(CHARTS)) {
  const dot = toDot(machine);
  mermaid.set(name, toMermaid(machine));
  write(path.join(outDir, `${name}.mmd`), mermaid.get(name)!);
  write(path.join(outDir, `${name}.dot`), dot);
  // rendered only when the DOT changed: another Graphviz version would redraw it for nothing
  const svgFile = path.join(outDir, `${name}.svg`);
  if (fs.existsSync(svgFile) && fs.readFileSync(svgFile, 'utf8').includes(svgStamp(dot))) {
    console.log(`unchanged ${relative(svgFile)}`);
    continue;
  }
  const svg = renderSvg(dot);
  if (svg === null) staleSvgs.push(relative(svgFile));
  else write(svgFile, svg);
}

for (const file of EMBEDDED_IN.map((name) => path.join(ROOT, name))) {
  let text = fs.readFileSync(file, 'utf8');
  for (const [name, chart] of mermaid) text = embedMermaid(text, name, chart);
  write(file, text);
}

if (staleSvgs.length > 0) {
  console.warn(
    `skipped   ${staleSvgs.join(', ')}: Graphviz \`dot\` is not on the PATH (Debian: apt-get install graphviz).\n` +
      '          These images lag their machines (the statechart test says so): run npm run diagrams where dot is installed.',
  );
}
