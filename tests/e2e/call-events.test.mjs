// Calls that come in by themselves: a softphone posts call events to the local endpoint,
// and a deep link opened while the app runs is handed to the running window.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { appEnv, freePort, killLeftoverApps, root, sleep, startDriver, startFakeOrg, tempDir, waitFor } from './harness.mjs';

let org;
let driver;
let app;
let runEnv;
let eventsUrl;
let token;

before(async () => {
  org = await startFakeOrg();
  const eventsPort = await freePort();
  runEnv = await appEnv(org, { CALLSIDE_EVENTS_PORT: String(eventsPort) });
  eventsUrl = `http://127.0.0.1:${eventsPort}/v1/call-events`;
  driver = await startDriver(runEnv);
  app = await driver.session();
});

after(async () => {
  await app?.close();
  await driver?.stop();
  await org?.stop();
});

/** A tauri-driver of its own, for a session whose app is started with arguments. */
async function startLinkDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const installed = join(homedir(), '.cargo/bin/tauri-driver');
  const child = spawn(existsSync(installed) ? installed : 'tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('tauri-driver', async () => (await fetch(`${url}/status`)).ok);
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      killLeftoverApps(env.CALLSIDE_DATA_DIR);
    },
  };
}

async function postEvent(body, authorization) {
  const headers = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  const response = await fetch(eventsUrl, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

const send = (body) => postEvent(body, `Bearer ${token}`);

async function timerText() {
  return app.textContent('#timer');
}

test('a softphone pops, starts and ends a call through the call-event endpoint', async () => {
  await app.waitForText('#session-status', 'Not signed in');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');

  // The app made its token on its first start, readable by the user only.
  const tokenFile = join(runEnv.CALLSIDE_DATA_DIR, 'events-token');
  await waitFor('the events token', () => existsSync(tokenFile));
  token = readFileSync(tokenFile, 'utf8').trim();
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
  await waitFor('the call-event endpoint', async () => (await postEvent({}, 'Bearer x')).status === 401);

  // Stored in the org as "+1 720 555 0111".
  const ringing = await send({ event: 'ringing', number: '+17205550111', direction: 'inbound' });
  assert.deepEqual(ringing, { status: 202, body: { accepted: true } });
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  assert.equal(await app.command('POST', '/execute/sync', {
    script: 'return document.querySelector("#number-input").value;',
    args: [],
  }), '+17205550111');
  await app.waitForText('#opportunities', 'Summit - Spring Catalog');
  await app.screenshot('call-event-ringing.png');

  assert.equal((await send({ event: 'answered', number: '+17205550111', direction: 'inbound' })).status, 202);
  await app.waitForText('#timer-toggle', 'End call');
  const first = await timerText();
  await waitFor('the call timer to run', async () => (await timerText()) !== first, 5000);
  await sleep(1200);
  await app.screenshot('call-event-answered.png');

  assert.equal((await send({ event: 'ended', number: '+17205550111', direction: 'inbound' })).status, 202);
  await app.waitForText('#timer-toggle', 'Start call');
  const stopped = await timerText();
  assert.match(stopped, /^00:0[1-9]$/, `the answered call's length, got ${stopped}`);
  const focused = await waitFor('the notes to have the focus', async () => {
    const id = await app.command('POST', '/execute/sync', { script: 'return document.activeElement?.id;', args: [] });
    return id === 'notes-input' ? id : false;
  }, 5000);
  assert.equal(focused, 'notes-input');
  await sleep(1100);
  assert.equal(await timerText(), stopped, 'the timer has stopped');
  await app.screenshot('call-event-ended.png');

  // What the endpoint refuses, it says why.
  const unknown = await send({ event: 'dialing', number: '+17205550133' });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error, /Unknown event "dialing"/);
  const tooBig = await fetch(eventsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'ringing', number: '1', pad: 'x'.repeat(5000) }),
  });
  assert.equal(tooBig.status, 413);
});

test('a wrong token is refused and pops nothing', async () => {
  const wrong = await postEvent({ event: 'ringing', number: '+17205550133' }, `Bearer ${'0'.repeat(64)}`);
  assert.equal(wrong.status, 401);
  assert.match(wrong.body.error, /token/);
  const missing = await postEvent({ event: 'ringing', number: '+17205550133' });
  assert.equal(missing.status, 401);
  await sleep(1500);
  const panel = await app.text('#caller-panel');
  assert.match(panel, /Dana Whitfield/);
  assert.doesNotMatch(panel, /Priya Raman/);
});

test('a deep link opened while the app runs pops in the running window', async () => {
  const link = 'callside://call?number=%2B17205550133&direction=outbound';
  const second = spawn(join(root, 'target/debug/callside-app'), [link], {
    env: { ...process.env, ...runEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  second.stdout.on('data', (d) => (output += d));
  second.stderr.on('data', (d) => (output += d));
  const code = await Promise.race([
    new Promise((resolve) => second.once('exit', (status) => resolve(status))),
    sleep(15000).then(() => 'still running'),
  ]);
  if (code === 'still running') second.kill('SIGKILL');
  assert.equal(code, 0, `the second start hands the link over and exits: ${output}`);

  // Stored in the org as "720-555-0133".
  await app.waitForText('#caller-panel', 'Priya Raman');
  const direction = await app.command('POST', '/execute/sync', {
    script: 'return document.querySelector("#direction-select").value;',
    args: [],
  });
  assert.equal(direction, 'outbound');
  await sleep(800);
  await app.screenshot('deep-link-pop.png');
});

test('a tel: link the app is started with pops once the window is up', async () => {
  // Another data directory is another instance; the session comes from the keychain.
  const env = {
    ...runEnv,
    CALLSIDE_DATA_DIR: tempDir('callside-e2e-link-data-'),
    CALLSIDE_EVENTS_PORT: String(await freePort()),
  };
  const linkDriver = await startLinkDriver(env);
  const base = linkDriver.url;
  let session;
  try {
    const created = await fetch(`${base}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        capabilities: {
          alwaysMatch: {
            'tauri:options': { application: join(root, 'target/debug/callside-app'), args: ['tel:+1-720-555-0133'] },
          },
        },
      }),
    });
    const body = await created.json();
    assert.ok(created.ok, `new session: ${JSON.stringify(body)}\n${linkDriver.output()}`);
    session = `${base}/session/${body.value.sessionId}`;
    const execute = async (script) => {
      const response = await fetch(`${session}/execute/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ script, args: [] }),
      });
      return (await response.json()).value;
    };
    const panel = await waitFor('the link to pop Priya Raman', async () => {
      const text = await execute('return document.querySelector("#caller-panel")?.textContent ?? "";');
      return typeof text === 'string' && text.includes('Priya Raman') ? text : false;
    });
    assert.match(panel, /Priya Raman/);
    assert.equal(await execute('return document.querySelector("#number-input").value;'), '+1-720-555-0133');
    // A tel: link is a click to call someone.
    assert.equal(await execute('return document.querySelector("#direction-select").value;'), 'outbound');
  } finally {
    if (session) await fetch(session, { method: 'DELETE' }).catch(() => {});
    await linkDriver.stop();
  }
});
