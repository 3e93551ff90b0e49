// Call metrics and API health in the real app window: the calls popped and logged here
// appear under Today and This week with their chart, the calls export as CSV, and the
// API tab shows the requests made per endpoint family and the daily usage.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appEnv, sleep, startDriver, startFakeOrg, tempDir, waitFor } from './harness.mjs';

const running = [];

after(async () => {
  for (const stop of running.reverse()) await stop();
});

test('the insights view counts the calls made here, charts them, exports them, and shows API health', async () => {
  const org = await startFakeOrg();
  running.push(() => org.stop());
  // The CSV goes to the download directory: a temporary one (XDG user dirs).
  const config = tempDir('callside-e2e-xdg-');
  const downloads = tempDir('callside-e2e-downloads-');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  const driver = await startDriver(await appEnv(org, { XDG_CONFIG_HOME: config }));
  running.push(() => driver.stop());
  const app = await driver.session();
  running.push(() => app.close());
  await app.waitForText('#session-status', 'Not signed in');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
  await org.setFaults({ apiLimit: 15000, apiUsage: 12400 });

  // Two calls: one logged as Interested, one not logged.
  await app.type('#number-input', '720-555-0133');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Priya Raman');
  await app.setValue('#disposition-select', 'Interested');
  await app.type('#notes-input', 'Wants a quote');
  await app.click('#log-call-button');
  await app.waitForText('#log-call-result', 'Call logged');
  await app.type('#number-input', '(720) 555-0111');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Dana Whitfield');

  await app.click('#insights-button');
  await waitFor('today\'s two calls', async () =>
    (await app.textContent('#insights-figures [data-key="calls"] dd')) === '2');
  assert.equal(await app.textContent('#insights-figures [data-key="inbound"] dd'), '2');
  assert.match(await app.textContent('#insights-outcomes'), /Interested\s*1/);
  const bars = await app.command('POST', '/execute/sync', {
    script:
      'return [...document.querySelectorAll("#insights-chart g.bar")].map(g => ' +
      '[...g.querySelectorAll("rect")].reduce((n, r) => n + Number(r.dataset.count), 0));',
    args: [],
  });
  assert.equal(bars.length, 24);
  assert.equal(bars.reduce((a, b) => a + b, 0), 2, 'both calls are in the chart');
  await sleep(300);
  await app.screenshot('insights-today.png');

  await app.click('#insights-week');
  await waitFor('the week\'s days', async () =>
    (await app.command('POST', '/execute/sync', {
      script: 'return document.querySelectorAll("#insights-chart g.bar").length;',
      args: [],
    })) === 7);
  assert.equal(await app.textContent('#insights-figures [data-key="calls"] dd'), '2');

  await app.click('#insights-export');
  await waitFor('the export', async () =>
    (await app.textContent('#insights-export-status')).startsWith(`Saved to ${downloads}/`));
  const [file] = readdirSync(downloads);
  assert.match(file, /^callside-calls-week-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = readFileSync(join(downloads, file), 'utf8').trim().split('\r\n');
  assert.equal(rows.length, 3, rows.join('\n'));
  assert.match(rows[0], /^started_at,direction,number,record_id/);
  assert.ok(rows.some((r) => r.includes(',Interested,true')), rows.join('\n'));

  await app.click('#insights-api');
  await app.waitForText('#api-health-usage', 'API requests today');
  assert.match(await app.text('#api-health-usage'), /at or above the 80%/);
  assert.match(await app.textContent('#api-health-hour tr[data-family="search"]'), /Search\s*2/);
  await sleep(300);
  await app.screenshot('api-health.png');
});

test('an industry panel the policy declares shows under the caller card, in the pop\'s two requests', async () => {
  const org = await startFakeOrg();
  running.push(() => org.stop());
  const policy = join(tempDir('callside-e2e-panels-'), 'policy.toml');
  writeFileSync(
    policy,
    [
      '[[locked.panels]]',
      'object = "Investment_Profile__c"',
      'lookup = "Contact__c"',
      'parent = "Contact"',
      'title = "Investment profile"',
      'fields = ["Risk_Tolerance__c", "Portfolio_Value__c", "Investment_Horizon__c", "Last_Review__c"]',
      'labels = { Risk_Tolerance__c = "Risk tolerance" }',
      '',
    ].join('\n'),
  );
  const driver = await startDriver(await appEnv(org, { CALLSIDE_POLICY: policy }));
  running.push(() => driver.stop());
  const app = await driver.session();
  running.push(() => app.close());
  await app.waitForText('#session-status', 'Not signed in');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
  // Sign-in has checked the panel against the object's describe.
  await waitFor('the panel check at sign-in', async () =>
    (await org.requests()).some((r) => r.path.endsWith('/sobjects/Investment_Profile__c/describe')));
  await sleep(500);
  const before = (await org.requests()).length;

  await app.type('#number-input', '(720) 555-0111');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Dana Whitfield');
  await waitFor('the investment profile panel', async () =>
    (await app.textContent('#panel-investment-profile-c h3')) === 'Investment profile');
  const fields = await app.command('POST', '/execute/sync', {
    script:
      'return [...document.querySelectorAll("#panel-investment-profile-c .industry-panel-field")]' +
      '.map(f => f.querySelector("dt").textContent + "=" + f.querySelector("dd").textContent);',
    args: [],
  });
  assert.deepEqual(fields.slice(0, 3), ['Risk tolerance=Balanced', 'Portfolio Value=1250000', 'Investment Horizon=10+ years']);
  assert.match(fields[3], /^Last Review=\d{4}-\d{2}-\d{2}$/);
  const pop = (await org.requests()).slice(before).filter((r) => r.path.startsWith('/services/data/'));
  assert.equal(pop.length, 2, JSON.stringify(pop.map((r) => `${r.method} ${r.path}`)));
  assert.ok(pop.some((r) => r.path.endsWith('/composite')), 'the panel came in the composite');
  await app.command('POST', '/execute/sync', {
    script: 'document.querySelector("#panel-investment-profile-c").scrollIntoView({block: "center"});',
    args: [],
  });
  await sleep(300);
  await app.screenshot('industry-panel.png');
});
