// The desktop around the window: the global shortcut, the call notification while the
// window is out of sight, a shortcut another app holds, closing to the tray, and the tray
// menu. Runs on the private X display and D-Bus session of scripts/headless-session; the
// notification is read off the session bus with dbus-monitor, and a stand-in tray host
// (tray-host.mjs) takes the place of a desktop's tray.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appEnv, freePort, root, sleep, startDriver, startFakeOrg, waitFor } from './harness.mjs';
import { startTrayHost } from './tray-host.mjs';

let org;
let driver;
let app;
let runEnv;
let eventsUrl;
let monitor;
let monitored = '';
let daemon;
let trayHost;

/** The pid of the app started with this data directory. */
function appPid(dataDir) {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (command.includes('callside-app') && environ.includes(`CALLSIDE_DATA_DIR=${dataDir}`)) return Number(pid);
    } catch {
      // gone, or not ours
    }
  }
  return null;
}

const xdotool = (...args) => {
  try {
    return execFileSync('xdotool', args, { encoding: 'utf8' }).trim();
  } catch (error) {
    // `search` exits 1 when nothing matches.
    if (args[0] === 'search') return '';
    throw error;
  }
};

/** The app window's X id, whether mapped or not. */
function windowId(env = runEnv) {
  const pid = appPid(env.CALLSIDE_DATA_DIR);
  assert.ok(pid, 'the app runs');
  const ids = xdotool('search', '--pid', String(pid), '--name', '^Callside$').split('\n').filter(Boolean);
  assert.ok(ids.length > 0, 'the app has its window');
  return ids[ids.length - 1];
}

function windowShown(id) {
  return xdotool('search', '--onlyvisible', '--name', '^Callside$').split('\n').includes(id);
}

/** Takes the window out of sight: unmapped by the X server, as minimising does. */
async function hideWindow() {
  const id = windowId();
  xdotool('windowunmap', '--sync', id);
  await waitFor('the window to be out of sight', () => !windowShown(id));
  return id;
}

async function activeElementId() {
  return app.command('POST', '/execute/sync', { script: 'return document.activeElement?.id ?? null;', args: [] });
}

async function ring(number) {
  const token = readFileSync(join(runEnv.CALLSIDE_DATA_DIR, 'events-token'), 'utf8').trim();
  const response = await fetch(eventsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'ringing', number, direction: 'inbound' }),
  });
  assert.equal(response.status, 202);
}

