// Run by proxy-faults.test.ts in a child `node --expose-gc --import tsx`: the four silent-read
// cases of the probe with the heap collected every 20 ms; prints one line a case. (Inside
// vitest's worker the collection did not reproduce the hang, a child process did, every time.)
import { proxyCases, runProxyCase } from '../../reliability/proxy-faults.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
setInterval(gc, 20).unref();
const names = ['silent#1 ', 'silent#3 ', 'silent#9 ', 'silent#40 '];
const cases = names.map((name) => proxyCases('full').find((c) => c.name.startsWith(name))!);
const results = await Promise.all(cases.map((proxyCase) => runProxyCase(proxyCase, 15_000)));
for (const result of results) console.log(`${result.case.name}: ${result.end} ${result.verdict}`);
process.exit(0);
