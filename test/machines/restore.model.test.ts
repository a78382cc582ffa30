import { restoreMachine } from '../../machines/index.js';
import { describeModelSuite } from './support/model-suite.js';

// Every transition of the restore chart, each taken by a path run against the emulator:
// idle 4, confirming 2, preflight 4, safety 6, safetyCancelling 2, starting 4, running 6,
// cancelling 6, checking 3, done 3, cancelled 2, failed 6, in every state 2 (RETRYING,
// BASELINE). 37 before the preflight and the safety backup (issue #18), 52 with them.
describeModelSuite('restore machine', restoreMachine, 'restoration', 52);
