//! Fault injection, API limits and the request log, over real HTTP (and the admin API).

mod common;

use std::time::{Duration, Instant};

use callside_fake_org::{Fault, FaultKind, DEFAULT_DAILY_API_LIMIT};
use common::{client, error_code, login, records_where, session, V};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn latency_applies_to_every_route_until_cleared() {
    let s = session().await;
    let latency = Duration::from_millis(400);
    s.org.set_latency(latency);
    let t = Instant::now();
    let _ = login(&s.org, &s.http).await; // authorize + token
    assert!(t.elapsed() >= latency * 2, "{:?}", t.elapsed());
    let t = Instant::now();
    let a = s.get(&format!("{V}/limits")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(t.elapsed() >= latency);
    // The admin API is never delayed.
    let t = Instant::now();
    let r = s
        .http
        .get(s.url("/__admin/faults"))
        .send()
        .await
        .expect("admin");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(t.elapsed() < latency, "{:?}", t.elapsed());
    s.org.clear_faults();
    let t = Instant::now();
    let _ = s.get(&format!("{V}/limits")).await;
    assert!(t.elapsed() < latency, "{:?}", t.elapsed());
}

#[tokio::test]
async fn unavailable_for_the_next_matching_requests() {
    let s = session().await;
    let leads = s.org.records("Lead").len();
    let count = s.org.api_request_count();
    s.org.inject(
        Fault::unavailable(2)
            .method("POST")
            .path_prefix(&format!("{V}/sobjects/Lead")),
    );
    let body = json!({"LastName": "Retry", "Company": "Again"});
    // Other requests are not affected.
    assert_eq!(s.get(&format!("{V}/limits")).await.status, StatusCode::OK);
    for _ in 0..2 {
        let a = s.post(&format!("{V}/sobjects/Lead"), body.clone()).await;
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error_code(&a.body), "SERVER_UNAVAILABLE");
        assert!(a.body[0]["message"].is_string());
    }
    assert_eq!(s.org.records("Lead").len(), leads, "not applied");
    assert_eq!(s.org.api_request_count(), count + 1, "503s are not counted");
    assert!(s.org.pending_faults().is_empty());
    s.create_ok("Lead", body).await;

    let log = s.org.request_log();
    let statuses: Vec<(Option<u16>, Option<FaultKind>)> = log[log.len() - 4..]
        .iter()
        .map(|e| (e.status, e.fault))
        .collect();
    assert_eq!(
        statuses,
        [
            (Some(200), None),
            (Some(503), Some(FaultKind::Unavailable)),
            (Some(503), Some(FaultKind::Unavailable)),
            (Some(201), None)
        ]
    );

    // Without a filter every route fails, OAuth included.
    s.org.inject(Fault::unavailable(1));
    let r = s
        .http
        .post(s.url("/services/oauth2/token"))
        .form(&[("grant_type", "refresh_token")])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// The error of a request whose connection the server dropped.
async fn dropped(req: reqwest::RequestBuilder) -> reqwest::Error {
    let err = req
        .send()
        .await
        .expect_err("the connection must be dropped");
    assert!(err.status().is_none(), "no HTTP status: {err:?}");
    assert!(!err.is_timeout(), "{err:?}");
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    err
}

#[tokio::test]
async fn dropped_connection_before_the_request_is_applied() {
    let s = session().await;
    let count = s.org.api_request_count();
    s.org.inject(Fault::drop_before_apply(1).method("POST"));
    let req = s
        .http
        .post(s.url(&format!("{V}/sobjects/Lead")))
        .bearer_auth(&s.token)
        .json(&json!({"LastName": "Lost", "Company": "Never Saved"}));
    dropped(req).await;
    assert!(records_where(&s.org, "Lead", "LastName", "Lost").is_empty());
    assert_eq!(s.org.api_request_count(), count);
    let last = s.org.request_log().pop().expect("entry");
    assert_eq!(last.status, None);
    assert_eq!(last.fault, Some(FaultKind::DropBeforeApply));
    assert_eq!(last.body.expect("body")["LastName"], json!("Lost"));
    // The next request, on a new connection, works.
    s.create_ok("Lead", json!({"LastName": "Found", "Company": "Saved"}))
        .await;
}

#[tokio::test]
async fn dropped_connection_after_a_write_was_applied() {
    let s = session().await;
    let count = s.org.api_request_count();
    s.org
        .inject(Fault::drop_after_apply(1).path_prefix(&format!("{V}/sobjects/Task")));
    let who = s
        .id_of("SELECT Id FROM Lead WHERE LastName = 'Raman'")
        .await;
    let req = s
        .http
        .post(s.url(&format!("{V}/sobjects/Task")))
        .bearer_auth(&s.token)
        .json(&json!({"WhoId": who, "Subject": "Half-logged call", "CallObject": "call-42"}));
    dropped(req).await;
    // The record exists although the client never heard so.
    let saved = records_where(&s.org, "Task", "CallObject", "call-42");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0]["Subject"], json!("Half-logged call"));
    assert_eq!(s.org.api_request_count(), count + 2, "query and the write");
    let last = s.org.request_log().pop().expect("entry");
    assert_eq!(
        (last.method.as_str(), last.status, last.fault),
        ("POST", None, Some(FaultKind::DropAfterApply))
    );
    assert_eq!(last.body.expect("body")["CallObject"], json!("call-42"));
}

