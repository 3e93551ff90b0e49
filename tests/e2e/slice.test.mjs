// The thin slice end to end in the real app window: sign in through the browser flow,
// pop a caller, log the call, and find the Task in the org.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { appEnv, freePort, root, sleep, startDriver, startFakeOrg, tempDir } from './harness.mjs';

let org;
let driver;
let app;

before(async () => {
  org = await startFakeOrg();
  driver = await startDriver(await appEnv(org));
  app = await driver.session();
});

after(async () => {
  await app?.close();
  await driver?.stop();
  await org?.stop();
});

test('a rep signs in, pops a caller by a differently formatted number, and logs the call', async () => {
  await app.waitForText('#session-status', 'Not signed in');
  await app.click('#signin-button');
  const status = await app.waitForText('#session-status', 'Signed in as');
  assert.match(status, /Riley Demo/);

  // Stored as "+1 720 555 0111"; typed the way a softphone might show it.
  await app.type('#number-input', '720.555.0111');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  assert.match(await app.text('#caller-number'), /\+17205550111/);
  assert.match(await app.text('#lookup-source'), /Salesforce/);
  // The first paint comes after one search; the related records follow.
  const opportunities = await app.waitForText('#opportunities', 'Summit - Spring Catalog');
  assert.match(opportunities, /Summit - Spring Catalog/);
  assert.match(opportunities, /Summit - Store Fixtures/);
  assert.doesNotMatch(opportunities, /Closed Won/, 'closed opportunities are not shown');
  assert.match(await app.text('#cases'), /Damaged shipment/);
  await sleep(1200); // a stale frame otherwise; and the timer runs on
  const shot = await app.screenshot('popped-panel.png');
  console.log(`screenshot: ${shot}`);

  await sleep(1000);
  const notes = `Asked for a quote on tents — O'Brien's "rush" order ${Date.now()}`;
  await app.type('#notes-input', notes);
  await app.click('#log-call-button');
  await app.waitForText('#log-call-result', 'Call logged');

  const tasks = (await org.records('Task')).filter((t) => t.Description === notes);
  assert.equal(tasks.length, 1, 'exactly one Task for the call');
  const [task] = tasks;
  const [contact] = (await org.records('Contact')).filter((c) => c.Name === 'Dana Whitfield');
  assert.equal(task.WhoId, contact.Id);
  assert.equal(task.WhatId, contact.AccountId);
  assert.equal(task.TaskSubtype, 'Call');
  assert.equal(task.Type, 'Call');
  assert.equal(task.Status, 'Completed');
  assert.equal(task.CallType, 'Inbound');
  assert.ok(task.CallDurationInSeconds >= 2, `duration from the call timer, got ${task.CallDurationInSeconds}`);
  assert.match(task.CallObject, /^callside:/);
  await app.screenshot('call-logged.png');

  // The next call from the same number pops from the local cache at once, even while
  // Salesforce is slow to answer; the refresh lands behind it.
  await org.setLatency(1500);
  await app.type('#number-input', '+1 (720) 555-0111');
  await app.click('#lookup-button');
  await app.waitForText('#lookup-source', 'From cache');
  assert.match(await app.text('#caller-panel'), /Dana Whitfield/);
  assert.match(await app.text('#opportunities'), /Summit - Store Fixtures/);
  const recent = await app.textContent('#recent-calls-list');
  assert.match(recent, /Dana Whitfield\+17205550111/, 'the recent-calls list names the caller');
  assert.match(recent, /0:0[2-9]/, 'and the logged call has its duration');
  await app.screenshot('cached-pop.png');
  await app.waitForText('#lookup-source', 'Live from Salesforce');
  await org.setLatency(0);
  await sleep(800);
  await app.screenshot('refreshed-pop.png');
});
