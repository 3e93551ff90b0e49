// The administrator's policy in the real app window: actions it leaves out are not
// offered, the settings view shows what the administrator set, and a policy with a
// mistake is ignored with a banner naming the file, line and problem.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appEnv, sleep, startDriver, startFakeOrg, tempDir } from './harness.mjs';

const running = [];

after(async () => {
  for (const stop of running.reverse()) await stop();
});

/** The app against the demo org with `policy` as its policy file, signed in. */
async function appWithPolicy(org, policy) {
  const path = join(tempDir('callside-e2e-policy-'), 'policy.toml');
  writeFileSync(path, policy);
  const driver = await startDriver(await appEnv(org, { CALLSIDE_POLICY: path }));
  running.push(() => driver.stop());
  const app = await driver.session();
  running.push(() => app.close());
  await app.waitForText('#session-status', 'Not signed in');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
  return { app, path };
}

/** Whether the element is laid out (not `display: none`, itself or an ancestor). */
async function rendered(app, css) {
  return app.command('POST', '/execute/sync', {
    script:
      'const e = document.querySelector(arguments[0]); if (!e) return null; ' +
      'return e.getClientRects().length > 0;',
    args: [css],
  });
}

test('actions the policy leaves out are not offered, and the settings view says who set what', async () => {
  const org = await startFakeOrg();
  running.push(() => org.stop());
  const { app, path } = await appWithPolicy(
    org,
    '[locked]\nenabled_actions = ["log_call", "follow_up"]\ncache_enabled = false\n\n[defaults]\ncache_max_age_days = 7\n',
  );

  await app.type('#number-input', '720-555-0133');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Priya Raman');
  assert.equal(await rendered(app, '#log-call-form'), true);
  assert.equal(await rendered(app, '#follow-up-date'), true);
  assert.equal(await rendered(app, '#rate-hot'), false, 'rating is turned off');
  assert.equal(await rendered(app, '#status-select'), false, 'the status is turned off');

  await app.click('#settings-button');
  await app.waitForText('#policy-status', `Some settings are managed by your administrator (${path}).`);
  await app.waitForText('#policy-status', 'Turned off by your administrator: Rate leads,');
  assert.match(await app.text('.setting[data-key="enabled_actions"]'), /Log calls, Schedule follow-ups\s*Set by your administrator/);
  assert.match(await app.text('.setting[data-key="cache_enabled"]'), /Off\s*Set by your administrator/);
  assert.match(await app.text('.setting[data-key="cache_max_age_days"]'), /7\s*Your administrator's default/);
  await sleep(300);
  await app.screenshot('settings-policy.png');
});

test('a policy with a mistake is ignored whole, with a banner naming the file, line and problem', async () => {
  const org = await startFakeOrg();
  running.push(() => org.stop());
  const { app, path } = await appWithPolicy(
    org,
    '[locked]\nenabled_actions = ["log_call"]\ncallback_port = 70000\n',
  );
  await app.waitForText('#error-title', 'Policy ignored');
  await app.waitForText(
    '#error-message',
    `${path}:3:17: callback_port must be a port number from 1 to 65535, not 70000`,
  );
  // Nothing of the file applies: rating is offered.
  await app.type('#number-input', '720-555-0133');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'Priya Raman');
  assert.equal(await rendered(app, '#rate-hot'), true);
  await app.click('#settings-button');
  await app.waitForText('#policy-problem', `${path}:3:17:`);
});

test('a login server the policy locks is the only org the sign-in view offers', async () => {
  const org = await startFakeOrg();
  running.push(() => org.stop());
  const path = join(tempDir('callside-e2e-policy-'), 'policy.toml');
  writeFileSync(path, `[locked]\nlogin_url = "${org.url}"\n`);
  // The rep's own settings name another org: the policy wins.
  const driver = await startDriver(
    await appEnv(org, { CALLSIDE_POLICY: path, CALLSIDE_LOGIN_URL: 'https://test.salesforce.com' }),
  );
  running.push(() => driver.stop());
  const app = await driver.session();
  running.push(() => app.close());
  await app.waitForText('#session-status', 'Not signed in');
  const host = new URL(org.url).host;
  await app.waitForText('#org-locked', `Your administrator set the org: ${host}`);
  assert.equal(await rendered(app, '#org-kinds'), false, 'no choice of org is offered');
  assert.equal(await rendered(app, '#org-url'), false);
  await app.command('POST', '/execute/sync', {
    script: 'document.getElementById("signin-view").scrollIntoView({ block: "center" });',
    args: [],
  });
  await sleep(1000); // a screenshot right after a change can show the frame before it
  await app.screenshot('sign-in-locked.png');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
  assert.match(await app.text('#session-status'), new RegExp(host.replace(/\./g, '\\.')));
});
