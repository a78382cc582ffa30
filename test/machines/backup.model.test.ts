import { backupMachine } from '../../machines/index.js';
import { describeModelSuite } from './support/model-suite.js';

// Every transition of the backup chart, each taken by a path run against the emulator:
// idle 2, starting 4, running 6, cancelling 6, checking 3, done 1, cancelled 1, failed 4,
// in every state 1.
describeModelSuite('backup machine', backupMachine, 'creation', 30);
