import { decodeSchema, type EmbeddedModelSchema } from './backup.js';
import { array, field, optional, record, string, type Decoder } from './decode.js';
import type { MechanismValue } from './enums.js';

/**
 * The large `Asset` model, reduced to its required fields. Everything else an asset
 * carries is kept verbatim (the index signature), so assets round-trip through the
 * library and the emulator without losing fields either does not understand.
 */
export interface Asset {
  schema?: EmbeddedModelSchema;
  id: string;
  creator: string;
  created: { value: string; readable?: string; [key: string]: unknown };
  updated: { value: string; readable?: string; [key: string]: unknown };
  formats: { iterable: Array<Record<string, unknown>>; [key: string]: unknown };
  preview: { base: { id: string; reference?: unknown }; overlay?: unknown; [key: string]: unknown };
  original: { id: string; reference?: unknown; [key: string]: unknown };
  mechanism: MechanismValue;
  [key: string]: unknown;
}

export interface Assets {
  schema?: EmbeddedModelSchema;
  iterable: Asset[];
  indices?: Record<string, number>;
  score?: unknown;
}

const decodeTimestamp = (value: unknown, path: string) => {
  const source = record(value, path);
  return { ...source, value: field(source, 'value', path, string) };
};

const decodeReferenced = (value: unknown, path: string) => {
  const source = record(value, path);
  return { ...source, id: field(source, 'id', path, string) };
};

/** Checks the required fields and keeps every other field as it came. */
export const decodeAsset: Decoder<Asset> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  const formats = field(source, 'formats', path, record);
  const preview = field(source, 'preview', path, record);
  return {
    ...source,
    ...(schema && { schema }),
    id: field(source, 'id', path, string),
    creator: field(source, 'creator', path, string),
    created: field(source, 'created', path, decodeTimestamp),
    updated: field(source, 'updated', path, decodeTimestamp),
    formats: { ...formats, iterable: field(formats, 'iterable', `${path ? `${path}.` : ''}formats`, array(record)) },
    preview: { ...preview, base: field(preview, 'base', `${path ? `${path}.` : ''}preview`, decodeReferenced) },
    original: field(source, 'original', path, decodeReferenced),
    mechanism: field(source, 'mechanism', path, string),
  };
};

export const decodeAssets: Decoder<Assets> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  return {
    ...source,
    ...(schema && { schema }),
    iterable: field(source, 'iterable', path, array(decodeAsset)),
  };
};
