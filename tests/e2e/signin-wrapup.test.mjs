// Signing in from the window with a choice of org, and wrapping up a call: the rep picks
// a custom domain (here the demo org's address), signs in through the browser flow (the
// demo org approves without a person), pops a caller, and after a softphone reports the
// call answered and ended, logs it from the wrap-up view; the Task and its follow-up
// land in the org.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appEnv, artifacts, freePort, root, sleep, startDriver, startFakeOrg, waitFor } from './harness.mjs';

let org;
let driver;
let app;
let runEnv;
let eventsUrl;

before(async () => {
  org = await startFakeOrg();
  const eventsPort = await freePort();
  // No login URL from the environment: the app starts on the production default, and the
  // rep chooses the org in the window.
  runEnv = await appEnv(org, { CALLSIDE_LOGIN_URL: '', CALLSIDE_EVENTS_PORT: String(eventsPort) });
  eventsUrl = `http://127.0.0.1:${eventsPort}/v1/call-events`;
  driver = await startDriver(runEnv);
  app = await driver.session();
});

after(async () => {
  await app?.close();
  await driver?.stop();
  await org?.stop();
});

async function send(event) {
  const token = readFileSync(join(runEnv.CALLSIDE_DATA_DIR, 'events-token'), 'utf8').trim();
  const response = await fetch(eventsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ number: '+17205550111', direction: 'inbound', ...event }),
  });
  assert.equal(response.status, 202);
}

const value = (css) =>
  app.command('POST', '/execute/sync', { script: 'return document.querySelector(arguments[0]).value;', args: [css] });
const checked = (css) =>
  app.command('POST', '/execute/sync', { script: 'return document.querySelector(arguments[0]).checked;', args: [css] });
const isHidden = (css) =>
  app.command('POST', '/execute/sync', {
    script: 'const e = document.querySelector(arguments[0]); return !e || e.offsetParent === null;',
    args: [css],
  });

/** Saves a screenshot for the README too. */
async function documentShot(name, { top = true } = {}) {
  if (top) await app.command('POST', '/execute/sync', { script: 'document.scrollingElement.scrollTop = 0;', args: [] });
  await sleep(1000);
  const path = await app.screenshot(name);
  mkdirSync(join(root, 'docs/screenshots'), { recursive: true });
  copyFileSync(path, join(root, 'docs/screenshots', name));
}

test('a rep chooses a custom domain in the sign-in view, signs in, and a caller pops', async () => {
  await app.waitForText('#session-status', 'Not signed in');
  await app.waitForText('#signin-view', 'Sign in to Salesforce');
  await waitFor('the sign-in view to load', async () => (await app.findAll('#signin-view[data-loaded]')).length > 0);
  assert.equal(await checked('#org-kind-production'), true, 'the production org preselected');
  assert.equal(await isHidden('#org-url'), true, 'no address field for production');

  await app.click('label[for="org-kind-custom"]');
  assert.equal(await isHidden('#org-url'), false);
  // Plain http is refused for anything but this computer.
  await app.type('#org-url', 'http://acme.my.salesforce.com');
  await app.click('#signin-button');
  await app.waitForText('#error-message', 'over https');
  assert.match(await app.text('#session-status'), /Not signed in/);
  await app.click('#error-dismiss');

  await app.type('#org-url', org.url);
  await app.type('#org-alias', 'e2e-org');
  await documentShot('sign-in.png');
  await app.click('#signin-button');
  const status = await app.waitForText('#session-status', 'Signed in as');
  assert.match(status, /Riley Demo/);
  assert.match(status, new RegExp(new URL(org.url).host.replace(/\./g, '\\.')));
  assert.equal(await isHidden('#signin-view'), true);

  // The org is saved as a connection, as `callside login --alias` saves one.
  const orgs = JSON.parse(
    execFileSync(join(root, 'target/debug/callside'), ['orgs', '--json'], { env: { ...process.env, ...runEnv }, encoding: 'utf8' }),
  );
  const saved = orgs.find((o) => o.alias === 'e2e-org');
  assert.ok(saved, JSON.stringify(orgs));
  assert.equal(saved.loginUrl.replace(/\/$/, ''), org.url);
  assert.equal(saved.active, true);

  await app.type('#number-input', '720.555.0111');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Dana Whitfield');
});

test('after signing out, the saved org is offered and signs in again', async () => {
  await app.click('#signout-button');
  await app.waitForText('#session-status', 'Not signed in');
  await app.waitForText('#saved-orgs', 'e2e-org');
  await waitFor('the sign-in view to load', async () => (await app.findAll('#signin-view[data-loaded]')).length > 0);
  // The view comes back on the org in use.
  assert.equal(await checked('#org-kind-custom'), true);
  assert.equal(await value('#org-url'), org.url);
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
});

test('a call that ends opens the wrap-up with its length; submitting logs the Task and the follow-up', async () => {
  await waitFor('the events token', () => existsSync(join(runEnv.CALLSIDE_DATA_DIR, 'events-token')));
  await send({ event: 'ringing' });
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  await app.waitForText('#opportunities', 'Summit - Spring Catalog');
  await send({ event: 'answered' });
  await app.waitForText('#timer-toggle', 'End call');
  await waitFor('two seconds on the timer', async () => /^00:0[2-9]$/.test(await app.textContent('#timer')));
  await send({ event: 'ended' });

  await waitFor('the wrap-up', async () => (await app.textContent('#wrap-up-heading')) === 'Wrap up the call with Dana Whitfield');
  assert.equal(await isHidden('#lookup-form'), true, 'the wrap-up stands on its own');
  const shown = await value('#wrap-up-duration');
  assert.match(shown, /^00:0[2-9]$/);
  assert.equal(shown, await app.textContent('#timer'), 'the timer\'s length, filled in');
  assert.equal(
    await app.command('POST', '/execute/sync', { script: 'return document.activeElement?.id;', args: [] }),
    'notes-input',
  );

  const notes = `Wrap-up ${Date.now()}: wants the spring catalogue`;
  await app.type('#wrap-up-duration', '3:15');
  await app.setValue('#disposition-select', 'Interested');
  await app.type('#notes-input', notes);
  await app.setValue('#follow-up-date', '2031-03-14');
  await app.setValue('#follow-up-priority', 'High');
  await documentShot('wrap-up.png', { top: false });
  await app.click('#log-call-button');
  await app.waitForText('#log-call-result', 'Call logged');
  await waitFor('the wrap-up to close', async () => (await isHidden('#wrap-up-duration')) && !(await isHidden('#lookup-form')));

  const [dana] = (await org.records('Contact')).filter((c) => c.Name === 'Dana Whitfield');
  const tasks = (await org.records('Task')).filter((t) => t.Description === notes);
  assert.equal(tasks.length, 1, 'exactly one Task for the call');
  const [task] = tasks;
  assert.equal(task.WhoId, dana.Id);
  assert.equal(task.CallDurationInSeconds, 195);
  assert.equal(task.CallDisposition, 'Interested');
  assert.equal(task.CallType, 'Inbound');
  const followUp = await waitFor('the follow-up Task', async () =>
    (await org.records('Task')).find((t) => t.WhoId === dana.Id && t.ActivityDate === '2031-03-14'),
  );
  assert.equal(followUp.Priority, 'High');
  assert.equal(followUp.Status, 'Not Started');
});

test('the screenshots of both views are kept', () => {
  for (const name of ['sign-in.png', 'wrap-up.png']) {
    assert.ok(existsSync(join(artifacts, name)), name);
    assert.ok(existsSync(join(root, 'docs/screenshots', name)), name);
  }
});
