import os from 'node:os';
import { BACKUP_FEATURE_VALUES, isBackupFeature, type BackupFeature } from '../models/index.js';
import { parseOrigin } from './cors.js';
import { RequestRejection } from './request-rejection.js';

/** Outside the range Pieces OS uses (39300-39333, 1000), so the two never collide. */
export const DEFAULT_PORT = 39399;

export interface EmulatorOptions extends EmulatorStatePatch {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Default 39399; 0 picks a free port. */
  port?: number;
  /** Where the cloud and the local database live. Default: a fresh temp dir, removed on close. */
  dataDir?: string;
  /** Put sample assets in an empty local database on start. Default true. */
  seed?: boolean;
  /** Progress cadence in ms. Default 50. */
  tickMs?: number;
  /**
   * Progress frames per transfer: report at this many evenly spaced points of the bytes
   * instead of once a tick (the bench floods the streams with frames this way). Default:
   * once a tick.
   */
  progressFrames?: number;
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

/** One organisation switch of a backup feature, as `POST /user/has_feature_access` answers it. */
export interface FeatureSwitch {
  /** The organisation's toggle. Default true. */
  enabled: boolean;
  /** The SDK's "can use the specific resource": always true without a context. Default true. */
  canUse: boolean;
  /** Why it is off; sent only when set. */
  reason?: string;
}

/**
 * What `/__emulator/state` reads and writes (and the options of the same names start with);
 * changes apply at once, also to running operations.
 */
export interface EmulatorState {
  /** Default true; false answers cloud calls 511. */
  signedIn: boolean;
  /** Default true; false answers cloud calls 511. */
  cloudConnected: boolean;
  /** Default true; false answers cloud calls 505. */
  osUpToDate: boolean;
  /** The running Pieces OS version: `/.well-known/version`, health, and stamped on new backups. Default `9.0.0`. */
  version: string;
  /** Transfer speed of creations and restorations. Default 262_144. */
  rateBytesPerSecond: number;
  /** Roll-back time after an accepted cancel. Default 100. */
  cancelDelayMs: number;
  /** The organisation's backup feature switches (`POST /user/has_feature_access`). Default: all on. */
  features: Record<BackupFeature, FeatureSwitch>;
  /** `isEnterpriseUser` of every feature answer. Default false. */
  enterpriseUser: boolean;
  /** False: `/user/has_feature_access` answers 404, as a daemon older than the endpoint. Default true. */
  featureAccessEndpoint: boolean;
}

/** A change of one switch; `reason: null` removes the reason. */
export type FeatureSwitchPatch = Partial<Omit<FeatureSwitch, 'reason'>> & { reason?: string | null };

/** A change of the state: any fields; `features` merges feature by feature, field by field. */
export type EmulatorStatePatch = Partial<Omit<EmulatorState, 'features'>> & {
  features?: Partial<Record<BackupFeature, FeatureSwitchPatch>>;
};

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

const DEFAULT_STATE: EmulatorState = {
  signedIn: true,
  cloudConnected: true,
  osUpToDate: true,
  version: '9.0.0',
  rateBytesPerSecond: 262_144,
  cancelDelayMs: 100,
  features: Object.fromEntries(BACKUP_FEATURE_VALUES.map((feature) => [feature, { enabled: true, canUse: true }])) as Record<
    BackupFeature,
    FeatureSwitch
  >,
  enterpriseUser: false,
  featureAccessEndpoint: true,
};

const STATE_KEYS = Object.keys(DEFAULT_STATE) as ReadonlyArray<keyof EmulatorState>;

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const given = Object.fromEntries(STATE_KEYS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
  const state = applyStatePatch(DEFAULT_STATE, given);
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

const BOOLEAN_KEYS = ['signedIn', 'cloudConnected', 'osUpToDate', 'enterpriseUser', 'featureAccessEndpoint'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/`: what the emulator takes as a Pieces OS version. */
export function isVersionString(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/.test(value);
}

const MAX_REASON_LENGTH = 1000;

function validateFeatureSwitch(feature: string, value: unknown): FeatureSwitchPatch {
  if (!isObject(value)) throw new RequestRejection(400, `state.features.${feature} must be a JSON object`);
  const change: FeatureSwitchPatch = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'enabled' || key === 'canUse') {
      if (typeof item !== 'boolean') throw new RequestRejection(400, `state.features.${feature}.${key} must be a boolean`);
      change[key] = item;
    } else if (key === 'reason') {
      // null clears it
      if (item !== null && (typeof item !== 'string' || item.length > MAX_REASON_LENGTH)) {
        throw new RequestRejection(400, `state.features.${feature}.reason must be a string of at most ${MAX_REASON_LENGTH} characters, or null`);
      }
      change.reason = item;
    } else {
      throw new RequestRejection(400, `unknown field ${JSON.stringify(key)} in state.features.${feature}`);
    }
  }
  return change;
}

/** Checks a state patch from the admin surface; unknown keys and wrong types are a 400. */
export function validateStatePatch(value: unknown): EmulatorStatePatch {
  if (!isObject(value)) throw new RequestRejection(400, 'state patch must be a JSON object');
  const patch: EmulatorStatePatch = {};
  for (const [key, item] of Object.entries(value)) {
    if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (typeof item !== 'boolean') throw new RequestRejection(400, `state.${key} must be a boolean`);
      patch[key as (typeof BOOLEAN_KEYS)[number]] = item;
    } else if (key === 'version') {
      if (!isVersionString(item)) throw new RequestRejection(400, 'state.version must be a version string like 9.0.0');
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
    } else if (key === 'features') {
      if (!isObject(item)) throw new RequestRejection(400, 'state.features must be a JSON object keyed by feature');
      const features: NonNullable<EmulatorStatePatch['features']> = {};
      for (const [feature, change] of Object.entries(item)) {
        if (!isBackupFeature(feature)) {
          throw new RequestRejection(400, `unknown feature ${JSON.stringify(feature.slice(0, 140))}: use one of ${BACKUP_FEATURE_VALUES.join(', ')}`);
        }
        features[feature] = validateFeatureSwitch(feature, change);
      }
      patch.features = features;
    } else {
      throw new RequestRejection(400, `unknown state field ${JSON.stringify(key)}`);
    }
  }
  return patch;
}

/** The state after `patch` (validated first): the one way every surface changes it. */
export function applyStatePatch(state: EmulatorState, patch: unknown): EmulatorState {
  const { features, ...flat } = validateStatePatch(patch);
  const merged = { ...state.features };
  for (const feature of BACKUP_FEATURE_VALUES) {
    const change = features?.[feature];
    if (!change) continue;
    const { reason, ...flags } = change;
    const next: FeatureSwitch = { ...merged[feature], ...flags };
    if (reason === null) delete next.reason;
    else if (reason !== undefined) next.reason = reason;
    merged[feature] = next;
  }
  return { ...state, ...flat, features: merged };
}
