// The rep's actions end to end in the real app window: rate a lead and set its status,
// advance an opportunity, and create a lead for an unknown caller; each lands in the org.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { appEnv, freePort, root, sleep, startDriver, startFakeOrg, tempDir, waitFor } from './harness.mjs';

let org;
let driver;
let app;

before(async () => {
  org = await startFakeOrg();
  driver = await startDriver(await appEnv(org));
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

async function pop(number, name) {
  await app.type('#number-input', number);
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', name);
}

async function lead(where) {
  return (await org.records('Lead')).find(where);
}

test('a rep rates a lead and sets its status', async () => {
  await pop('720-555-0133', 'Priya Raman');
  await app.click('#rate-hot');
  await app.waitForText('#action-status', 'Saved to Salesforce');
  await waitFor('the rating in the org', async () => (await lead((l) => l.LastName === 'Raman'))?.Rating === 'Hot');
  assert.equal(
    await app.command('POST', '/execute/sync', {
      script: 'return document.querySelector("#rate-hot").getAttribute("aria-pressed");',
      args: [],
    }),
    'true',
  );

  // The statuses load on first need.
  await waitFor('the lead statuses', async () =>
    (await app.textContent('#status-select'))?.includes('Working - Contacted'),
  );
  await app.setValue('#status-select', 'Working - Contacted');
  await app.waitForText('#action-status', 'Status Working - Contacted');
  await waitFor(
    'the status in the org',
    async () => (await lead((l) => l.LastName === 'Raman'))?.Status === 'Working - Contacted',
  );
  await sleep(500);
  await app.screenshot('actions-lead.png');
});

test('a rep advances an opportunity to its next stage', async () => {
  await pop('(720) 555-0111', 'Dana Whitfield');
  await app.waitForText('#opportunities', 'Summit - Spring Catalog');
  const [opportunity] = (await org.records('Opportunity')).filter((o) => o.Name === 'Summit - Spring Catalog');
  assert.equal(opportunity.StageName, 'Prospecting');
  await app.click(`.advance-stage[data-id="${opportunity.Id}"]`);
  await app.waitForText('#action-status', 'Saved to Salesforce');
  await waitFor('the stage in the org', async () => {
    const [now] = (await org.records('Opportunity')).filter((o) => o.Id === opportunity.Id);
    return now.StageName === 'Qualification';
  });
  assert.match(await app.text(`#opportunities tr[data-id="${opportunity.Id}"]`), /Qualification/);
});

test('a rep creates a lead for an unknown caller', async () => {
  await app.type('#number-input', '+1 415 555 0123');
  await app.click('#lookup-button');
  await app.waitForText('#caller-panel', 'No Salesforce record has this number.');
  await app.type('#lead-first-name', 'Siobhán');
  await app.type('#lead-last-name', "O'Hara");
  await app.type('#lead-company', 'Harbor Logistics');
  await app.click('#create-lead-button');
  await app.waitForText('#create-lead-result', 'Lead created');

  const created = await waitFor('the new lead in the org', () => lead((l) => l.LastName === "O'Hara"));
  assert.equal(created.LeadSource, 'Phone Call');
  assert.equal(created.Company, 'Harbor Logistics');
  // The panel pops the number again and shows the new lead (from the cache).
  await app.waitForText('#caller-panel', "Siobhán O'Hara");
  await app.waitForText('#action-bar', 'Rating');
  await sleep(500);
  await app.screenshot('create-lead.png');
});
