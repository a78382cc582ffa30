export { startEmulator, type Emulator } from './emulator.js';
export type { EmulatorAdmin } from './emulator-admin.js';
export type { BackupSeed } from './backup-seed.js';
export type { OperationRecord } from './operation-journal.js';
export { DEFAULT_PORT, type EmulatorOptions, type EmulatorState, type EmulatorStatePatch, type FeatureSwitch, type FeatureSwitchPatch } from './options.js';
export { OPERATION_NAMES, type FaultSpec, type OperationName } from './faults.js';
export { sampleAsset, sampleAssets } from './sample-assets.js';
