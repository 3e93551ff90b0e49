// Conformance of the fake org with jsforce 3, a client nobody here wrote.
//
// Signs in with jsforce's own OAuth2 helper (authorization code + PKCE: the fake org
// checks jsforce's 171-character verifier), then drives the REST API through a
// jsforce Connection over plain HTTP, including its automatic token refresh.
//
// Environment: FAKE_ORG_URL (http://127.0.0.1:PORT).
// Prints one line per check and closes with "jsforce: N passed, M failed".

import assert from 'node:assert/strict';
import jsforce from 'jsforce';

const BASE = process.env.FAKE_ORG_URL.replace(/\/$/, '');
const CLIENT_ID = 'CallsideDemoConsumerKey';
const REDIRECT_URI = 'http://localhost:53682/callback';
const VERSION = '59.0';
const V = `/services/data/v${VERSION}`;

const state = {};
const checks = [];
const check = (name, fn) => checks.push({ name, fn });

async function admin(path, body) {
  const res = await fetch(`${BASE}/__admin/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `admin ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

/** Rejects with the error jsforce raises; fails when the promise resolves. */
async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}

check('sign in with OAuth2 + PKCE', async () => {
  const oauth2 = new jsforce.OAuth2({
    loginUrl: BASE,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    useVerifier: true,
  });
  const url = oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'conformance' });
  assert.match(url, /code_challenge=/);
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get('location'));
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
  assert.equal(location.searchParams.get('state'), 'conformance');
  const code = location.searchParams.get('code');
  assert.ok(code);
  const tokens = await oauth2.requestToken(code);
  assert.equal(tokens.instance_url, BASE);
  assert.equal(tokens.token_type, 'Bearer');
  assert.ok(tokens.refresh_token && tokens.access_token && tokens.signature);
  assert.equal(tokens.expires_in, undefined);
  // The code is single-use.
  const reuse = await rejection(oauth2.requestToken(code));
  assert.equal(reuse.name, 'invalid_grant');

  const conn = new jsforce.Connection({
    oauth2,
    instanceUrl: tokens.instance_url,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    version: VERSION,
  });
  state.refreshed = [];
  conn.on('refresh', (accessToken) => state.refreshed.push(accessToken));
  Object.assign(state, { oauth2, tokens, conn });
  const identity = await conn.identity();
  assert.equal(identity.username, 'riley.demo@callside.example');
  assert.ok(tokens.id.endsWith(`/${identity.organization_id}/${identity.user_id}`));
});

check('query with parent fields and child subqueries', async () => {
  const { conn } = state;
  const res = await conn.query(
    "SELECT Id, Name, Phone, (SELECT Name, Phone FROM Contacts ORDER BY LastName), " +
      "(SELECT Name, StageName, Probability FROM Opportunities ORDER BY Name) " +
      "FROM Account WHERE Name = 'Summit Outdoor Supply'",
  );
  assert.equal(res.totalSize, 1);
  const acct = res.records[0];
  assert.equal(acct.attributes.type, 'Account');
  assert.deepEqual(acct.Contacts.records.map((c) => c.Name), ['Aisha Bello', 'Dana Whitfield']);
  assert.equal(acct.Opportunities.totalSize, 3);
  const contacts = await conn.query(
    "SELECT Name, Account.Name, Account.Owner.Name FROM Contact WHERE LastName = 'Müller'",
  );
  assert.equal(contacts.records[0].Account.Name, 'Bergmann Maschinenbau GmbH');
  assert.equal(contacts.records[0].Account.Owner.Name, 'Riley Demo');
  // A contact without an account has a null parent.
  const created = await conn.sobject('Contact').create({ LastName: 'Orphan' });
  const orphan = await conn.query(`SELECT Account.Name FROM Contact WHERE Id = '${created.id}'`);
  assert.equal(orphan.records[0].Account, null);
});

