import os from 'node:os';
import { parseOrigin } from './cors.js';
import { RequestRejection } from './request-rejection.js';

/** Outside the range Pieces OS uses (39300-39333, 1000), so the two never collide. */
export const DEFAULT_PORT = 39399;

export interface EmulatorOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Default 39399; 0 picks a free port. */
  port?: number;
  /** Where the cloud and the local database live. Default: a fresh temp dir, removed on close. */
  dataDir?: string;
  /** Put sample assets in an empty local database on start. Default true. */
  seed?: boolean;
  /** Transfer speed of creations and restorations. Default 262_144. */
  rateBytesPerSecond?: number;
  /** Progress cadence in ms. Default 50. */
  tickMs?: number;
  /**
   * Progress frames per transfer: report at this many evenly spaced points of the bytes
   * instead of once a tick (the bench floods the streams with frames this way). Default:
   * once a tick.
   */
  progressFrames?: number;
  /** Roll-back time after an accepted cancel. Default 100. */
  cancelDelayMs?: number;
  signedIn?: boolean;
  cloudConnected?: boolean;
  osUpToDate?: boolean;
  /** The OS version reported by health and stamped on backups. Default `9.0.0`. */
  version?: string;
  deviceName?: string;
  platform?: string;
  /** Request body cap. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Browser origins trusted cross-origin (CORS answers, preflight, WebSocket upgrades), e.g.
   * `https://app.example`. Each must be `scheme://host[:port]` (http or https); anything else
   * throws a RangeError.
   */
  allowedOrigins?: string[];
  /** Also trust every http(s) origin on a loopback host, any port. Default true. */
  allowLoopbackOrigins?: boolean;
}

/** What `/__emulator/state` reads and writes; changes apply at once, also to running operations. */
export interface EmulatorState {
  signedIn: boolean;
  cloudConnected: boolean;
  osUpToDate: boolean;
  version: string;
  rateBytesPerSecond: number;
  cancelDelayMs: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  dataDir: string | undefined;
  seed: boolean;
  tickMs: number;
  progressFrames: number | undefined;
  deviceName: string;
  platform: string;
  maxBodyBytes: number;
  /** Normalized as browsers send them. */
  allowedOrigins: string[];
  allowLoopbackOrigins: boolean;
  initialState: EmulatorState;
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const state = validateStatePatch({
    signedIn: options.signedIn ?? true,
    cloudConnected: options.cloudConnected ?? true,
    osUpToDate: options.osUpToDate ?? true,
    version: options.version ?? '9.0.0',
    rateBytesPerSecond: options.rateBytesPerSecond ?? 262_144,
    cancelDelayMs: options.cancelDelayMs ?? 100,
  }) as EmulatorState;
  const tickMs = options.tickMs ?? 50;
  if (!(Number.isFinite(tickMs) && tickMs >= 1)) throw new RangeError(`tickMs must be >= 1, got ${tickMs}`);
  const progressFrames = options.progressFrames;
  if (progressFrames !== undefined && !(Number.isInteger(progressFrames) && progressFrames >= 1)) {
    throw new RangeError(`progressFrames must be an integer >= 1, got ${progressFrames}`);
  }
  const allowLoopbackOrigins = options.allowLoopbackOrigins ?? true;
  if (typeof allowLoopbackOrigins !== 'boolean') throw new RangeError('allowLoopbackOrigins must be a boolean');
  const port = options.port ?? DEFAULT_PORT;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new RangeError(`invalid port ${port}`);
  return {
    host: options.host ?? '127.0.0.1',
    port,
    dataDir: options.dataDir,
    seed: options.seed ?? true,
    tickMs,
    progressFrames,
    deviceName: options.deviceName ?? os.hostname(),
    platform: options.platform ?? 'LINUX',
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    allowedOrigins: resolveOrigins(options.allowedOrigins ?? []),
    allowLoopbackOrigins,
    initialState: state,
  };
}

function resolveOrigins(origins: unknown): string[] {
  if (!Array.isArray(origins)) throw new RangeError('allowedOrigins must be an array of origins');
  return origins.map((origin: unknown, index) => {
    try {
      return parseOrigin(origin as string);
    } catch (error) {
      throw new RangeError(`allowedOrigins[${index}]: ${(error as Error).message}`);
    }
  });
}

const BOOLEAN_KEYS = ['signedIn', 'cloudConnected', 'osUpToDate'] as const;

/** Checks a state patch from the admin surface; unknown keys and wrong types are a 400. */
export function validateStatePatch(value: unknown): Partial<EmulatorState> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestRejection(400, 'state patch must be a JSON object');
  }
  const patch: Partial<EmulatorState> = {};
  for (const [key, item] of Object.entries(value)) {
    if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (typeof item !== 'boolean') throw new RequestRejection(400, `state.${key} must be a boolean`);
      patch[key as (typeof BOOLEAN_KEYS)[number]] = item;
    } else if (key === 'version') {
      if (typeof item !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/.test(item)) {
        throw new RequestRejection(400, 'state.version must be a version string like 9.0.0');
      }
      patch.version = item;
    } else if (key === 'rateBytesPerSecond') {
      if (typeof item !== 'number' || !Number.isFinite(item) || item <= 0) {
        throw new RequestRejection(400, 'state.rateBytesPerSecond must be a positive number');
      }
      patch.rateBytesPerSecond = item;
    } else if (key === 'cancelDelayMs') {
      if (typeof item !== 'number' || !Number.isFinite(item) || item < 0) {
        throw new RequestRejection(400, 'state.cancelDelayMs must be a number >= 0');
      }
      patch.cancelDelayMs = item;
    } else {
      throw new RequestRejection(400, `unknown state field ${JSON.stringify(key)}`);
    }
  }
  return patch;
}
