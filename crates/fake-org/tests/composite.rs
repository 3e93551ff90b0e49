//! `POST /composite` and the sObject Collections, over real HTTP.

mod common;

use common::{error_code, records_where, session, V};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ROLLBACK: &str =
    "The transaction was rolled back since another operation in the same transaction failed.";

fn sub(method: &str, url: &str, reference_id: &str, body: Option<Value>) -> Value {
    let mut v = json!({"method": method, "url": format!("{V}{url}"), "referenceId": reference_id});
    if let Some(b) = body {
        v["body"] = b;
    }
    v
}

fn halted_for_rollback(r: &Value) {
    assert_eq!(r["httpStatusCode"], json!(400), "{r}");
    assert_eq!(
        r["body"],
        json!([{"errorCode": "PROCESSING_HALTED", "message": ROLLBACK}]),
        "{r}"
    );
}

#[tokio::test]
async fn composite_chains_references_and_counts_as_one_call() {
    let s = session().await;
    let before = s.org.api_request_count();
    let request = json!({
        "allOrNone": true,
        "collateSubrequests": false,
        "compositeRequest": [
            sub("POST", "/sobjects/Lead", "newLead", Some(json!({
                "LastName": "Okafor", "Company": "Unknown", "Phone": "+14155551212"
            }))),
            sub("POST", "/sobjects/Task", "callLog", Some(json!({
                "WhoId": "@{newLead.id}", "Subject": "Inbound call",
                "TaskSubtype": "Call", "Status": "Completed", "CallType": "Inbound"
            }))),
            sub("GET", "/sobjects/Lead/@{newLead.id}?fields=Id,Name,Phone", "readBack", None),
            sub("PATCH", "/sobjects/Lead/@{newLead.id}", "rate", Some(json!({"Rating": "Hot"}))),
            sub("GET", "/query?q=SELECT+Id,+Subject,+WhoId+FROM+Task+WHERE+WhoId+=+'@{newLead.id}'", "tasks", None),
            sub("PATCH", "/sobjects/Task/@{tasks.records[0].Id}", "notes", Some(json!({
                "Description": "Asked for a callback about @{readBack.Name}"
            }))),
        ]
    });
    let a = s.post(&format!("{V}/composite"), request).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(s.org.api_request_count() - before, 1, "one API request");
    assert!(a.headers.contains_key("sforce-limit-info"));
    let results = a.body["compositeResponse"].as_array().expect("array");
    assert_eq!(results.len(), 6);
    for r in results {
        let keys: Vec<&String> = r.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            ["body", "httpHeaders", "httpStatusCode", "referenceId"],
            "{r}"
        );
    }
    let lead_id = results[0]["body"]["id"]
        .as_str()
        .expect("lead id")
        .to_string();
    assert_eq!(results[0]["httpStatusCode"], json!(201));
    assert_eq!(results[0]["referenceId"], json!("newLead"));
    assert_eq!(results[0]["body"]["success"], json!(true));
    assert_eq!(results[0]["body"]["errors"], json!([]));
    assert_eq!(
        results[0]["httpHeaders"],
        json!({"Location": format!("{V}/sobjects/Lead/{lead_id}")})
    );
    assert_eq!(results[1]["httpStatusCode"], json!(201));
    assert_eq!(results[2]["httpStatusCode"], json!(200));
    assert_eq!(results[2]["body"]["Name"], json!("Okafor"));
    assert!(results[2]["httpHeaders"]["Last-Modified"].is_string());
    assert_eq!(results[3]["httpStatusCode"], json!(204));
    assert_eq!(results[3]["body"], Value::Null);
    assert_eq!(results[3]["httpHeaders"], json!({}));
    assert_eq!(results[4]["body"]["totalSize"], json!(1));
    assert_eq!(results[5]["httpStatusCode"], json!(204));

    let lead = &records_where(&s.org, "Lead", "Id", &lead_id)[0];
    assert_eq!(lead["Rating"], json!("Hot"));
    let task = &records_where(&s.org, "Task", "WhoId", &lead_id)[0];
    assert_eq!(task["Subject"], json!("Inbound call"));
    assert_eq!(
        task["Description"],
        json!("Asked for a callback about Okafor")
    );

    // The request log has one entry for the whole call, with its status and body.
    let log = s.org.request_log();
    let last = log.last().expect("entry");
    assert_eq!(last.path, format!("{V}/composite"));
    assert_eq!(last.status, Some(200));
    assert_eq!(
        last.body.as_ref().expect("body")["compositeRequest"][0]["referenceId"],
        json!("newLead")
    );
}

