import { createHash } from 'node:crypto';
import type { Asset } from '../models/index.js';

const LANGUAGES = [
  { ext: 'ts', name: 'TypeScript' },
  { ext: 'py', name: 'Python' },
  { ext: 'rs', name: 'Rust' },
  { ext: 'go', name: 'Go' },
  { ext: 'sql', name: 'SQL' },
  { ext: 'sh', name: 'Shell' },
] as const;

const WORDS = [
  'fetch', 'parse', 'retry', 'backoff', 'stream', 'cursor', 'buffer', 'token', 'cache', 'index',
  'merge', 'split', 'render', 'query', 'commit', 'rollback', 'snapshot', 'restore', 'digest', 'frame',
  'socket', 'timer', 'queue', 'batch', 'window', 'offset', 'limit', 'schema', 'record', 'field',
];

/** A deterministic id shaped like the UUIDs Pieces OS uses. */
function uuidFor(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Small LCG: the same sample data on every machine, without Math.random. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function snippet(index: number, language: string): string {
  const next = generator(index + 7);
  const pick = () => WORDS[Math.floor(next() * WORDS.length)]!;
  const lines: string[] = [`// sample ${index}: ${language}`];
  while (lines.join('\n').length < 2_000) {
    lines.push(`function ${pick()}_${pick()}_${index}(${pick()}, ${pick()}) { return ${pick()}(${Math.floor(next() * 10_000)}); }`);
  }
  return lines.join('\n');
}

/** One valid `Asset` (required fields plus a code format), identical for the same index. */
export function sampleAsset(index: number): Asset {
  const language = LANGUAGES[index % LANGUAGES.length]!;
  const id = uuidFor(`asset-${index}`);
  const formatId = uuidFor(`format-${index}`);
  const created = new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString();
  return {
    id,
    name: `${language.name} sample ${index + 1}`,
    creator: uuidFor('sample-creator'),
    created: { value: created, readable: created.slice(0, 10) },
    updated: { value: created, readable: created.slice(0, 10) },
    formats: {
      iterable: [
        {
          id: formatId,
          classification: { generic: 'CODE', specific: language.ext },
          fragment: { string: { raw: snippet(index, language.name) } },
        },
      ],
    },
    preview: { base: { id: formatId } },
    original: { id: formatId },
    mechanism: 'MANUAL',
  };
}

/** About 120 code snippets: a local database of roughly 400 KiB, big enough to watch transfer. */
export function sampleAssets(count = 120): Asset[] {
  return Array.from({ length: count }, (_, index) => sampleAsset(index));
}
