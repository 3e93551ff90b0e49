// The app in German, in the real window: its own words and the messages the core and
// the shell give (sent as keys and values, shown from the UI's German dictionary).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appEnv, startDriver, startFakeOrg } from './harness.mjs';

const running = [];
after(async () => {
  for (const stop of running.reverse()) await stop();
});

test('in German, the core\'s and the shell\'s messages are German too', async () => {
  const org = await startFakeOrg();
  running.push(() => org.stop());
  const driver = await startDriver(await appEnv(org, { CALLSIDE_LANGUAGE: 'de' }));
  running.push(() => driver.stop());
  const app = await driver.session();
  running.push(() => app.close());
  await app.waitForText('#session-status', 'Nicht angemeldet');
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Angemeldet als');

  // The core refuses a one-character search before any request.
  await app.type('#number-input', 'x');
  await app.click('#lookup-button');
  await app.waitForText('#error-title', 'Eingabe prüfen');
  await app.waitForText('#error-message', 'Geben Sie mindestens zwei Buchstaben oder Ziffern ein');
  await app.click('#error-dismiss');

  // Salesforce out of reach: the words around the detail are German.
  await org.stop();
  await app.type('#number-input', '303 555 0188');
  await app.click('#lookup-button');
  await app.waitForText('#error-message', 'Salesforce ist nicht erreichbar', 30000);
  await app.screenshot('german-error.png');
  await app.click('#error-dismiss');

  // The shell refuses an address that is not one, in the sign-in view.
  await app.click('#signout-button');
  await app.waitForText('#session-status', 'Nicht angemeldet');
  await app.click('#org-kind-custom');
  await app.type('#org-url', 'ftp://acme.my.salesforce.com');
  await app.click('#signin-button');
  await app.waitForText('#error-message', '"ftp://acme.my.salesforce.com" ist keine Webadresse');
});