check('paging with Sforce-Query-Options batchSize and autoFetch', async () => {
  const { conn } = state;
  const records = Array.from({ length: 205 }, (_, i) => ({
    LastName: `Page ${String(i).padStart(3, '0')}`,
    Company: 'Paging Node',
  }));
  // More than 200 records: jsforce splits them into sObject Collections calls.
  const results = await conn.sobject('Lead').create(records, { allOrNone: true, allowRecursive: true });
  assert.equal(results.length, 205);
  assert.ok(results.every((r) => r.success && r.id.startsWith('00Q')));
  const soql = "SELECT Id, Name FROM Lead WHERE Company = 'Paging Node' ORDER BY LastName";
  const headers = { 'Sforce-Query-Options': 'batchSize=200' };
  const first = await conn.query(soql, { headers });
  assert.equal(first.done, false);
  assert.equal(first.records.length, 200);
  assert.equal(first.totalSize, 205);
  assert.match(first.nextRecordsUrl, /\/services\/data\/v59\.0\/query\/.+-200$/);
  const more = await conn.queryMore(first.nextRecordsUrl);
  assert.equal(more.done, true);
  assert.equal(more.records.at(-1).Name, 'Page 204');
  const all = await conn.query(soql, { headers, autoFetch: true, maxFetch: 1000 });
  assert.equal(all.records.length, 205);
  const fetched = [];
  await new Promise((resolve, reject) => {
    conn
      .query(soql)
      .on('record', (r) => fetched.push(r.Id))
      .on('end', resolve)
      .on('error', reject)
      .run({ autoFetch: true, maxFetch: 1000, headers });
  });
  assert.equal(new Set(fetched).size, 205);
});

check('SOSL phone search', async () => {
  const { conn } = state;
  const res = await conn.search(
    'FIND {7205550133} IN PHONE FIELDS RETURNING Lead(Id, Name, Phone, Status WHERE IsConverted = false), ' +
      'Contact(Id, Name, Phone, Account.Name), Account(Id, Name, Phone)',
  );
  assert.deepEqual(
    res.searchRecords.map((r) => [r.attributes.type, r.Name, r.Phone]),
    [['Lead', 'Priya Raman', '720-555-0133']],
  );
  const both = await conn.search('FIND {3035550188} IN PHONE FIELDS RETURNING Lead(Name), Contact(Name, Account.Name)');
  assert.deepEqual(both.searchRecords.map((r) => r.Name).sort(), ['Elena Rossi', 'Marco Rossi']);
  const converted = await conn.search(
    'FIND {3035550177} IN PHONE FIELDS RETURNING Lead(Name WHERE IsConverted = false)',
  );
  assert.deepEqual(converted.searchRecords, []);
});

check('create, update and read back', async () => {
  const { conn } = state;
  const lead = conn.sobject('Lead');
  const ret = await lead.create({ FirstName: 'Grace', LastName: 'Conformance', Company: 'Node Co', Phone: '+1 415 555 0199' });
  assert.equal(ret.success, true);
  assert.deepEqual(ret.errors, []);
  const up = await lead.update({ Id: ret.id, Rating: 'Hot', Status: 'Working - Contacted' });
  assert.deepEqual(up, { id: ret.id, success: true, errors: [] });
  const got = await lead.retrieve(ret.id);
  assert.deepEqual([got.Name, got.Rating, got.Status], ['Grace Conformance', 'Hot', 'Working - Contacted']);
  // Several at once go through sObject Collections (retrieve describes the object first).
  const two = await lead.create([
    { LastName: 'Multi One', Company: 'Multi' },
    { LastName: 'Multi Two', Company: 'Multi' },
  ]);
  const ids = two.map((r) => r.id);
  const updated = await lead.update(ids.map((Id) => ({ Id, Rating: 'Cold' })));
  assert.ok(updated.every((r) => r.success));
  const many = await lead.retrieve(ids);
  assert.deepEqual(many.map((r) => [r.Name, r.Rating]), [['Multi One', 'Cold'], ['Multi Two', 'Cold']]);
  const task = await conn.sobject('Task').create({
    WhoId: ret.id,
    Subject: 'Outbound call',
    TaskSubtype: 'Call',
    CallType: 'Outbound',
    Status: 'Completed',
    CallDurationInSeconds: 42,
  });
  assert.equal(task.success, true);
  const bad = await rejection(
    conn.sobject('Lead').create({ LastName: 'No Company' }),
  );
  assert.equal(bad.errorCode, 'REQUIRED_FIELD_MISSING');
  const gone = await conn.sobject('Lead').destroy(ids);
  assert.ok(gone.every((r) => r.success));
  const after = await conn.query(`SELECT COUNT() FROM Lead WHERE Company = 'Multi'`);
  assert.equal(after.totalSize, 0);
});

