import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './pack.js';

// The markdown a user reads on npm (issue #19): every ```ts / ```tsx block type-checks against
// the package's types, and every relative link points at a file that ships.

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, unknown> };

/** Whether `file` (relative to the root, posix) is in the tarball by package.json `files`. */
const ships = (file: string) =>
  file === 'package.json' || manifest.files.some((entry) => file === entry || file.startsWith(`${entry.replace(/\/$/, '')}/`));

function walk(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    return entry.isDirectory() ? walk(file) : [file];
  });
}

/** The shipped markdown files (dist/ is built and holds none). */
const SHIPPED_DOCS = manifest.files
  .filter((entry) => entry !== 'dist')
  .flatMap((entry) => (fs.statSync(path.join(ROOT, entry)).isDirectory() ? walk(entry) : [entry]))
  .filter((file) => file.endsWith('.md'));

interface Snippet {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: 'ts' | 'tsx';
  code: string;
}

const NOT_CHECKED = /^<!--\s*not-checked:\s*\S.*-->$/;

/** The ```ts and ```tsx blocks of a markdown file, less those marked `<!-- not-checked: why -->` just before. */
function snippetsOf(doc: string, text: string): { checked: Snippet[]; skipped: Snippet[] } {
  const lines = text.split('\n');
  const checked: Snippet[] = [];
  const skipped: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(ts|tsx)\s*$/.exec(lines[index]!);
    if (!open) continue;
    const end = lines.indexOf('```', index + 1);
    if (end < 0) throw new Error(`${doc}:${index + 1}: unclosed code block`);
    const before = lines.slice(0, index).reverse().find((line) => line.trim() !== '') ?? '';
    const snippet: Snippet = { doc, line: index + 1, lang: open[1] as 'ts' | 'tsx', code: lines.slice(index + 1, end).join('\n') };
    (NOT_CHECKED.test(before.trim()) ? skipped : checked).push(snippet);
    index = end;
  }
  return { checked, skipped };
}

// `pieces-backup` and each subpath, mapped to its source entry (the package's types are built
// from them, and test/package/public-api.test-d.ts holds the built ones to the same surface)
const ENTRY_SOURCES: Record<string, string> = {
  '.': 'src/index.ts',
  './emulator': 'src/emulator/index.ts',
  './testing': 'src/testing/index.ts',
  './react': 'src/adapters/react/index.ts',
  './vue': 'src/adapters/vue/index.ts',
  './svelte': 'src/adapters/svelte/index.ts',
  './solid': 'src/adapters/solid/index.ts',
  './angular': 'src/adapters/angular/index.ts',
  './element': 'src/adapters/element/index.ts',
};

const ALL = SHIPPED_DOCS.map((doc) => snippetsOf(doc, fs.readFileSync(path.join(ROOT, doc), 'utf8')));

describe('the shipped markdown', () => {
  it('is README.md, docs/*.md, machines/README.md and src/emulator/README.md', () => {
    expect(SHIPPED_DOCS).toEqual(expect.arrayContaining(['README.md', 'docs/protocol.md', 'machines/README.md', 'src/emulator/README.md']));
  });

  it('maps every subpath export to a source entry', () => {
    expect(Object.keys(ENTRY_SOURCES).sort()).toEqual(Object.keys(manifest.exports).filter((key) => key !== './package.json').sort());
  });

  it("README's code, \"Use\" and the page of \"In a UI\" included, is checked, not skipped", () => {
    const readme = ALL[SHIPPED_DOCS.indexOf('README.md')]!;
    expect(readme.checked.length).toBeGreaterThanOrEqual(8);
    expect(readme.checked.some((snippet) => snippet.lang === 'tsx' && snippet.code.includes('useBackups'))).toBe(true);
    expect(readme.checked.some((snippet) => snippet.code.includes("createLifecycle(client, 'restoration')"))).toBe(true);
  });

  it('every ```ts and ```tsx block type-checks against the package (strict)', () => {
    // not .build-test/, which build.test.ts's tsup cleans
    const dir = path.join(ROOT, 'test-artifacts', 'readme-snippets');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const origin = new Map<string, Snippet>();
    for (const snippet of ALL.flatMap((doc) => doc.checked)) {
      const name = `${snippet.doc.replace(/[/.]/g, '_')}_${snippet.line}.${snippet.lang}`;
      // a module of its own: top-level await, no clash between snippets' names
      fs.writeFileSync(path.join(dir, name), `${snippet.code}\nexport {};\n`);
      origin.set(name, snippet);
    }
    const paths = Object.fromEntries(
      Object.entries(ENTRY_SOURCES).map(([subpath, source]) => [path.posix.join('pieces-backup', subpath), [path.join(ROOT, source)]]),
    );
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: ['node', 'react', 'react-dom'],
        jsx: 'react-jsx',
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        esModuleInterop: true,
        isolatedModules: true,
        noEmit: true,
        paths,
      },
      files: [...origin.keys()],
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    let output = '';
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--pretty', 'false'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout ?? error);
    }
    // each error as `doc:line: message`, at the line of the markdown file
    const errors = output
      .split('\n')
      .filter((line) => line.includes('error TS'))
      .map((line) => {
        const match = /^(.+?)\((\d+),\d+\): (error TS.*)$/.exec(line);
        const snippet = match && origin.get(path.basename(match[1]!));
        return snippet ? `${snippet.doc}:${snippet.line + Number(match[2])}: ${match[3]}` : line;
      });
    expect(errors).toEqual([]);
    expect(origin.size).toBeGreaterThan(0);
  }, 120_000);
});

/** `[text](target)` and `![alt](target)` links, and `<a href="target">`, with their lines. */
function linksOf(text: string): Array<{ target: string; line: number }> {
  const links: Array<{ target: string; line: number }> = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ target: target!, line: index + 1 });
    for (const [, target] of line.matchAll(/href="([^"]+)"/g)) links.push({ target: target!, line: index + 1 });
  });
  return links;
}

describe('links of the shipped markdown', () => {
  it.each(SHIPPED_DOCS)('%s: every relative link points at a file the package ships', (doc) => {
    const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');
    const broken = linksOf(text)
      .filter(({ target }) => !/^[a-z][a-z+.-]*:/i.test(target) && !target.startsWith('#'))
      .filter(({ target }) => {
        const file = path.posix.normalize(path.posix.join(path.posix.dirname(doc), decodeURI(target.split('#')[0]!)));
        return !ships(file) || !fs.existsSync(path.join(ROOT, file));
      })
      .map(({ target, line }) => `${doc}:${line}: ${target}`);
    expect(broken).toEqual([]);
  });

  it('the checker sees a link that does not ship', () => {
    expect(linksOf('see [the core](src/core/README.md) and [x](https://example.com)').map((link) => link.target)).toEqual([
      'src/core/README.md',
      'https://example.com',
    ]);
    expect(ships('src/core/README.md')).toBe(false);
    expect(ships('docs/protocol.md')).toBe(true);
  });

  it('src/emulator/README.md speaks of the package, not of the repository', () => {
    const text = fs.readFileSync(path.join(ROOT, 'src/emulator/README.md'), 'utf8');
    expect(text).not.toMatch(/(?<![\w/.])(\.\/)?(src|test)\/[\w/.-]+/);
  });
});
