import { ENDPOINT_NAMES, type EndpointName } from '../models/index.js';
import { RequestRejection } from './request-rejection.js';

/** What a fault is aimed at: an endpoint's operation name (the seed's or a companion one), in table order. */
export const OPERATION_NAMES: readonly OperationName[] = ENDPOINT_NAMES;

export type OperationName = EndpointName;

/**
 * A misbehaviour injected for one operation. Several kinds may be combined; `times`
 * counts the requests it applies to (default: every request until cleared).
 */
export interface FaultSpec {
  operation: OperationName;
  times?: number;
  /** Wait this long before handling. */
  latencyMs?: number;
  /** Answer this status (with `body`) instead of running the operation. */
  status?: number;
  body?: string;
  /** Destroy the socket without an answer. */
  reset?: boolean;
  /** Stream N frames, then nothing (connection stays open; the operation continues). */
  stallAfterFrames?: number;
  /** Stream N frames, then destroy the connection. */
  resetAfterFrames?: number;
  /** JSON body cut in half; NDJSON: the line after the first frame is cut in half, then the end. */
  truncate?: boolean;
  /** JSON body with a wrong-typed field; streams: one frame that is not JSON. */
  malformed?: boolean;
}

const COUNT_KEYS = ['times', 'latencyMs', 'stallAfterFrames', 'resetAfterFrames'] as const;
const FLAG_KEYS = ['reset', 'truncate', 'malformed'] as const;

export function parseFaultSpec(value: unknown): FaultSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestRejection(400, 'fault must be a JSON object');
  }
  const source = value as Record<string, unknown>;
  const operation = source['operation'];
  if (typeof operation !== 'string' || !(OPERATION_NAMES as readonly string[]).includes(operation)) {
    throw new RequestRejection(400, `fault.operation must be one of ${OPERATION_NAMES.join(', ')}`);
  }
  const spec: FaultSpec = { operation: operation as OperationName };
  for (const [key, item] of Object.entries(source)) {
    if (key === 'operation') continue;
    if ((COUNT_KEYS as readonly string[]).includes(key)) {
      if (typeof item !== 'number' || !Number.isInteger(item) || item < 0) {
        throw new RequestRejection(400, `fault.${key} must be an integer >= 0`);
      }
      spec[key as (typeof COUNT_KEYS)[number]] = item;
    } else if ((FLAG_KEYS as readonly string[]).includes(key)) {
      if (typeof item !== 'boolean') throw new RequestRejection(400, `fault.${key} must be a boolean`);
      spec[key as (typeof FLAG_KEYS)[number]] = item;
    } else if (key === 'status') {
      if (typeof item !== 'number' || !Number.isInteger(item) || item < 200 || item > 599) {
        throw new RequestRejection(400, 'fault.status must be an HTTP status 200-599');
      }
      spec.status = item;
    } else if (key === 'body') {
      if (typeof item !== 'string') throw new RequestRejection(400, 'fault.body must be a string');
      spec.body = item;
    } else {
      throw new RequestRejection(400, `unknown fault field ${JSON.stringify(key)}`);
    }
  }
  return spec;
}

/** The injected faults, consumed request by request. */
export class FaultBook {
  private faults: Array<{ spec: FaultSpec; remaining: number }> = [];

  inject(spec: FaultSpec): void {
    this.faults.push({ spec: { ...spec }, remaining: spec.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault for this request of `operation`, if any; counts it against `times`. */
  take(operation: OperationName): FaultSpec | undefined {
    const entry = this.faults.find((candidate) => candidate.spec.operation === operation && candidate.remaining > 0);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== entry);
    return entry.spec;
  }

  list(): FaultSpec[] {
    return this.faults.map((entry) => ({ ...entry.spec }));
  }
}