check('describe with picklists and OpportunityStage', async () => {
  const { conn } = state;
  const task = await conn.sobject('Task').describe();
  const callType = task.fields.find((f) => f.name === 'CallType');
  assert.deepEqual(callType.picklistValues.map((v) => v.value), ['Inbound', 'Internal', 'Outbound']);
  const priority = task.fields.find((f) => f.name === 'Priority');
  assert.equal(priority.picklistValues.find((v) => v.defaultValue).value, 'Normal');
  const global = await conn.describeGlobal();
  assert.ok(global.sobjects.some((o) => o.name === 'LeadStatus'));
  const stages = await conn.query(
    'SELECT MasterLabel, ApiName, DefaultProbability, IsClosed, IsWon, SortOrder, IsActive, ForecastCategoryName FROM OpportunityStage',
  );
  const byName = Object.fromEntries(stages.records.map((s) => [s.ApiName, s]));
  assert.equal(byName['Negotiation/Review'].DefaultProbability, 90);
  assert.equal(byName['Closed Lost'].ForecastCategoryName, 'Omitted');
  const statuses = await conn.query('SELECT MasterLabel, IsDefault, IsConverted, SortOrder FROM LeadStatus ORDER BY SortOrder');
  assert.equal(statuses.records.find((s) => s.IsDefault).MasterLabel, 'Open - Not Contacted');
});

check('limits and Sforce-Limit-Info', async () => {
  const { conn } = state;
  const limits = await conn.limits();
  assert.equal(limits.DailyApiRequests.Max, 15000);
  assert.equal(conn.limitInfo.apiUsage.limit, 15000);
  assert.ok(conn.limitInfo.apiUsage.used > 0);
  const used = conn.limitInfo.apiUsage.used;
  await admin('faults', { apiUsage: 15000 });
  try {
    const err = await rejection(conn.query('SELECT Id FROM Lead LIMIT 1'));
    assert.equal(err.errorCode, 'REQUEST_LIMIT_EXCEEDED');
  } finally {
    await admin('faults', { apiUsage: used });
  }
});

check('composite with references and allOrNone rollback', async () => {
  const { conn } = state;
  const ok = await conn.requestPost('/composite', {
    allOrNone: true,
    compositeRequest: [
      { method: 'POST', url: `${V}/sobjects/Lead`, referenceId: 'newLead', body: { LastName: 'Chain', Company: 'Ref Co' } },
      {
        method: 'POST',
        url: `${V}/sobjects/Task`,
        referenceId: 'callLog',
        body: { WhoId: '@{newLead.id}', Subject: 'Inbound call', TaskSubtype: 'Call', Status: 'Completed' },
      },
    ],
  });
  assert.deepEqual(ok.compositeResponse.map((r) => r.httpStatusCode), [201, 201]);
  const leadId = ok.compositeResponse[0].body.id;
  const tasks = await conn.query(`SELECT Subject FROM Task WHERE WhoId = '${leadId}'`);
  assert.equal(tasks.records[0].Subject, 'Inbound call');
  const rolled = await conn.requestPost('/composite', {
    allOrNone: true,
    compositeRequest: [
      { method: 'POST', url: `${V}/sobjects/Lead`, referenceId: 'newLead', body: { LastName: 'Undone', Company: 'Gone' } },
      { method: 'PATCH', url: `${V}/sobjects/Lead/@{newLead.id}`, referenceId: 'bad', body: { Rating: 'Lukewarm' } },
    ],
  });
  assert.deepEqual(rolled.compositeResponse[0].body, [
    {
      errorCode: 'PROCESSING_HALTED',
      message: 'The transaction was rolled back since another operation in the same transaction failed.',
    },
  ]);
  const undone = await conn.query("SELECT COUNT() FROM Lead WHERE LastName = 'Undone'");
  assert.equal(undone.totalSize, 0);
});