#[tokio::test]
async fn all_or_none_failure_rolls_everything_back() {
    let s = session().await;
    let account = s
        .id_of("SELECT Id FROM Account WHERE Name = 'Summit Outdoor Supply'")
        .await;
    let leads_before = s.org.records("Lead").len();
    let request = json!({
        "allOrNone": true,
        "compositeRequest": [
            sub("POST", "/sobjects/Lead", "newLead", Some(json!({"LastName": "Rollback", "Company": "Gone Inc"}))),
            sub("PATCH", &format!("/sobjects/Account/{account}"), "touch", Some(json!({"Phone": "(720) 555-9999"}))),
            // A Task on a lead must not have a WhatId.
            sub("POST", "/sobjects/Task", "badTask", Some(json!({
                "WhoId": "@{newLead.id}", "WhatId": account, "Subject": "Call"
            }))),
            sub("GET", "/sobjects/Lead/@{newLead.id}", "never", None),
        ]
    });
    let a = s.post(&format!("{V}/composite"), request).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let results = a.body["compositeResponse"].as_array().expect("array");
    halted_for_rollback(&results[0]);
    halted_for_rollback(&results[1]);
    assert_eq!(results[2]["httpStatusCode"], json!(400));
    assert_eq!(error_code(&results[2]["body"]), "FIELD_INTEGRITY_EXCEPTION");
    assert_eq!(results[2]["referenceId"], json!("badTask"));
    halted_for_rollback(&results[3]);

    assert_eq!(
        s.org.records("Lead").len(),
        leads_before,
        "lead rolled back"
    );
    assert!(records_where(&s.org, "Lead", "LastName", "Rollback").is_empty());
    let summit = &records_where(&s.org, "Account", "Id", &account)[0];
    assert_eq!(
        summit["Phone"],
        json!("(720) 555-0100"),
        "update rolled back"
    );
}

#[tokio::test]
async fn without_all_or_none_only_dependants_are_skipped() {
    let s = session().await;
    let request = json!({
        "compositeRequest": [
            sub("POST", "/sobjects/Lead", "good", Some(json!({"LastName": "Kept", "Company": "Stays Ltd"}))),
            sub("POST", "/sobjects/Lead", "bad", Some(json!({"LastName": "No Company"}))),
            sub("POST", "/sobjects/Task", "dependant", Some(json!({"WhoId": "@{bad.id}", "Subject": "x"}))),
            sub("POST", "/sobjects/Task", "independent", Some(json!({"WhoId": "@{good.id}", "Subject": "y"}))),
            sub("GET", "/query?q=SELECT+Id+FROM+Account+WHERE+Name+=+'Nobody'", "empty", None),
            sub("GET", "/sobjects/Account/@{empty.records[0].Id}", "fromEmpty", None),
        ]
    });
    let a = s.post(&format!("{V}/composite"), request).await;
    assert_eq!(a.status, StatusCode::OK);
    let r = a.body["compositeResponse"].as_array().expect("array");
    assert_eq!(r[0]["httpStatusCode"], json!(201));
    assert_eq!(r[1]["httpStatusCode"], json!(400));
    assert_eq!(error_code(&r[1]["body"]), "REQUIRED_FIELD_MISSING");
    assert_eq!(r[2]["httpStatusCode"], json!(400));
    assert_eq!(
        r[2]["body"],
        json!([{"errorCode": "PROCESSING_HALTED",
                "message": "Invalid reference specified. No value for bad.id found in bad"}])
    );
    assert_eq!(r[3]["httpStatusCode"], json!(201));
    assert_eq!(r[4]["body"]["totalSize"], json!(0));
    assert_eq!(
        r[5]["body"][0]["message"],
        json!("Invalid reference specified. No value for empty.records[0].Id found in empty")
    );
    assert_eq!(records_where(&s.org, "Lead", "LastName", "Kept").len(), 1);
    assert_eq!(records_where(&s.org, "Task", "Subject", "y").len(), 1);
    assert!(records_where(&s.org, "Task", "Subject", "x").is_empty());
}

