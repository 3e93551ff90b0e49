// The tools around a pop in the real app window: the API usage in the footer, opening a
// record in Salesforce (in the system browser, $BROWSER), and signing out (the token is
// revoked at the org).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { appEnv, freePort, root, startDriver, startFakeOrg, tempDir, waitFor } from './harness.mjs';

let org;
let driver;
let app;
const browserLog = join(tempDir('callside-e2e-browser-'), 'opened.txt');

before(async () => {
  org = await startFakeOrg();
  driver = await startDriver(await appEnv(org, { BROWSER: join(root, 'tests/support/recording-browser'), CALLSIDE_E2E_BROWSER_LOG: browserLog }));
  app = await driver.session();
  await app.waitForText('#session-status', 'Not signed in');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
});

after(async () => {
  await app?.close();
  await driver?.stop();
  await org?.stop();
});

const opened = () => (existsSync(browserLog) ? readFileSync(browserLog, 'utf8').split('\n').filter(Boolean) : []);

test('the footer shows the org API usage after a pop', async () => {
  await org.setFaults({ apiUsage: 120, apiLimit: 15000 });
  await app.type('#number-input', '(720) 555-0111');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  const usage = await app.waitForText('#api-usage', '/ 15,000 today');
  assert.match(usage, /^API 1[2-9]\d \/ 15,000 today$/);
});

test('Open in Salesforce opens the record page in the system browser', async () => {
  const [dana] = (await org.records('Contact')).filter((c) => c.Name === 'Dana Whitfield');
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  await app.click(`#matches .open-in-salesforce[data-id="${dana.Id}"]`);
  const page = await waitFor('the record page to open', () =>
    opened().find((line) => line.includes(`/lightning/r/${dana.Id}/view`)),
  );
  assert.equal(page, `${org.url}/lightning/r/${dana.Id}/view`);
});

test('signing out revokes the token at the org', async () => {
  await app.click('#signout-button');
  await app.waitForText('#session-status', 'Not signed in');
  const revoked = await waitFor('the revoke request', async () =>
    (await org.requests()).find((r) => r.path === '/services/oauth2/revoke'),
  );
  assert.equal(revoked.method, 'POST');
});