before(async () => {
  // Every notification method call on the session bus, as text.
  monitor = spawn('dbus-monitor', ['--session', "type='method_call',interface='org.freedesktop.Notifications'"], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  monitor.stdout.on('data', (d) => (monitored += d));
  // A notification service to answer them, where the system has one.
  if (existsSync('/usr/lib/notification-daemon/notification-daemon')) {
    daemon = spawn('/usr/lib/notification-daemon/notification-daemon', ['--replace'], { stdio: 'ignore' });
  }
  await waitFor('dbus-monitor', () => monitored.length > 0 || monitor.exitCode === null);
  // The desktop's tray is there before the app, as on a rep's desktop.
  trayHost = await startTrayHost();
  org = await startFakeOrg();
  const eventsPort = await freePort();
  runEnv = await appEnv(org, { CALLSIDE_EVENTS_PORT: String(eventsPort) });
  eventsUrl = `http://127.0.0.1:${eventsPort}/v1/call-events`;
  driver = await startDriver(runEnv);
  app = await driver.session();
  await app.waitForText('#session-status', 'Not signed in');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
  await waitFor('the events token', () => existsSync(join(runEnv.CALLSIDE_DATA_DIR, 'events-token')));
});

after(async () => {
  await app?.close();
  await driver?.stop();
  await org?.stop();
  monitor?.kill();
  daemon?.kill();
  trayHost?.stop();
});

test('the global shortcut brings up the window and puts the cursor in the number field', async () => {
  assert.match(await app.textContent('.shortcuts-help .global-shortcut'), /Ctrl\+Alt\+K/);
  await app.click('#notes-input');
  assert.equal(await activeElementId(), 'notes-input');
  xdotool('key', '--clearmodifiers', 'ctrl+alt+k');
  await waitFor('the number field to have the focus', async () => (await activeElementId()) === 'number-input');

  // Out of sight, the same keys bring the window back.
  await app.click('#notes-input');
  const id = await hideWindow();
  xdotool('key', '--clearmodifiers', 'ctrl+alt+k');
  await waitFor('the window to come back', () => windowShown(id));
  await waitFor('the number field to have the focus', async () => (await activeElementId()) === 'number-input');
});

test('a call ringing while the window is out of sight is announced with the caller\'s name', async () => {
  const id = await hideWindow();
  await ring('+17205550111');
  const notify = await waitFor('the call notification', () => {
    const at = monitored.indexOf('Dana Whitfield');
    return at >= 0 ? monitored.slice(Math.max(0, monitored.lastIndexOf('member=Notify', at)), at + 200) : false;
  });
  assert.match(notify, /member=Notify/);
  assert.match(notify, /Incoming call · Callside/);
  assert.match(notify, /Dana Whitfield · Summit Outdoor Supply/);
  // The ringing call brought the window back, with the caller in it.
  await waitFor('the window to come back', () => windowShown(id));
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  await sleep(1000);
  await app.screenshot('notification-shown-window.png');
});

test('a call ringing while the window is in view is not announced', async () => {
  assert.ok(windowShown(windowId()));
  await ring('+17205550133');
  await app.waitForText('#caller-panel', 'Priya Raman');
  // A lead's source is on the card, as the org stores it.
  assert.equal(await app.textContent('#matches .lead-source'), 'Source: Web');
  // The notification would go out before the window shows the caller; allow it time anyway.
  await sleep(1500);
  assert.doesNotMatch(monitored, /Priya Raman/);
});

test('a shortcut another app holds is a notice, and the app works on', async () => {
  const otherEnv = await appEnv(org, { CALLSIDE_EVENTS_PORT: String(await freePort()) });
  const otherDriver = await startDriver(otherEnv);
  try {
    const other = await otherDriver.session();
    try {
      const notice = await other.waitForText('#notice-message', 'taken by another app');
      assert.match(notice, /Ctrl\+Alt\+K is taken by another app; choose another with focus_shortcut/);
      // It runs on: signed in from the keychain (the same org), it pops a caller.
      await other.waitForText('#session-status', 'Signed in as');
      await other.type('#number-input', '720.555.0111');
      await other.click('#lookup-button');
      await other.waitForText('#caller-panel', 'Dana Whitfield');
    } finally {
      await other.close();
    }
  } finally {
    await otherDriver.stop();
  }
});

test('closing the window hides it to the tray; the app keeps running and comes back', async () => {
  const tool = join(root, 'target/tmp/close-window');
  mkdirSync(join(root, 'target/tmp'), { recursive: true });
  execFileSync('cc', ['-O2', '-o', tool, join(root, 'tests/support/close-window.c'), '-lX11']);
  assert.match(await app.textContent('#tray-note'), /tray/);
  const id = windowId();
  assert.ok(windowShown(id));
  execFileSync(tool, [id]);
  await waitFor('the window to hide', () => !windowShown(id));
  assert.ok(appPid(runEnv.CALLSIDE_DATA_DIR), 'the app still runs');
  // It still takes calls, and a ringing call brings it back.
  await ring('+17205550111');
  await waitFor('the window to come back', () => windowShown(id));
  await app.waitForText('#caller-panel', 'Dana Whitfield');
});

// Last: Quit ends the app of this file.
test('the tray menu shows and hides the window, and Quit ends the app', async () => {
  const pid = appPid(runEnv.CALLSIDE_DATA_DIR);
  const item = await trayHost.itemOf(pid);
  assert.deepEqual(
    trayHost.menu(item).map((entry) => [entry.label, entry.enabled]),
    [
      ['Show/Hide Callside', true],
      ['Quit Callside', true],
    ],
  );
  const id = windowId();
  assert.ok(windowShown(id), 'the window is in view before the click');

  trayHost.click(item, 'Show/Hide Callside');
  await waitFor('the window to hide', () => !windowShown(id));
  assert.equal(appPid(runEnv.CALLSIDE_DATA_DIR), pid, 'hiding the window is not quitting');
  trayHost.click(item, 'Show/Hide Callside');
  await waitFor('the window to come back', () => windowShown(id));
  // Back in view, it still pops callers.
  await ring('+17205550133');
  await app.waitForText('#caller-panel', 'Priya Raman');

  trayHost.click(item, 'Quit Callside');
  await waitFor('the app to end', () => appPid(runEnv.CALLSIDE_DATA_DIR) === null);
  await waitFor('the tray icon to go with it', () => trayHost.gone(item));
});