#[tokio::test]
async fn subrequest_headers_and_errors() {
    let s = session().await;
    let lead = s
        .id_of("SELECT Id FROM Lead WHERE LastName = 'Raman'")
        .await;
    let request = json!({
        "compositeRequest": [
            {"method": "PATCH", "url": format!("{V}/sobjects/Lead/{lead}"), "referenceId": "stale",
             "httpHeaders": {"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
             "body": {"Rating": "Hot"}},
            {"method": "GET", "url": format!("{V}/sobjects/Lead/{lead}"), "referenceId": "fresh",
             "httpHeaders": {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}},
            sub("GET", "/sobjects/Widget/001000000000000", "unknownType", None),
            sub("DELETE", "/sobjects/Lead/00QDm0000009999", "missing", None),
            sub("POST", "/composite", "nested", Some(json!({"compositeRequest": []}))),
            {"method": "GET", "url": "/services/apexrest/x", "referenceId": "notRest"},
            sub("GET", "/limits", "limits", None),
            sub("POST", "/sobjects/Lead", "badJson", Some(json!(["not", "an", "object"]))),
        ]
    });
    let a = s.post(&format!("{V}/composite"), request).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let r = a.body["compositeResponse"].as_array().expect("array");
    assert_eq!(r[0]["httpStatusCode"], json!(412));
    assert_eq!(r[1]["httpStatusCode"], json!(304));
    assert_eq!(r[1]["body"], Value::Null);
    assert_eq!(r[2]["httpStatusCode"], json!(404));
    assert_eq!(r[3]["httpStatusCode"], json!(404));
    assert_eq!(r[4]["httpStatusCode"], json!(400));
    assert_eq!(r[5]["httpStatusCode"], json!(404));
    assert_eq!(r[6]["httpStatusCode"], json!(200));
    assert!(r[6]["body"]["DailyApiRequests"]["Max"].is_number());
    assert_eq!(r[7]["httpStatusCode"], json!(400));
    assert_eq!(error_code(&r[7]["body"]), "JSON_PARSER_ERROR");
}

#[tokio::test]
async fn malformed_composite_requests_fail_whole() {
    let s = session().await;
    let url = format!("{V}/composite");
    let many: Vec<Value> = (0..26)
        .map(|i| sub("GET", "/limits", &format!("r{i}"), None))
        .collect();
    let twenty_five: Vec<Value> = many[..25].to_vec();
    let cases = [
        json!({"compositeRequest": many}),
        json!({"compositeRequest": []}),
        json!({"allOrNone": true}),
        json!({"allOrNone": "yes", "compositeRequest": [sub("GET", "/limits", "a", None)]}),
        json!({"compositeRequest": [sub("GET", "/limits", "a", None), sub("GET", "/limits", "a", None)]}),
        json!({"compositeRequest": [sub("GET", "/limits", "bad-id", None)]}),
        json!({"compositeRequest": [sub("get", "/limits", "a", None)]}),
        json!({"compositeRequest": [{"method": "GET", "referenceId": "a"}]}),
        json!({"compositeRequest": [{"method": "GET", "url": format!("{V}/limits"), "referenceId": "a",
                                     "httpHeaders": {"Authorization": "Bearer x"}}]}),
        json!({"compositeRequest": [{"method": "GET", "url": format!("{V}/limits"), "referenceId": "a",
                                     "extra": 1}]}),
        json!({"compositeRequest": [sub("GET", "/limits", "a", None)], "unknown": true}),
        json!({"compositeRequest": ["not an object"]}),
    ];
    for case in cases {
        let a = s.post(&url, case.clone()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{case}: {}", a.body);
        assert!(a.body[0]["errorCode"].is_string(), "{}", a.body);
        assert!(a.body[0]["message"].is_string(), "{}", a.body);
    }
    for raw in ["", "{", "[]", "null"] {
        let resp = s
            .http
            .post(s.url(&url))
            .bearer_auth(&s.token)
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{raw:?}");
    }
    let a = s.post(&url, json!({"compositeRequest": twenty_five})).await;
    assert_eq!(a.status, StatusCode::OK, "25 are allowed");
    assert_eq!(
        a.body["compositeResponse"].as_array().map(Vec::len),
        Some(25)
    );
    let a = s.get(&url).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn collections_create_update_delete_retrieve() {
    let s = session().await;
    let url = format!("{V}/composite/sobjects");
    let account = s
        .id_of("SELECT Id FROM Account WHERE Name = 'Summit Outdoor Supply'")
        .await;

    // Mixed types, partial success.
    let a = s
        .post(
            &url,
            json!({"allOrNone": false, "records": [
                {"attributes": {"type": "Lead"}, "LastName": "Coll One", "Company": "C1"},
                {"attributes": {"type": "Lead"}, "LastName": "No Company"},
                {"attributes": {"type": "Contact"}, "LastName": "Coll Two", "AccountId": account},
                {"attributes": {"type": "Widget"}, "Name": "x"},
                {"attributes": {"type": "Lead"}, "Id": "00QDm0000000001AAA", "LastName": "x", "Company": "y"},
            ]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let r = a.body.as_array().expect("array");
    assert_eq!(r.len(), 5);
    assert_eq!(r[0]["success"], json!(true));
    assert_eq!(r[0]["errors"], json!([]));
    let lead_id = r[0]["id"].as_str().expect("id").to_string();
    assert!(lead_id.starts_with("00Q") && lead_id.len() == 18);
    assert_eq!(r[1]["success"], json!(false));
    assert!(
        r[1].get("id").is_none(),
        "failed creates carry no id: {}",
        r[1]
    );
    assert_eq!(
        r[1]["errors"][0]["statusCode"],
        json!("REQUIRED_FIELD_MISSING")
    );
    assert_eq!(r[1]["errors"][0]["fields"], json!(["Company"]));
    assert!(r[1]["errors"][0].get("errorCode").is_none());
    assert_eq!(r[2]["success"], json!(true));
    assert_eq!(r[3]["errors"][0]["statusCode"], json!("INVALID_TYPE"));
    assert_eq!(r[4]["errors"][0]["statusCode"], json!("INVALID_FIELD"));
    assert_eq!(
        records_where(&s.org, "Contact", "LastName", "Coll Two").len(),
        1
    );

    // allOrNone: one bad record rolls all back.
    let a = s
        .post(
            &url,
            json!({"allOrNone": true, "records": [
                {"attributes": {"type": "Lead"}, "LastName": "Atomic", "Company": "A"},
                {"attributes": {"type": "Lead"}, "LastName": "Atomic", "Rating": "Lukewarm", "Company": "B"},
            ]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.body[0],
        json!({"success": false, "errors": [{
            "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
            "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
            "fields": []}]})
    );
    assert_eq!(
        a.body[1]["errors"][0]["statusCode"],
        json!("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    );
    assert!(records_where(&s.org, "Lead", "LastName", "Atomic").is_empty());

    // Update.
    let a = s
        .patch(
            &url,
            json!({"records": [
                {"attributes": {"type": "Lead"}, "Id": lead_id, "Rating": "Warm"},
                {"Id": &lead_id[..15], "Title": "Buyer"},
                {"attributes": {"type": "Lead"}, "Rating": "Hot"},
                {"attributes": {"type": "Lead"}, "Id": "00QDm0000009999AAA", "Rating": "Hot"},
            ]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        a.body[0],
        json!({"id": lead_id, "success": true, "errors": []})
    );
    assert_eq!(a.body[1]["id"], json!(lead_id), "18-character id back");
    assert_eq!(
        a.body[2]["errors"][0]["statusCode"],
        json!("MISSING_ARGUMENT")
    );
    assert_eq!(a.body[3]["id"], json!("00QDm0000009999AAA"));
    assert_eq!(a.body[3]["errors"][0]["statusCode"], json!("NOT_FOUND"));
    let lead = &records_where(&s.org, "Lead", "Id", &lead_id)[0];
    assert_eq!(
        (lead["Rating"].clone(), lead["Title"].clone()),
        (json!("Warm"), json!("Buyer"))
    );

    // Retrieve, POST and GET forms.
    let a = s
        .post(
            &format!("{url}/Lead"),
            json!({"ids": [lead_id, "00QDm0000009999AAA"], "fields": ["Id", "Name", "Rating"]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body[0]["Name"], json!("Coll One"));
    assert_eq!(a.body[0]["attributes"]["type"], json!("Lead"));
    assert_eq!(a.body[1], Value::Null);
    let a = s
        .get(&format!("{url}/Lead?ids={lead_id}&fields=Id,Rating"))
        .await;
    assert_eq!(a.body[0]["Rating"], json!("Warm"));
    let a = s
        .post(
            &format!("{url}/Lead"),
            json!({"ids": [lead_id], "fields": ["Nope"]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    // Delete.
    let a = s
        .call(
            Method::DELETE,
            &format!("{url}?ids={lead_id},00QDm0000009999AAA,nonsense&allOrNone=false"),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        a.body[0],
        json!({"id": lead_id, "success": true, "errors": []})
    );
    assert_eq!(a.body[1]["success"], json!(false));
    assert_eq!(a.body[2]["errors"][0]["statusCode"], json!("MALFORMED_ID"));
    assert!(records_where(&s.org, "Lead", "Id", &lead_id).is_empty());

    // Limits and shape errors.
    let too_many: Vec<Value> = (0..201)
        .map(|i| json!({"attributes": {"type": "Lead"}, "LastName": format!("L{i}"), "Company": "C"}))
        .collect();
    let a = s.post(&url, json!({"records": too_many})).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&a.body), "EXCEEDED_ID_LIMIT");
    let a = s.post(&url, json!({"allOrNone": true})).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let two_hundred: Vec<Value> = (0..200)
        .map(|i| json!({"attributes": {"type": "Lead"}, "LastName": format!("Bulk {i}"), "Company": "Bulk Co"}))
        .collect();
    let a = s.post(&url, json!({"records": two_hundred})).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        records_where(&s.org, "Lead", "Company", "Bulk Co").len(),
        200
    );
    let a = s.call(Method::DELETE, &url, None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn collections_inside_composite_and_rollback_of_both() {
    let s = session().await;
    let request = json!({
        "allOrNone": true,
        "compositeRequest": [
            sub("POST", "/composite/sobjects", "batch", Some(json!({"records": [
                {"attributes": {"type": "Lead"}, "LastName": "Inner", "Company": "I"}
            ]}))),
            sub("POST", "/sobjects/Task", "task", Some(json!({"WhoId": "@{batch[0].id}", "Subject": "Inner call"}))),
            sub("DELETE", "/sobjects/Task/@{task.id}", "gone", None),
            sub("DELETE", "/sobjects/Task/@{task.id}", "goneTwice", None),
        ]
    });
    let a = s.post(&format!("{V}/composite"), request).await;
    let r = a.body["compositeResponse"].as_array().expect("array");
    halted_for_rollback(&r[0]);
    halted_for_rollback(&r[1]);
    halted_for_rollback(&r[2]);
    assert_eq!(r[3]["httpStatusCode"], json!(404));
    assert_eq!(error_code(&r[3]["body"]), "ENTITY_IS_DELETED");
    assert!(records_where(&s.org, "Lead", "LastName", "Inner").is_empty());
    assert!(records_where(&s.org, "Task", "Subject", "Inner call").is_empty());
}
