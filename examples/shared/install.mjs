#!/usr/bin/env node
// `npm run examples:install` (CI, and the browser test's prerequisite): `npm ci` in every
// example that has a package.json and a package-lock.json. Each example's framework tooling
// installs with that example, so the root `npm install` stays lean.
//
//   node examples/shared/install.mjs            every example
//   node examples/shared/install.mjs vue solid  only these
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const EXAMPLES = path.resolve(import.meta.dirname, '..');

const installable = fs
  .readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => ['package.json', 'package-lock.json'].every((file) => fs.existsSync(path.join(EXAMPLES, name, file))))
  .sort();

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !installable.includes(name));
if (unknown.length > 0) {
  console.error(`no installable example named ${unknown.join(', ')} (have: ${installable.join(', ')})`);
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
for (const name of wanted.length > 0 ? wanted : installable) {
  console.log(`examples/${name}: npm ci`);
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: path.join(EXAMPLES, name), stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`examples/${name}: npm ci failed (${result.error?.message ?? `exit ${result.status}`})`);
    process.exit(result.status ?? 1);
  }
}
