import { restoreMachine } from '../../machines/index.js';
import { describeModelSuite } from './support/model-suite.js';

// Every transition of the restore chart, each taken by a path run against the emulator:
// idle 3, confirming 2, starting 4, running 6, cancelling 6, checking 3, done 2, cancelled 2,
// failed 5, in every state 2 (RETRYING, BASELINE).
describeModelSuite('restore machine', restoreMachine, 'restoration', 37);
