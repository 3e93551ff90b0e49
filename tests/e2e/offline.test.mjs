// Offline: once the org cannot be reached, a number popped before still pops, from the
// local cache, marked as such.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { appEnv, freePort, root, startDriver, startFakeOrg, tempDir } from './harness.mjs';

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

test('a caller popped before pops from the cache while Salesforce is unreachable', async () => {
  await app.waitForText('#session-status', 'Not signed in');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
  await app.type('#number-input', '(720) 555-0111');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  await app.waitForText('#opportunities', 'Summit - Spring Catalog');

  await org.stop();
  await app.type('#number-input', '(720) 555-0111');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  assert.match(await app.text('#lookup-source'), /From cache|Offline/);
  // The refresh behind the pop fails for want of a connection: the data stays, marked.
  const badge = await app.waitForText('#lookup-source', 'Offline', 60000);
  assert.match(badge, /Offline · data from/);
  assert.match(await app.text('#caller-panel'), /Dana Whitfield/);
  assert.match(await app.text('#opportunities'), /Summit - Spring Catalog/);
  await app.screenshot('offline-pop.png');
});
