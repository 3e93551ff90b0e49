// Searching by what the rep has, end to end in the real app window: an email address, a
// name with an apostrophe, a company; the caller card's account facts (with the admin's
// custom fields from the config file) and the account hierarchy one click away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appEnv, sleep, startDriver, startFakeOrg, tempDir, waitFor } from './harness.mjs';

let org;
let driver;
let app;

before(async () => {
  org = await startFakeOrg();
  const config = join(tempDir('callside-e2e-search-'), 'config.toml');
  writeFileSync(config, 'account_fields = ["Health_Score__c", "Last_Activity__c"]\n');
  driver = await startDriver(await appEnv(org, { CALLSIDE_CONFIG: config }));
  app = await driver.session();
  await app.waitForText('#session-status', 'Not signed in');
  await waitFor('the sign-in view', async () => (await app.findAll('#signin-view[data-loaded]')).length > 0);
  await app.click('#signin-button');
  await app.waitForText('#session-status', 'Signed in as');
});

after(async () => {
  await app?.close();
  await driver?.stop();
  await org?.stop();
});

async function search(term, expected) {
  await app.type('#number-input', term);
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', expected);
}

/** The facts shown, as "label: value" lines. */
async function facts() {
  return app.command('POST', '/execute/sync', {
    script:
      'return Array.from(document.querySelectorAll("#account-facts .fact")).map((f) => ' +
      'f.querySelector("dt").textContent + ": " + f.querySelector("dd").textContent);',
    args: [],
  });
}

const searches = async () => (await org.requests()).filter((r) => r.path.endsWith('/search')).length;

test('an email address finds the contact, and the card shows the account behind her', async () => {
  await search('Dana.Whitfield@SummitOutdoor.example', 'Dana Whitfield');
  assert.match(await app.text('#search-kind'), /Searched as an email address: dana\.whitfield@summitoutdoor\.example/);
  assert.match(await app.text('#caller-number'), /dana\.whitfield@summitoutdoor\.example/);
  await app.waitForText('#opportunities', 'Summit - Store Fixtures');
  // The custom fields come with the related records.
  await waitFor('the mapped custom fields', async () => (await facts()).some((f) => f.startsWith('Health Score')));
  const shown = await facts();
  for (const expected of [
    'Industry: Retail',
    'Employees: 85',
    'Website: summitoutdoor.example',
    'Phone: (720) 555-0100',
    'Type: Customer - Direct',
    'Parent account: Summit Holdings Inc.',
    'Owner: Riley Demo',
    'Health Score: 86',
  ]) {
    assert.ok(shown.includes(expected), `${expected} in ${JSON.stringify(shown)}`);
  }
  // WebKitGTK's number formatting may leave the digits ungrouped.
  assert.ok(shown.some((f) => /^Annual revenue: \$\s?4,?200,?000$/.test(f)), JSON.stringify(shown));
  assert.ok(
    shown.some((f) => f.startsWith('Billing address: 1550 Wynkoop St') && f.includes('Denver, CO 80202')),
    JSON.stringify(shown),
  );
  assert.ok(shown.some((f) => f.startsWith('Last Activity (CRM): ')), JSON.stringify(shown));
  assert.equal(await app.textContent('#account-facts-heading'), 'Account Summit Outdoor Supply');

  // One click: the parent, its other company, and the open business across all contacts.
  await app.click('#account-facts .show-hierarchy');
  const family = await app.waitForText('#account-hierarchy', 'Summit Trail Rentals');
  assert.match(family, /Summit Holdings Inc\./);
  assert.match(family, /this account/);
  assert.match(family, /Summit - Spring Catalog/);
  assert.match(family, /Summit - Store Fixtures/);
  assert.match(family, /Dana Whitfield/);
  assert.doesNotMatch(family, /Winter Restock/, 'closed opportunities are not shown');
  await sleep(800);
  const shot = await app.screenshot('account-facts.png');
  console.log(`screenshot: ${shot}`);
});

test("a name with an apostrophe finds the lead, whose company is what the lead records", async () => {
  await search("Siobhan O'Connor", "Siobhan O'Connor");
  assert.match(await app.text('#search-kind'), /Searched as a name or company/);
  assert.equal(await app.textContent('#account-facts-heading'), 'Company Harbour & Sons');
  // The lead's company is what the lead records: a note says so, and no parent or type.
  assert.ok((await app.textContent('#account-facts .facts-note'))?.length > 0);
  const shown = await facts();
  assert.ok(!shown.some((f) => f.startsWith('Parent account') || f.startsWith('Type')), JSON.stringify(shown));
});

test('a company lists its account and people to pick from; a lead finds its account by name', async () => {
  await search('Summit Trail Rentals', 'Rosa Delgado');
  const listed = await app.text('#matches');
  for (const name of ['Summit Trail Rentals', 'Rosa Delgado', 'Lena Vogt']) assert.match(listed, new RegExp(name));
  await app.click('#matches .match[data-type="Lead"]');
  await waitFor('the lead\'s company', async () => (await app.textContent('#account-facts-heading')) === 'Company Summit Trail Rentals');
  await app.click('#account-facts .show-hierarchy');
  const family = await app.waitForText('#account-hierarchy', 'Summit Trail - Bike Fleet');
  assert.ok((await app.textContent('#account-hierarchy .facts-note'))?.length > 0, 'says it was found by the company');
  assert.match(family, /Summit Holdings Inc\./);
  assert.match(family, /Rosa Delgado/);
  assert.match(family, /Summit Outdoor Supply/);
  await app.screenshot('search-company.png');
});

test('a term of reserved characters only is refused before any request', async () => {
  const before = await searches();
  await app.type('#number-input', '{}[]()^~*');
  await app.click('#lookup-button');
  const error = await app.waitForText('#error-banner', 'no letters or digits');
  assert.match(error, /no letters or digits/);
  assert.equal(await searches(), before, 'no search reached Salesforce');
  // A phone number still pops as before.
  await search('720-555-0133', 'Priya Raman');
  assert.match(await app.text('#search-kind'), /Searched as a phone number: \+17205550133/);
  assert.match(await app.text('#caller-number'), /\+17205550133/);
});
