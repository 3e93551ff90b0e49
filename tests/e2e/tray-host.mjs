// A stand-in tray host (tests/support/tray-host.py) for the private D-Bus session of
// scripts/headless-session: tray icons register with it, and a test reads and clicks
// their menus as a desktop's tray would.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, waitFor } from './harness.mjs';

const TOOL = join(root, 'tests/support/tray-host.py');
// Debian's python3, which has the GLib bindings (python3-gi); not a virtualenv's.
const PYTHON = '/usr/bin/python3';

export async function startTrayHost() {
  const child = spawn(PYTHON, [TOOL, 'watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events = [];
  let buffer = '';
  let errors = '';
  child.stdout.on('data', (data) => {
    buffer += data;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      events.push(JSON.parse(buffer.slice(0, newline)));
      buffer = buffer.slice(newline + 1);
    }
  });
  child.stderr.on('data', (data) => (errors += data));
  await waitFor(`the tray host to start (${errors})`, () => {
    if (events.some((e) => e.event === 'error')) throw new Error(JSON.stringify(events));
    return events.some((e) => e.event === 'ready');
  }, 10000);
  return {
    /** The tray item a process registered: `{bus, path, pid}`. */
    itemOf: (pid) =>
      waitFor(`process ${pid} to register its tray icon`, () =>
        events.findLast((e) => e.event === 'registered' && e.pid === pid),
      ),
    /** Whether the item has left (its process ended or removed the icon). */
    gone: (item) => events.some((e) => e.event === 'unregistered' && e.bus === item.bus && e.path === item.path),
    /** The menu's entries: `[{id, label, enabled}]`. */
    menu: (item) => JSON.parse(execFileSync(PYTHON, [TOOL, 'menu', item.bus, item.path], { encoding: 'utf8' })),
    /** Clicks the entry with this label; the app acts on it a moment later. */
    click: (item, label) => execFileSync(PYTHON, [TOOL, 'click', item.bus, item.path, label], { encoding: 'utf8' }),
    stop: () => child.kill('SIGTERM'),
  };
}
