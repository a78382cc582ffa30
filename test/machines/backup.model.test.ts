import { backupMachine } from '../../machines/index.js';
import { describeModelSuite } from './support/model-suite.js';

// Every transition of the backup chart, each taken by a path run against the emulator:
// idle 2, starting 4, running 6, cancelling 6, done 1, cancelled 1, failed 3.
describeModelSuite('backup machine', backupMachine, 'creation', 26);
