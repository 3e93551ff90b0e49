#!/usr/bin/env python3
"""Conformance of the fake org with simple-salesforce 1.12.10, a client nobody here wrote.

Signs in through the real OAuth 2.0 web-server flow with PKCE (plain `requests`, as a
desktop app would), then drives the REST API through simple-salesforce over HTTPS
(simple-salesforce only speaks https, so the fake org runs with a generated test CA).

Environment: FAKE_ORG_URL (https://127.0.0.1:PORT) and FAKE_ORG_CA (the CA's PEM file).
Prints one line per check and closes with "simple-salesforce: N passed, M failed".
"""

import base64
import hashlib
import os
import secrets
import sys
import traceback
import urllib.parse

import requests
from simple_salesforce import Salesforce, format_soql
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

BASE = os.environ["FAKE_ORG_URL"].rstrip("/")
CA = os.environ["FAKE_ORG_CA"]
CLIENT_ID = "CallsideDemoConsumerKey"
REDIRECT_URI = "http://localhost:53682/callback"
VERSION = "59.0"

# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override `Session.verify`; this
# check must trust exactly the fake org's CA.
for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(var, None)
http = requests.Session()
http.verify = CA
state = {}
checks = []


def check(fn):
    checks.append(fn)
    return fn


def expect(cond, message="expectation failed"):
    if not cond:
        raise AssertionError(message)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def admin(path, **kwargs):
    r = http.post(f"{BASE}/__admin/{path}", **kwargs)
    expect(r.status_code in (200, 204), f"admin {path}: {r.status_code} {r.text}")


def authorize(challenge):
    st = secrets.token_hex(6)
    r = http.get(
        f"{BASE}/services/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "scope": "api refresh_token",
            "state": st,
        },
        allow_redirects=False,
    )
    expect(r.status_code in (302, 303), f"authorize answered {r.status_code}")
    location = r.headers["Location"]
    expect(location.startswith(REDIRECT_URI + "?"), location)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    expect(query["state"] == [st], "state echoed")
    return query["code"][0]


def token(form):
    return http.post(f"{BASE}/services/oauth2/token", data={"client_id": CLIENT_ID, **form})


def connect(access_token):
    return Salesforce(
        instance_url=state["instance_url"],
        session_id=access_token,
        version=VERSION,
        session=http,
    )


@check
def sign_in_with_pkce():
    verifier = b64url(secrets.token_bytes(96))
    code = authorize(b64url(hashlib.sha256(verifier.encode()).digest()))
    # A wrong verifier is refused, and the code is then used up.
    bad = token({"grant_type": "authorization_code", "code": code,
                 "redirect_uri": REDIRECT_URI, "code_verifier": "x" * 64})
    expect(bad.status_code == 400 and bad.json()["error"] == "invalid_grant", bad.text)
    code = authorize(b64url(hashlib.sha256(verifier.encode()).digest()))
    r = token({"grant_type": "authorization_code", "code": code,
               "redirect_uri": REDIRECT_URI, "code_verifier": verifier})
    expect(r.status_code == 200, r.text)
    body = r.json()
    for key in ("access_token", "refresh_token", "instance_url", "id", "issued_at",
                "signature", "scope", "token_type"):
        expect(key in body, f"token response lacks {key}")
    expect("expires_in" not in body, "no expires_in")
    expect(body["instance_url"] == BASE, body["instance_url"])
    expect(body["id"].startswith(BASE + "/id/00D"), body["id"])
    state.update(body)
    state["sf"] = connect(body["access_token"])


