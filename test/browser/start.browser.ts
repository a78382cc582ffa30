import { expect, it } from 'vitest';
import { ROOT, spawnNode } from './support.js';

it('npm start (demo) prints the emulator line and one dashboard URL that serves both pages, and stops on SIGTERM', async () => {
  const { child, stdout, stderr, exited } = spawnNode(['--import', 'tsx', 'src/cli/main.ts', 'demo'], ROOT);
  try {
    await expect.poll(stdout, { timeout: 25_000 }).toMatch(/^dashboard: open /m);
    const [first, second] = stdout().split('\n');
    const emulatorUrl = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(first!)?.[1];
    const dashboardUrl = /^dashboard: open (http:\/\/127\.0\.0\.1:\d+\/) /.exec(second!)?.[1];
    expect(emulatorUrl).toBeDefined();
    expect(dashboardUrl).toBeDefined();

    const page = await (await fetch(dashboardUrl!)).text();
    expect(page).toContain(`globalThis.PIECES_DAEMON_URL = ${JSON.stringify(emulatorUrl)}`);
    expect(page).toContain('src="./app.js"');
    for (const file of ['app.js', 'app.css', 'element.html', 'pieces-backup-element.js']) {
      expect((await fetch(new URL(file, dashboardUrl)).then((r) => r.status))).toBe(200);
    }
    expect((await fetch(new URL('nope', dashboardUrl))).status).toBe(404);
    expect((await fetch(`${emulatorUrl}/backups`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(stderr()).toBe('');
});
