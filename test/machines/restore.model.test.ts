import { restoreMachine } from '../../machines/index.js';
import { describeModelSuite } from './support/model-suite.js';

// Every transition of the restore chart, each taken by a path run against the emulator:
// idle 3, confirming 2, starting 4, running 6, cancelling 6, done 2, cancelled 2, failed 4.
describeModelSuite('restore machine', restoreMachine, 'restoration', 32);