@check
def query_with_parent_and_child_relationships():
    sf = state["sf"]
    res = sf.query(
        "SELECT Id, Name, Account.Name, (SELECT Id, Subject FROM Tasks) "
        "FROM Contact WHERE LastName = 'Whitfield'"
    )
    expect(res["totalSize"] == 1 and res["done"] is True, res)
    dana = res["records"][0]
    expect(dana["attributes"]["type"] == "Contact", dana)
    expect(dana["Account"]["Name"] == "Summit Outdoor Supply", dana)
    expect(dana["Account"]["attributes"]["type"] == "Account", dana)
    subjects = [t["Subject"] for t in dana["Tasks"]["records"]]
    expect("Call with Dana Whitfield" in subjects, subjects)
    res = sf.query(format_soql(
        "SELECT Name, (SELECT Name FROM Contacts ORDER BY LastName), "
        "(SELECT Name, StageName FROM Opportunities) FROM Account WHERE Name = {}",
        "Summit Outdoor Supply"))
    acct = res["records"][0]
    expect([c["Name"] for c in acct["Contacts"]["records"]] == ["Aisha Bello", "Dana Whitfield"], acct)
    expect(acct["Opportunities"]["totalSize"] == 3, acct)
    # Escaping by the library's own formatter round-trips an apostrophe.
    res = sf.query(format_soql("SELECT Name FROM Lead WHERE LastName = {}", "O'Connor"))
    expect(res["records"][0]["Name"] == "Siobhan O'Connor", res)


@check
def paging_with_a_small_batch_size():
    sf = state["sf"]
    records = [{"attributes": {"type": "Lead"}, "LastName": f"Page {i:03}",
                "Company": "Paging Python"} for i in range(205)]
    created = sf.restful("composite/sobjects", method="POST",
                         json={"allOrNone": True, "records": records[:200]})
    created += sf.restful("composite/sobjects", method="POST",
                          json={"allOrNone": True, "records": records[200:]})
    expect(len(created) == 205 and all(r["success"] for r in created), created[:2])
    soql = "SELECT Id, Name FROM Lead WHERE Company = 'Paging Python' ORDER BY LastName"
    headers = {"Sforce-Query-Options": "batchSize=200"}
    first = sf.query(soql, headers=headers)
    expect(first["done"] is False and len(first["records"]) == 200, first.get("done"))
    expect(first["totalSize"] == 205, first["totalSize"])
    more = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True, headers=headers)
    expect(more["done"] is True and len(more["records"]) == 5, more.get("done"))
    expect(more["records"][-1]["Name"] == "Page 204", more["records"][-1])
    everything = sf.query_all(soql, headers=headers)
    expect(everything["totalSize"] == 205 and len(everything["records"]) == 205, everything["totalSize"])
    expect(len(list(sf.query_all_iter(soql, headers=headers))) == 205, "query_all_iter")


@check
def sosl_phone_search():
    sf = state["sf"]
    res = sf.search(
        "FIND {7205550111} IN PHONE FIELDS RETURNING "
        "Lead(Id, Name, Phone WHERE IsConverted = false), "
        "Contact(Id, Name, Phone, MobilePhone, Account.Name), Account(Id, Name, Phone)"
    )
    found = [(r["attributes"]["type"], r["Name"]) for r in res["searchRecords"]]
    expect(found == [("Contact", "Dana Whitfield")], found)
    expect(res["searchRecords"][0]["Account"]["Name"] == "Summit Outdoor Supply", res)
    # One number stored in two formats on a lead and a contact.
    res = sf.search("FIND {3035550188} IN PHONE FIELDS RETURNING Lead(Name), Contact(Name)")
    expect(sorted(r["Name"] for r in res["searchRecords"]) == ["Elena Rossi", "Marco Rossi"], res)
    priya = sf.query("SELECT Id FROM Lead WHERE Company = 'Lumen Analytics'")["records"][0]["Id"]
    hits = sf.quick_search("Lumen")["searchRecords"]
    expect([(r["attributes"]["type"], r["Id"]) for r in hits] == [("Lead", priya)], hits)
    expect(sf.search("FIND {0000000000} IN PHONE FIELDS RETURNING Lead(Name)")["searchRecords"] == [],
           "no match")


