export { startEmulator, type Emulator, type EmulatorAdmin } from './emulator.js';
export type { OperationRecord } from './operation-journal.js';
export { DEFAULT_PORT, type EmulatorOptions, type EmulatorState } from './options.js';
export { OPERATION_NAMES, type FaultSpec, type OperationName } from './faults.js';
export { sampleAsset, sampleAssets } from './sample-assets.js';