check('errors carry Salesforce error codes', async () => {
  const { conn } = state;
  const malformed = await rejection(conn.query('SELECT FROM Lead'));
  assert.equal(malformed.errorCode, 'MALFORMED_QUERY');
  const missing = await rejection(conn.sobject('Lead').retrieve('00QDm0000009999AAA'));
  assert.equal(missing.errorCode, 'NOT_FOUND');
  // POST is not retried by jsforce: the 503 surfaces with its error code.
  await admin('faults', { faults: [{ kind: 'unavailable', times: 1, method: 'POST' }] });
  const unavailable = await rejection(conn.sobject('Lead').create({ LastName: 'Later', Company: 'Busy' }));
  assert.equal(unavailable.errorCode, 'SERVER_UNAVAILABLE');
});

check('jsforce retries GETs over a 503 and a dropped connection', async () => {
  const { conn } = state;
  await fetch(`${BASE}/__admin/requests`, { method: 'DELETE' });
  await admin('faults', {
    faults: [
      { kind: 'unavailable', times: 1, method: 'GET', pathPrefix: `${V}/query` },
      { kind: 'drop-before-apply', times: 1, method: 'GET', pathPrefix: `${V}/query` },
    ],
  });
  const res = await conn.query("SELECT Id FROM Lead WHERE LastName = 'Raman'");
  assert.equal(res.totalSize, 1);
  const log = await admin('requests');
  assert.deepEqual(
    log.map((r) => [r.method, r.status, r.fault]),
    [
      ['GET', 503, 'unavailable'],
      ['GET', null, 'drop-before-apply'],
      ['GET', 200, null],
    ],
  );
  // A write whose answer is lost: jsforce reports a network error, the record exists.
  await admin('faults', { faults: [{ kind: 'drop-after-apply', method: 'POST', pathPrefix: `${V}/sobjects/Task` }] });
  const lost = await rejection(
    conn.sobject('Task').create({ Subject: 'Answer lost', CallObject: 'js-call-9' }),
  );
  // node-fetch: `socket hang up`, a connection error rather than an HTTP status.
  assert.equal(lost.code, 'ECONNRESET', String(lost));
  assert.equal(lost.errorCode, undefined, String(lost));
  const saved = await conn.query("SELECT Subject FROM Task WHERE CallObject = 'js-call-9'");
  assert.equal(saved.totalSize, 1);
});

check('refresh after the sessions expire', async () => {
  const { conn, tokens } = state;
  await admin('expire-sessions', {});
  const res = await conn.query('SELECT COUNT() FROM Account');
  assert.ok(res.totalSize > 0);
  assert.equal(state.refreshed.length, 1);
  assert.notEqual(conn.accessToken, tokens.access_token);
  const log = await admin('requests');
  const tail = log.slice(-3).map((r) => [r.method, r.path.replace(/\?.*/, ''), r.status]);
  assert.deepEqual(tail, [
    ['GET', `${V}/query`, 401],
    ['POST', '/services/oauth2/token', 200],
    ['GET', `${V}/query`, 200],
  ]);
});

check('revoke ends the refresh token', async () => {
  const { oauth2, tokens } = state;
  await oauth2.revokeToken(tokens.refresh_token);
  const err = await rejection(oauth2.refreshToken(tokens.refresh_token));
  assert.equal(err.name, 'invalid_grant');
});

let passed = 0;
let failed = 0;
for (const { name, fn } of checks) {
  if (!state.conn && passed + failed > 0) {
    console.log(`not ok - ${name}: not signed in`);
    failed += 1;
    continue;
  }
  try {
    await fn();
    console.log(`ok - ${name}`);
    passed += 1;
  } catch (err) {
    console.log(`not ok - ${name}: ${err?.stack ?? err}`);
    failed += 1;
  }
}
console.log(`jsforce: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