@check
def create_update_and_read_back():
    sf = state["sf"]
    res = sf.Lead.create({"FirstName": "Ada", "LastName": "Conformance", "Company": "Python Co",
                          "Phone": "+1 415 555 0100"})
    expect(res["success"] is True and res["errors"] == [] and res["id"].startswith("00Q"), res)
    lead_id = res["id"]
    status = sf.Lead.update(lead_id, {"Rating": "Hot", "Status": "Working - Contacted"})
    expect(status == 204, status)
    lead = sf.Lead.get(lead_id)
    expect((lead["Name"], lead["Rating"], lead["Status"]) ==
           ("Ada Conformance", "Hot", "Working - Contacted"), lead)
    task = sf.Task.create({"WhoId": lead_id, "Subject": "Inbound call", "TaskSubtype": "Call",
                           "CallType": "Inbound", "Status": "Completed",
                           "CallDurationInSeconds": 95, "CallObject": "py-call-1"})
    expect(task["success"], task)
    got = sf.Task.get(task["id"])
    expect(got["IsClosed"] is True and got["CallDurationInSeconds"] == 95, got)
    opp = sf.query("SELECT Id FROM Opportunity WHERE Name = 'Summit - Spring Catalog'")["records"][0]
    sf.Opportunity.update(opp["Id"], {"StageName": "Closed Won"})
    opp = sf.Opportunity.get(opp["Id"])
    expect((opp["Probability"], opp["IsWon"], opp["IsClosed"]) == (100.0, True, True), opp)
    try:
        account = sf.query("SELECT Id FROM Account LIMIT 1")["records"][0]["Id"]
        sf.Task.create({"WhoId": lead_id, "WhatId": account, "Subject": "Not allowed"})
        raise AssertionError("a lead task with a WhatId must fail")
    except SalesforceMalformedRequest as e:
        expect(e.status == 400 and e.content[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION", e.content)
    try:
        sf.Lead.update(lead_id, {"Rating": "Cold"},
                       headers={"If-Unmodified-Since": "Mon, 30 Nov 2020 08:34:54 MST"})
        raise AssertionError("a stale If-Unmodified-Since must fail")
    except SalesforceGeneralError as e:
        expect(e.status == 412, e.status)
    expect(sf.Lead.delete(lead_id) == 204, "delete")
    try:
        sf.Lead.get(lead_id)
        raise AssertionError("a deleted lead is gone")
    except SalesforceResourceNotFound as e:
        expect(e.content[0]["errorCode"] == "ENTITY_IS_DELETED", e.content)


@check
def describe_and_picklist_setup_objects():
    sf = state["sf"]
    d = sf.Lead.describe()
    status = next(f for f in d["fields"] if f["name"] == "Status")
    expect(status["type"] == "picklist", status["type"])
    values = [(v["value"], v["defaultValue"]) for v in status["picklistValues"]]
    expect(values[0] == ("Open - Not Contacted", True) and len(values) == 4, values)
    names = {o["name"] for o in sf.describe()["sobjects"]}
    expect({"Lead", "Contact", "Account", "Opportunity", "Task", "OpportunityStage"} <= names, names)
    stages = sf.query("SELECT ApiName, DefaultProbability, IsClosed, IsWon FROM OpportunityStage "
                      "WHERE IsActive = true ORDER BY SortOrder")["records"]
    picklist = next(f for f in sf.Opportunity.describe()["fields"] if f["name"] == "StageName")
    expect([s["ApiName"] for s in stages] == [v["value"] for v in picklist["picklistValues"]], stages)
    expect(stages[0]["DefaultProbability"] == 10 and stages[-2]["IsWon"] is True, stages)


@check
def limits_and_usage_header():
    sf = state["sf"]
    limits = sf.limits()
    expect(limits["DailyApiRequests"]["Max"] == 15000, limits["DailyApiRequests"])
    usage = sf.api_usage["api-usage"]
    expect(usage.total == 15000 and 0 < usage.used < 15000, usage)
    admin("faults", json={"apiUsage": 15000})
    try:
        sf.query("SELECT Id FROM Lead LIMIT 1")
        raise AssertionError("over the limit must fail")
    except SalesforceRefusedRequest as e:
        expect(e.status == 403 and e.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED", e.content)
    finally:
        admin("faults", json={"apiUsage": usage.used})


@check
def composite_all_or_none_rolls_back():
    sf = state["sf"]
    v = f"/services/data/v{VERSION}"
    res = sf.restful("composite", method="POST", json={
        "allOrNone": True,
        "compositeRequest": [
            {"method": "POST", "url": f"{v}/sobjects/Lead", "referenceId": "newLead",
             "body": {"LastName": "Rolled", "Company": "Back Co"}},
            {"method": "POST", "url": f"{v}/sobjects/Task", "referenceId": "callLog",
             "body": {"WhoId": "@{newLead.id}", "Subject": "Call", "Status": "Nope"}},
        ],
    })
    first, second = res["compositeResponse"]
    expect(first["httpStatusCode"] == 400, first)
    expect(first["body"][0]["errorCode"] == "PROCESSING_HALTED", first)
    expect(second["body"][0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", second)
    expect(sf.query("SELECT Id FROM Lead WHERE LastName = 'Rolled'")["totalSize"] == 0, "rolled back")
    res = sf.restful("composite", method="POST", json={
        "allOrNone": True,
        "compositeRequest": [
            {"method": "GET", "url": f"{v}/query/?q=SELECT+Id+FROM+Lead+WHERE+LastName='Raman'",
             "referenceId": "q"},
            {"method": "PATCH", "url": f"{v}/sobjects/Lead/@{{q.records[0].Id}}",
             "referenceId": "rate", "body": {"Rating": "Hot"}},
        ],
    })
    expect([r["httpStatusCode"] for r in res["compositeResponse"]] == [200, 204], res)


@check
def errors_map_to_library_exceptions():
    sf = state["sf"]
    try:
        sf.query("SELECT Id FROM")
        raise AssertionError("bad SOQL must fail")
    except SalesforceMalformedRequest as e:
        expect(e.content[0]["errorCode"] == "MALFORMED_QUERY", e.content)
    try:
        sf.Lead.get("00QDm0000009999AAA")
        raise AssertionError("unknown id must fail")
    except SalesforceResourceNotFound as e:
        expect(e.content[0]["errorCode"] == "NOT_FOUND", e.content)


@check
def dropped_connection_is_a_connection_error():
    sf = state["sf"]
    admin("faults", json={"faults": [{"kind": "drop-after-apply", "method": "POST",
                                      "pathPrefix": f"/services/data/v{VERSION}/sobjects/Task"}]})
    try:
        sf.Task.create({"Subject": "Answer lost", "CallObject": "py-call-9"})
        raise AssertionError("the connection must be dropped")
    except requests.exceptions.ConnectionError:
        pass
    saved = sf.query("SELECT Subject FROM Task WHERE CallObject = 'py-call-9'")
    expect(saved["totalSize"] == 1, "the write was applied")
    admin("faults", json={"faults": [{"kind": "unavailable", "method": "GET"}]})
    try:
        sf.query("SELECT Id FROM Lead LIMIT 1")
        raise AssertionError("503 expected")
    except SalesforceGeneralError as e:
        expect(e.status == 503 and e.content[0]["errorCode"] == "SERVER_UNAVAILABLE", e.content)


@check
def expired_session_then_refresh_token():
    admin("expire-sessions")
    try:
        state["sf"].query("SELECT Id FROM Lead LIMIT 1")
        raise AssertionError("an expired session must fail")
    except SalesforceExpiredSession as e:
        expect(e.content[0]["errorCode"] == "INVALID_SESSION_ID", e.content)
    r = token({"grant_type": "refresh_token", "refresh_token": state["refresh_token"]})
    expect(r.status_code == 200, r.text)
    body = r.json()
    expect("refresh_token" not in body and body["instance_url"] == BASE, body)
    sf = connect(body["access_token"])
    expect(sf.query("SELECT COUNT() FROM Lead")["totalSize"] > 0, "query after refresh")


def main():
    passed = failed = 0
    for fn in checks:
        name = fn.__name__
        if "sf" not in state and name != "sign_in_with_pkce":
            print(f"not ok - {name}: not signed in")
            failed += 1
            continue
        try:
            fn()
            print(f"ok - {name}")
            passed += 1
        except Exception as e:  # a failed check must not stop the others
            print(f"not ok - {name}: {type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stdout)
            failed += 1
    print(f"simple-salesforce: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
