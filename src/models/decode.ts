/**
 * Tight hand-written decoders for the wire models. No validator library: the models are
 * small, the errors must name the exact field (`iterable[2].created.value`), and the
 * browser bundle should not carry a schema engine for nine endpoints.
 */

/** Raised by a decoder; the transport wraps it in a `ProtocolError`. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError' as const;
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly actual: unknown,
  ) {
    super(`${path || '(root)'}: expected ${expected}, got ${describe(actual)}`);
  }
}

export type Decoder<T> = (value: unknown, path: string) => T;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return typeof value;
}

export function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

export function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DecodeError(path, 'object', value);
  }
  return value as Record<string, unknown>;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new DecodeError(path, 'string', value);
  return value;
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new DecodeError(path, 'boolean', value);
  return value;
}

export function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DecodeError(path, 'number', value);
  return value;
}

// the last valid date-time: every frame of a stream repeats its backup's timestamps, and
// Date.parse was a tenth of the client's time per frame
let lastValidDateTime = '';

export function isoDateTime(value: unknown, path: string): string {
  const text = string(value, path);
  if (text === lastValidDateTime) return text;
  if (Number.isNaN(Date.parse(text))) throw new DecodeError(path, 'ISO-8601 date-time', value);
  lastValidDateTime = text;
  return text;
}

/** `undefined` and absent stay absent; `null` is kept only where the model allows it. */
export function optional<T>(decoder: Decoder<T>): Decoder<T | undefined> {
  return (value, path) => (value === undefined || value === null ? undefined : decoder(value, path));
}

export function nullable<T>(decoder: Decoder<T>): Decoder<T | null | undefined> {
  return (value, path) => (value === undefined ? undefined : value === null ? null : decoder(value, path));
}

export function array<T>(decoder: Decoder<T>): Decoder<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new DecodeError(path, 'array', value);
    return value.map((item, index) => decoder(item, join(path, index)));
  };
}

/**
 * An enum that keeps values it does not know: servers add values before clients learn
 * them, and a status we cannot name must still reach the UI instead of crashing it.
 */
export function openEnum<T extends string>(_known: readonly T[]): Decoder<T | (string & {})> {
  return (value, path) => string(value, path);
}

export function field<T>(source: Record<string, unknown>, key: string, path: string, decoder: Decoder<T>): T {
  return decoder(source[key], join(path, key));
}

/** Run a decoder on a whole body, `path` starting at the root. */
export function decode<T>(decoder: Decoder<T>, value: unknown): T {
  return decoder(value, '');
}