#[tokio::test]
async fn dropped_connections_over_keep_alive_and_plain_get() {
    let s = session().await;
    // Warm a pooled keep-alive connection, then drop a GET on it.
    assert_eq!(s.get(&format!("{V}/limits")).await.status, StatusCode::OK);
    s.org.inject(Fault::drop_before_apply(1).method("GET"));
    dropped(
        s.http
            .get(s.url(&format!("{V}/limits")))
            .bearer_auth(&s.token),
    )
    .await;
    assert_eq!(s.get(&format!("{V}/limits")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn unable_to_lock_row_for_the_next_writes() {
    let s = session().await;
    let lead = s
        .id_of("SELECT Id FROM Lead WHERE LastName = 'Raman'")
        .await;
    s.org.lock_next_writes(2);
    // Reads are not writes.
    assert_eq!(
        s.get(&format!("{V}/sobjects/Lead/{lead}")).await.status,
        StatusCode::OK
    );
    let a = s
        .patch(
            &format!("{V}/sobjects/Lead/{lead}"),
            json!({"Rating": "Hot"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&a.body), "UNABLE_TO_LOCK_ROW");
    assert!(a.body[0]["message"]
        .as_str()
        .expect("message")
        .contains(&lead));
    let a = s
        .post(
            &format!("{V}/sobjects/Task"),
            json!({"WhoId": lead, "Subject": "Locked"}),
        )
        .await;
    assert_eq!(error_code(&a.body), "UNABLE_TO_LOCK_ROW");
    assert!(records_where(&s.org, "Task", "Subject", "Locked").is_empty());
    let a = s
        .patch(
            &format!("{V}/sobjects/Lead/{lead}"),
            json!({"Rating": "Hot"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);

    // Inside an allOrNone composite the lock fails the transaction.
    s.org.inject(
        Fault::unable_to_lock_row(1)
            .method("POST")
            .path_prefix(&format!("{V}/sobjects/Task")),
    );
    let a = s
        .post(
            &format!("{V}/composite"),
            json!({"allOrNone": true, "compositeRequest": [
                {"method": "PATCH", "url": format!("{V}/sobjects/Lead/{lead}"), "referenceId": "upd",
                 "body": {"Rating": "Cold"}},
                {"method": "POST", "url": format!("{V}/sobjects/Task"), "referenceId": "log",
                 "body": {"WhoId": lead, "Subject": "Composite call"}},
            ]}),
        )
        .await;
    let r = &a.body["compositeResponse"];
    assert_eq!(r[0]["body"][0]["errorCode"], json!("PROCESSING_HALTED"));
    assert_eq!(r[1]["body"][0]["errorCode"], json!("UNABLE_TO_LOCK_ROW"));
    let rating = records_where(&s.org, "Lead", "Id", &lead)[0]["Rating"].clone();
    assert_eq!(rating, json!("Hot"), "the PATCH was rolled back");

    // sObject Collections: each record is one write.
    s.org.lock_next_writes(1);
    let a = s
        .post(
            &format!("{V}/composite/sobjects"),
            json!({"records": [
                {"attributes": {"type": "Lead"}, "LastName": "A", "Company": "A"},
                {"attributes": {"type": "Lead"}, "LastName": "B", "Company": "B"},
            ]}),
        )
        .await;
    assert_eq!(
        a.body[0]["errors"][0]["statusCode"],
        json!("UNABLE_TO_LOCK_ROW")
    );
    assert_eq!(a.body[1]["success"], json!(true));
}

#[tokio::test]
async fn api_usage_near_and_at_the_limit() {
    let s = session().await;
    assert_eq!(s.org.api_limit(), DEFAULT_DAILY_API_LIMIT);
    s.org.set_api_usage(DEFAULT_DAILY_API_LIMIT - 2);
    let a = s.get(&format!("{V}/limits")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.headers["sforce-limit-info"],
        format!("api-usage=14999/{DEFAULT_DAILY_API_LIMIT}").as_str()
    );
    assert_eq!(a.body["DailyApiRequests"]["Remaining"], json!(1));
    let a = s.query("SELECT Id FROM Lead").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["sforce-limit-info"], "api-usage=15000/15000");
    for _ in 0..2 {
        let a = s.query("SELECT Id FROM Lead").await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(error_code(&a.body), "REQUEST_LIMIT_EXCEEDED");
        assert_eq!(a.headers["sforce-limit-info"], "api-usage=15000/15000");
    }
    // OAuth is not an API call and still works.
    let token = login(&s.org, &s.http).await;
    assert!(token["access_token"].is_string());
    // A bigger allocation lets calls through again.
    s.org.set_api_limit(20000);
    let a = s.get(&format!("{V}/limits")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["sforce-limit-info"], "api-usage=15001/20000");
    assert_eq!(
        a.body["DailyApiRequests"],
        json!({"Max": 20000, "Remaining": 4999})
    );
    s.org.set_api_usage(0);
    assert_eq!(s.org.api_request_count(), 0);
}

#[tokio::test]
async fn request_log_counts_calls_and_keeps_written_bodies() {
    let s = session().await;
    s.org.clear_request_log();
    let id = s
        .create_ok("Lead", json!({"LastName": "Logged", "Company": "Audit Co"}))
        .await;
    let _ = s
        .patch(
            &format!("{V}/sobjects/Lead/{id}"),
            json!({"Rating": "Cold"}),
        )
        .await;
    let _ = s.get(&format!("{V}/sobjects/Lead/{id}")).await;
    let _ = s.get(&format!("{V}/sobjects/Lead/00QDm0000009999")).await;
    let _ = s
        .call(Method::DELETE, &format!("{V}/sobjects/Lead/{id}"), None)
        .await;
    let log = s.org.request_log();
    let summary: Vec<(String, Option<u16>, Option<Value>)> = log
        .iter()
        .map(|e| (e.method.clone(), e.status, e.body.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "POST".to_string(),
                Some(201),
                Some(json!({"LastName": "Logged", "Company": "Audit Co"}))
            ),
            ("PATCH".into(), Some(204), Some(json!({"Rating": "Cold"}))),
            ("GET".into(), Some(200), None),
            ("GET".into(), Some(404), None),
            ("DELETE".into(), Some(204), None),
        ]
    );
    let writes = log
        .iter()
        .filter(|e| e.method != "GET" && e.status.is_some_and(|s| s < 300))
        .count();
    assert_eq!(writes, 3);
}

#[tokio::test]
async fn admin_api_controls_faults() {
    let s = session().await;
    let http = client();
    let admin = |path: &str| s.url(&format!("/__admin/{path}"));
    let r = http
        .post(admin("faults"))
        .json(&json!({
            "latencyMs": 20,
            "apiUsage": 100,
            "apiLimit": 5000,
            "faults": [
                {"kind": "unavailable", "times": 1, "method": "GET", "pathPrefix": "/services/data"},
                {"kind": "unable-to-lock-row", "times": 2},
                {"kind": "drop-after-apply", "pathPrefix": "/services/data/v62.0/sobjects/Task"}
            ]
        }))
        .send()
        .await
        .expect("admin");
    assert_eq!(r.status(), StatusCode::OK);
    let state: Value = r.json().await.expect("json");
    assert_eq!(state["latencyMs"], json!(20));
    assert_eq!(state["apiUsage"], json!(100));
    assert_eq!(state["apiLimit"], json!(5000));
    assert_eq!(
        state["faults"],
        json!([
            {"kind": "unavailable", "times": 1, "method": "GET", "pathPrefix": "/services/data"},
            {"kind": "unable-to-lock-row", "times": 2},
            {"kind": "drop-after-apply", "times": 1, "pathPrefix": "/services/data/v62.0/sobjects/Task"}
        ])
    );
    assert_eq!(s.org.pending_faults().len(), 3);
    let a = s.get(&format!("{V}/limits")).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let a = s.get(&format!("{V}/limits")).await;
    assert_eq!(a.headers["sforce-limit-info"], "api-usage=101/5000");

    // Bad requests change nothing.
    for bad in [
        json!({"latency": 5}),
        json!({"faults": [{"kind": "explode"}]}),
        json!([1]),
    ] {
        let r = http
            .post(admin("faults"))
            .json(&bad)
            .send()
            .await
            .expect("admin");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let r = http
        .post(admin("faults"))
        .body("{")
        .send()
        .await
        .expect("admin");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(s.org.pending_faults().len(), 2);

    // Clear, then expire sessions through the same call.
    let r = http
        .post(admin("faults"))
        .json(&json!({"clear": true, "expireSessions": true}))
        .send()
        .await
        .expect("admin");
    let state: Value = r.json().await.expect("json");
    assert_eq!(state["faults"], json!([]));
    assert_eq!(state["latencyMs"], json!(0));
    assert_eq!(
        s.get(&format!("{V}/limits")).await.status,
        StatusCode::UNAUTHORIZED
    );

    s.org.inject(Fault::unavailable(5));
    let r = http.delete(admin("faults")).send().await.expect("admin");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(s.org.pending_faults().is_empty());
    let r = http.get(admin("faults")).send().await.expect("admin");
    assert_eq!(r.json::<Value>().await.expect("json")["faults"], json!([]));

    // The request log over the admin API has status and body, and can be cleared.
    let r = http.get(admin("requests")).send().await.expect("admin");
    let log: Value = r.json().await.expect("json");
    let last = log
        .as_array()
        .and_then(|l| l.last())
        .expect("entry")
        .clone();
    assert_eq!(last["status"], json!(401));
    assert!(last.get("body").is_some() && last.get("fault").is_some());
    let unavailable = log
        .as_array()
        .expect("array")
        .iter()
        .find(|e| e["fault"] == json!("unavailable"))
        .expect("faulted entry");
    assert_eq!(unavailable["status"], json!(503));
    let r = http.delete(admin("requests")).send().await.expect("admin");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(s.org.request_log().is_empty());
}
