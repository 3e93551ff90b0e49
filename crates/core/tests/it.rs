//! The core against the demo org over real HTTP, with real SQLite files.

use std::sync::Arc;

use callside_core::calls;
use callside_core::salesforce::{MemoryStore, TokenStore};
use callside_core::store::Store;
use callside_core::{
    ActionStatus, CallDirection, Callside, LogCallRequest, LookupSource, RecordType,
};
use callside_fake_org::FakeOrg;
use serde_json::Value;

mod support;
use support::{curl, free_port, settings};

struct Harness {
    org: FakeOrg,
    callside: Callside,
    tokens: Arc<MemoryStore>,
    data_dir: tempfile::TempDir,
}

impl Harness {
    /// A change made in Salesforce by someone else (straight to the REST API with the
    /// signed-in session); the HTTP status.
    async fn colleague(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> u16 {
        let session = self
            .tokens
            .load(&self.callside.settings().session_key())
            .unwrap()
            .unwrap();
        let mut request = reqwest::Client::new()
            .request(
                method,
                format!("{}/services/data/v62.0/{path}", session.instance_url),
            )
            .bearer_auth(session.access_token.expose());
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().status().as_u16()
    }
}

async fn signed_in(region: &str) -> Harness {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let callside = Callside::open(
        settings(&org, data_dir.path(), region),
        tokens.clone(),
        "memory only".into(),
    )
    .unwrap();
    let status = callside.sign_in_with(curl).await.unwrap();
    assert!(status.signed_in);
    Harness {
        org,
        callside,
        tokens,
        data_dir,
    }
}

/// Every way a rep or softphone may write a North American number.
fn north_american_inputs(digits: &str) -> Vec<String> {
    let (area, exchange, line) = (&digits[0..3], &digits[3..6], &digits[6..10]);
    vec![
        format!("({area}) {exchange}-{line}"),
        format!("+1 {area} {exchange} {line}"),
        format!("{area}.{exchange}.{line}"),
        format!("{area}-{exchange}-{line}"),
        digits.to_string(),
        format!("+1{digits}"),
        format!("1-{area}-{exchange}-{line}"),
        format!("001 {area} {exchange} {line}"),
        format!("tel:+1-{area}-{exchange}-{line}"),
        format!("{area} {exchange} {line} ext. 12"),
    ]
}

#[tokio::test]
async fn every_stored_format_is_found_from_every_input_format() {
    let harness = signed_in("US").await;
    // (stored value in the org, its digits, the record it belongs to)
    let north_american = [
        ("(720) 555-0100", "7205550100", "Summit Outdoor Supply"),
        ("+1 720 555 0111", "7205550111", "Dana Whitfield"),
        ("720.555.0122", "7205550122", "Dana Whitfield"),
        ("720-555-0133", "7205550133", "Priya Raman"),
        ("+17205550144", "7205550144", "Siobhan O'Connor"),
    ];
    let mut checked = 0;
    for (stored, digits, expected) in north_american {
        for input in north_american_inputs(digits) {
            let result = harness.callside.lookup(&input).await.unwrap();
            assert_eq!(result.number, format!("+1{digits}"), "input {input:?}");
            let names: Vec<&str> = result.matches.iter().map(|m| m.name.as_str()).collect();
            assert_eq!(
                names.first().copied(),
                Some(expected),
                "{input:?} should find {expected} (stored as {stored:?}); found {names:?}"
            );
            checked += 1;
        }
    }
    // German numbers stored internationally, nationally and with 00.
    let german = [
        (
            "+49 89 1234567",
            "Bergmann Maschinenbau GmbH",
            [
                "+49 89 1234567",
                "0049 89 1234567",
                "+49 (0)89 1234567",
                "+49891234567",
            ],
        ),
        (
            "089 7654321",
            "Jürgen Müller",
            [
                "+49 89 7654321",
                "0049 89 7654321",
                "+49 (0)89 7654321",
                "+49897654321",
            ],
        ),
        (
            "0049 30 12345678",
            "Wei Zhang",
            [
                "+49 30 12345678",
                "0049 30 12345678",
                "+49 (0)30 12345678",
                "+493012345678",
            ],
        ),
    ];
    for (stored, expected, inputs) in german {
        for input in inputs {
            let result = harness.callside.lookup(input).await.unwrap();
            let names: Vec<&str> = result.matches.iter().map(|m| m.name.as_str()).collect();
            assert!(
                names
                    .first()
                    .is_some_and(|n| n.contains(expected) || expected.contains(n)),
                "{input:?} should find {expected} (stored as {stored:?}); found {names:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 62);
}

#[tokio::test]
async fn national_german_input_is_read_in_the_configured_region() {
    let harness = signed_in("DE").await;
    let result = harness.callside.lookup("089 1234567").await.unwrap();
    assert_eq!(result.number, "+49891234567");
    assert_eq!(result.matches[0].name, "Bergmann Maschinenbau GmbH");
    let result = harness.callside.lookup("089 7654321").await.unwrap();
    assert_eq!(result.matches[0].name, "Jürgen Müller");
}

#[tokio::test]
async fn the_best_match_comes_with_open_opportunities_and_cases() {
    let harness = signed_in("US").await;
    let result = harness.callside.lookup("(720) 555-0111").await.unwrap();
    assert_eq!(result.source, LookupSource::Salesforce);
    let dana = &result.matches[0];
    assert_eq!(dana.record_type, RecordType::Contact);
    assert_eq!(dana.company.as_deref(), Some("Summit Outdoor Supply"));
    assert_eq!(dana.phone.as_deref(), Some("+1 720 555 0111"));
    let mut opportunity_names: Vec<&str> =
        dana.opportunities.iter().map(|o| o.name.as_str()).collect();
    opportunity_names.sort();
    assert_eq!(
        opportunity_names,
        vec!["Summit - Spring Catalog", "Summit - Store Fixtures"],
        "open ones only"
    );
    let fixtures = dana
        .opportunities
        .iter()
        .find(|o| o.name == "Summit - Store Fixtures")
        .unwrap();
    assert_eq!(fixtures.stage, "Negotiation/Review");
    assert_eq!(fixtures.amount, Some(48500.0));
    assert!(fixtures.close_date.is_some());
    let subjects: Vec<_> = dana
        .cases
        .iter()
        .map(|c| c.subject.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        subjects,
        vec!["Damaged shipment".to_string()],
        "open cases only"
    );
    assert!(!dana.cases[0].case_number.is_empty());
}

#[tokio::test]
async fn one_screen_pop_costs_at_most_two_api_requests() {
    let harness = signed_in("US").await;
    let before = harness.org.api_request_count();
    harness.callside.lookup("(720) 555-0111").await.unwrap();
    assert_eq!(
        harness.org.api_request_count() - before,
        2,
        "search + related query"
    );
    let before = harness.org.api_request_count();
    harness.callside.lookup("720-555-0133").await.unwrap();
    assert_eq!(
        harness.org.api_request_count() - before,
        2,
        "a lead: search + its activities"
    );
}

#[tokio::test]
async fn converted_leads_are_not_callers_and_unknown_numbers_say_so() {
    let harness = signed_in("US").await;
    let converted = harness.callside.lookup("(303) 555-0177").await.unwrap();
    assert!(
        converted.matches.is_empty(),
        "Tom Becker's lead is converted: {:?}",
        converted.matches
    );
    let unknown = harness.callside.lookup("+1 (212) 555-0199").await.unwrap();
    assert!(unknown.matches.is_empty());
    assert_eq!(unknown.number, "+12125550199");
}

#[tokio::test]
async fn a_shared_number_lists_every_record_contact_first() {
    let harness = signed_in("US").await;
    let result = harness.callside.lookup("303 555 0188").await.unwrap();
    let found: Vec<(RecordType, &str)> = result
        .matches
        .iter()
        .map(|m| (m.record_type, m.name.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (RecordType::Contact, "Elena Rossi"),
            (RecordType::Lead, "Marco Rossi")
        ]
    );
}

#[tokio::test]
async fn garbage_gets_a_clear_message_and_no_request() {
    let harness = signed_in("US").await;
    let before = harness.org.api_request_count();
    for input in ["hello", "", "'; DELETE FROM Lead --", "} OR {*"] {
        let error = harness.callside.lookup(input).await.unwrap_err();
        assert!(
            error.to_string().contains("not a phone number"),
            "{input:?}: {error}"
        );
    }
    assert_eq!(
        harness.org.api_request_count(),
        before,
        "no query for garbage"
    );
}

#[tokio::test]
async fn lookups_are_cached_and_answer_when_salesforce_is_unreachable() {
    let harness = signed_in("US").await;
    let live = harness.callside.lookup("(720) 555-0111").await.unwrap();

    // The same org and user, but its instance unreachable.
    let settings = harness.callside.settings().clone();
    let mut session = harness
        .tokens
        .load(&settings.session_key())
        .unwrap()
        .unwrap();
    session.instance_url = format!("http://127.0.0.1:{}", free_port());
    let offline_tokens = Arc::new(MemoryStore::default());
    offline_tokens
        .save(&settings.session_key(), &session)
        .unwrap();
    let offline = Callside::open(settings, offline_tokens, "memory only".into()).unwrap();
    let cached = offline.lookup("720.555.0111").await.unwrap();
    assert_eq!(cached.source, LookupSource::Cache);
    assert_eq!(cached.matches, live.matches);
    assert_eq!(cached.fetched_at, live.fetched_at);

    // A number never looked up cannot be answered offline.
    let error = offline.lookup("(720) 555-0133").await.unwrap_err();
    assert_eq!(error.code(), callside_core::ErrorCode::Offline);

    let store = Store::open_for_org(harness.data_dir.path(), &session.org_id).unwrap();
    assert!(store.cached_record_count().unwrap() >= 1);
}

#[tokio::test]
async fn signing_out_purges_the_cache_and_forgets_the_session() {
    let harness = signed_in("US").await;
    harness.callside.lookup("(720) 555-0111").await.unwrap();
    let org_id = harness.callside.status().await.org_id.unwrap();
    let status = harness.callside.sign_out().await.unwrap();
    assert!(!status.signed_in);
    assert!(harness
        .tokens
        .load(&harness.callside.settings().session_key())
        .unwrap()
        .is_none());
    let store = Store::open_for_org(harness.data_dir.path(), &org_id).unwrap();
    assert_eq!(store.cached_record_count().unwrap(), 0);
    assert!(store.cached_lookup("+17205550111").unwrap().is_none());
    let error = harness.callside.lookup("(720) 555-0111").await.unwrap_err();
    assert_eq!(error.code(), callside_core::ErrorCode::NotSignedIn);
}

fn task_with(org: &FakeOrg, field: &str, value: &str) -> Vec<Value> {
    org.records("Task")
        .into_iter()
        .filter(|t| t.get(field).and_then(Value::as_str) == Some(value))
        .collect()
}

#[tokio::test]
async fn a_logged_call_becomes_a_completed_call_task() {
    let harness = signed_in("US").await;
    let dana = harness
        .callside
        .lookup("(720) 555-0111")
        .await
        .unwrap()
        .matches[0]
        .clone();
    let notes = "Wants 40 tents — \"rush\"; O'Brien's order {asap} 你好".to_string();
    let outcome = harness
        .callside
        .log_call(&LogCallRequest {
            who_id: dana.id.clone(),
            what_id: dana.account_id.clone(),
            duration_seconds: 125,
            direction: CallDirection::Outbound,
            notes: notes.clone(),
            subject: None,
            disposition: None,
            next_steps: None,
        })
        .await
        .unwrap();
    assert_eq!(outcome.status, ActionStatus::Sent, "{outcome:?}");
    let task_id = outcome.task_id.unwrap();
    let task = harness
        .org
        .records("Task")
        .into_iter()
        .find(|t| t["Id"] == task_id.as_str())
        .expect("the Task is in the org");
    assert_eq!(task["WhoId"], dana.id.as_str());
    assert_eq!(task["WhatId"], dana.account_id.unwrap().as_str());
    assert_eq!(task["TaskSubtype"], "Call");
    assert_eq!(task["Type"], "Call");
    assert_eq!(task["Status"], "Completed");
    assert_eq!(task["CallType"], "Outbound");
    assert_eq!(task["CallDurationInSeconds"], 125);
    assert_eq!(task["Subject"], "Outbound call");
    assert_eq!(task["Description"], notes.as_str(), "notes stored intact");
}

#[tokio::test]
async fn a_call_log_for_a_lead_goes_without_a_what_id() {
    let harness = signed_in("US").await;
    let priya = harness
        .callside
        .lookup("720-555-0133")
        .await
        .unwrap()
        .matches[0]
        .clone();
    assert_eq!(priya.record_type, RecordType::Lead);
    let outcome = harness
        .callside
        .log_call(&LogCallRequest {
            who_id: priya.id.clone(),
            what_id: None,
            duration_seconds: 30,
            direction: CallDirection::Inbound,
            notes: String::new(),
            subject: Some("Intro call".into()),
            disposition: Some("Interested".into()),
            next_steps: None,
        })
        .await
        .unwrap();
    assert_eq!(outcome.status, ActionStatus::Sent);
    let tasks = task_with(&harness.org, "Subject", "Intro call");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["CallDisposition"], "Interested");
}

#[tokio::test]
async fn a_call_log_is_stored_before_it_is_sent_and_kept_when_offline() {
    let harness = signed_in("US").await;
    let dana = harness
        .callside
        .lookup("(720) 555-0111")
        .await
        .unwrap()
        .matches[0]
        .clone();
    let settings = harness.callside.settings().clone();
    let live_session = harness
        .tokens
        .load(&settings.session_key())
        .unwrap()
        .unwrap();
    let mut session = live_session.clone();
    session.instance_url = format!("http://127.0.0.1:{}", free_port());
    let offline_tokens = Arc::new(MemoryStore::default());
    offline_tokens
        .save(&settings.session_key(), &session)
        .unwrap();
    let offline = Callside::open(settings.clone(), offline_tokens, "memory only".into()).unwrap();
    let request = LogCallRequest {
        who_id: dana.id.clone(),
        what_id: None,
        duration_seconds: 60,
        direction: CallDirection::Inbound,
        notes: "logged while offline".into(),
        subject: None,
        disposition: None,
        next_steps: None,
    };
    let outcome = offline.log_call(&request).await.unwrap();
    assert_eq!(outcome.status, ActionStatus::Pending, "{outcome:?}");
    assert!(task_with(&harness.org, "Description", "logged while offline").is_empty());
    drop(offline);

    // Back online (a restart with the live session): the queued call is sent once.
    let online_tokens = Arc::new(MemoryStore::default());
    online_tokens
        .save(&settings.session_key(), &live_session)
        .unwrap();
    let online = Callside::open(settings, online_tokens, "memory only".into()).unwrap();
    // The rep (or the next pass after its backoff) sends it.
    let sent = online.retry_outbox(None).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, ActionStatus::Sent);
    assert_eq!(sent[0].action_id, outcome.action_id);
    assert_eq!(
        task_with(&harness.org, "Description", "logged while offline").len(),
        1
    );
    assert!(
        online.send_pending().await.unwrap().is_empty(),
        "nothing left to send"
    );
}

#[tokio::test]
async fn a_resend_after_a_lost_answer_does_not_create_a_second_task() {
    let harness = signed_in("US").await;
    let dana = harness
        .callside
        .lookup("(720) 555-0111")
        .await
        .unwrap()
        .matches[0]
        .clone();
    let org_id = harness.callside.status().await.org_id.unwrap();
    let store = Store::open_for_org(harness.data_dir.path(), &org_id).unwrap();
    let request = LogCallRequest {
        who_id: dana.id,
        what_id: None,
        duration_seconds: 10,
        direction: CallDirection::Inbound,
        notes: "answer lost".into(),
        subject: None,
        disposition: None,
        next_steps: None,
    };
    let action_id = calls::enqueue(&store, &request, "2026-11-25", "2026-11-25T10:00:00Z").unwrap();
    let first = harness.callside.send_pending().await.unwrap();
    assert_eq!(first[0].status, ActionStatus::Sent);
    // Salesforce saved the Task but the answer never arrived: the item is still pending.
    store
        .mark_outcome(
            &action_id,
            ActionStatus::Pending,
            None,
            Some(("connection reset", None)),
            "t",
        )
        .unwrap();
    let second = harness.callside.send_pending().await.unwrap();
    assert_eq!(second[0].status, ActionStatus::Sent);
    assert_eq!(
        second[0].record_id, first[0].record_id,
        "the existing Task was found by CallObject"
    );
    let tasks = task_with(&harness.org, "CallObject", &calls::call_object(&action_id));
    assert_eq!(tasks.len(), 1, "exactly once");
}

#[tokio::test]
async fn a_call_log_salesforce_refuses_is_kept_as_failed_with_its_message() {
    let harness = signed_in("US").await;
    let outcome = harness
        .callside
        .log_call(&LogCallRequest {
            // Well-formed, but no such contact in the org.
            who_id: "003000000000999AAA".into(),
            what_id: None,
            duration_seconds: 1,
            direction: CallDirection::Inbound,
            notes: String::new(),
            subject: None,
            disposition: None,
            next_steps: None,
        })
        .await
        .unwrap();
    assert_eq!(outcome.status, ActionStatus::Failed);
    let message = outcome.message.unwrap();
    assert!(
        message.contains("invalid cross reference id"),
        "Salesforce's own message: {message}"
    );
    let stored = harness
        .callside
        .action(&outcome.action_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, ActionStatus::Failed, "kept, not dropped");
}

async fn pop_with_updates(
    callside: &Callside,
    number: &str,
) -> (
    callside_core::LookupResult,
    tokio::sync::mpsc::UnboundedReceiver<callside_core::Result<callside_core::LookupResult>>,
) {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let first = callside
        .pop(number, CallDirection::Inbound, move |_number, update| {
            let _ = sender.send(update);
        })
        .await
        .unwrap();
    (first, receiver)
}

#[tokio::test]
async fn an_unknown_number_paints_after_one_search_and_the_panel_fills_in() {
    let harness = signed_in("US").await;
    let before = harness.org.api_request_count();
    let (first, mut updates) = pop_with_updates(&harness.callside, "(720) 555-0111").await;
    assert_eq!(first.source, LookupSource::Salesforce);
    assert_eq!(first.matches[0].name, "Dana Whitfield");
    assert!(
        first.matches[0].opportunities.is_empty(),
        "the first paint waits for nothing else"
    );
    let full = updates.recv().await.unwrap().unwrap();
    assert_eq!(full.matches[0].opportunities.len(), 2);
    assert_eq!(full.matches[0].cases.len(), 1);
    assert_eq!(harness.org.api_request_count() - before, 2);
}

#[tokio::test]
async fn a_number_seen_before_pops_from_the_cache_and_is_refreshed_in_the_background() {
    let harness = signed_in("US").await;
    let (_, mut updates) = pop_with_updates(&harness.callside, "(720) 555-0111").await;
    updates.recv().await.unwrap().unwrap();

    let before = harness.org.api_request_count();
    let (cached, mut updates) = pop_with_updates(&harness.callside, "+1 720 555 0111").await;
    assert_eq!(cached.source, LookupSource::Cache);
    assert_eq!(
        cached.matches[0].opportunities.len(),
        2,
        "the cache holds the full panel"
    );
    let fresh = updates.recv().await.unwrap().unwrap();
    assert_eq!(fresh.source, LookupSource::Salesforce);
    assert_eq!(fresh.matches, cached.matches);
    assert_eq!(
        harness.org.api_request_count() - before,
        2,
        "one refresh: search and related"
    );
}

#[tokio::test]
async fn a_record_deleted_in_salesforce_disappears_from_the_cache_on_refresh() {
    let harness = signed_in("US").await;
    let first = harness.callside.lookup("(303) 555-0188").await.unwrap();
    assert_eq!(first.matches.len(), 2);
    let marco = first
        .matches
        .iter()
        .find(|m| m.name == "Marco Rossi")
        .unwrap();
    let deleted = harness
        .colleague(
            reqwest::Method::DELETE,
            &format!("sobjects/Lead/{}", marco.id),
            None,
        )
        .await;
    assert_eq!(deleted, 204);

    let (cached, mut updates) = pop_with_updates(&harness.callside, "(303) 555-0188").await;
    assert_eq!(
        cached.matches.len(),
        2,
        "the cache answers first, as it was"
    );
    let fresh = updates.recv().await.unwrap().unwrap();
    assert_eq!(fresh.matches.len(), 1);
    let (again, _) = pop_with_updates(&harness.callside, "(303) 555-0188").await;
    assert_eq!(again.source, LookupSource::Cache);
    assert_eq!(
        again.matches.len(),
        1,
        "the deleted lead is gone from the cache"
    );
    assert_eq!(again.matches[0].name, "Elena Rossi");
}

#[tokio::test]
async fn the_cache_keeps_at_most_its_limit_least_recently_used_first_out() {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = settings(&org, data_dir.path(), "US");
    settings.cache_limits.max_records = 2;
    let callside =
        Callside::open(settings, Arc::new(MemoryStore::default()), "memory".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    callside.lookup("720-555-0133").await.unwrap(); // Priya
    callside.lookup("+17205550144").await.unwrap(); // Siobhan
                                                    // Priya is used again, so Siobhan is now the least recently used.
    let (hit, _) = pop_with_updates(&callside, "720-555-0133").await;
    assert_eq!(hit.source, LookupSource::Cache);
    callside.lookup("(206) 555-0151").await.unwrap(); // Marcus: a third record
    let org_id = callside.status().await.org_id.unwrap();
    let store = Store::open_for_org(data_dir.path(), &org_id).unwrap();
    assert_eq!(store.cached_record_count().unwrap(), 2);
    assert!(
        store.cached_lookup("+17205550144").unwrap().is_none(),
        "Siobhan went first"
    );
    assert!(store.cached_lookup("+17205550133").unwrap().is_some());
    assert!(store.cached_lookup("+12065550151").unwrap().is_some());

    callside.clear_cache().await.unwrap();
    assert_eq!(store.cached_record_count().unwrap(), 0);
}

#[tokio::test]
async fn recent_calls_list_who_called_when_and_for_how_long() {
    let harness = signed_in("US").await;
    let (first, mut updates) = pop_with_updates(&harness.callside, "720.555.0111").await;
    updates.recv().await.unwrap().unwrap();
    harness
        .callside
        .pop("+1 212 555 0199", CallDirection::Outbound, |_, _| {})
        .await
        .unwrap();
    harness
        .callside
        .log_call(&LogCallRequest {
            who_id: first.matches[0].id.clone(),
            what_id: None,
            duration_seconds: 73,
            direction: CallDirection::Inbound,
            notes: String::new(),
            subject: None,
            disposition: None,
            next_steps: None,
        })
        .await
        .unwrap();
    let recent = harness.callside.recent_calls(10).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].number, "+12125550199");
    assert_eq!(recent[0].name, None, "an unknown caller");
    assert_eq!(recent[0].direction, CallDirection::Outbound);
    assert_eq!(recent[1].name.as_deref(), Some("Dana Whitfield"));
    assert_eq!(recent[1].duration_seconds, Some(73));
    assert!(recent[1].started_at.ends_with('Z'));
}

#[tokio::test]
async fn a_pick_among_several_matches_is_remembered_for_that_number() {
    let harness = signed_in("US").await;
    let first = harness.callside.lookup("(303) 555-0188").await.unwrap();
    assert_eq!(first.matches[0].name, "Elena Rossi");
    let marco = first.matches[1].clone();
    harness
        .callside
        .remember_pick("303-555-0188", &marco.id)
        .await
        .unwrap();
    let again = harness.callside.lookup("(303) 555-0188").await.unwrap();
    assert_eq!(again.matches[0].name, "Marco Rossi");
    assert_eq!(again.matches.len(), 2, "the others are still listed");
}

#[tokio::test]
async fn the_best_match_shows_its_owner_and_last_activities() {
    let harness = signed_in("US").await;
    let dana = harness
        .callside
        .lookup("(720) 555-0111")
        .await
        .unwrap()
        .matches[0]
        .clone();
    assert_eq!(dana.owner.as_deref(), Some("Riley Demo"));
    let subjects: Vec<_> = dana
        .activities
        .iter()
        .filter_map(|a| a.subject.clone())
        .collect();
    assert!(
        subjects.contains(&"Call with Dana Whitfield".to_string()),
        "{subjects:?}"
    );
    let priya = harness
        .callside
        .lookup("720-555-0133")
        .await
        .unwrap()
        .matches[0]
        .clone();
    assert!(priya
        .activities
        .iter()
        .any(|a| a.subject.as_deref() == Some("Follow up on pricing request")));
}

#[tokio::test]
async fn a_search_hit_on_another_country_with_the_same_digits_is_dropped() {
    let harness = signed_in("US").await;
    // A US lead whose national digits equal the UK caller's national digits.
    let created = harness
        .colleague(
            reqwest::Method::POST,
            "sobjects/Lead",
            Some(serde_json::json!({"LastName": "Lookalike", "Company": "Portland Co", "Phone": "(207) 946-0100"})),
        )
        .await;
    assert_eq!(created, 201);
    let result = harness.callside.lookup("+44 20 7946 0100").await.unwrap();
    let names: Vec<&str> = result.matches.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["Nadia Decoy"],
        "the US lookalike was found by SOSL but dropped"
    );
    let search = harness
        .org
        .request_log()
        .into_iter()
        .rfind(|r| r.path.ends_with("/search"))
        .unwrap();
    assert!(search.query.unwrap_or_default().contains("2079460100"));
}

#[tokio::test]
async fn names_in_any_script_come_back_intact() {
    let harness = signed_in("US").await;
    let result = harness.callside.lookup("+81 3-5555-0199").await.unwrap();
    assert_eq!(result.matches[0].name, "美咲 佐藤");
    assert_eq!(
        result.matches[0].company.as_deref(),
        Some("さくらデザイン株式会社")
    );
    let result = harness.callside.lookup("+17205550144").await.unwrap();
    assert_eq!(result.matches[0].name, "Siobhan O'Connor");
    assert_eq!(result.matches[0].company.as_deref(), Some("Harbour & Sons"));
}

#[tokio::test]
async fn the_match_order_from_settings_ranks_leads_first() {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = settings(&org, data_dir.path(), "US");
    settings.match_order = vec![RecordType::Lead, RecordType::Contact, RecordType::Account];
    let callside =
        Callside::open(settings, Arc::new(MemoryStore::default()), "memory".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    let result = callside.lookup("(303) 555-0188").await.unwrap();
    assert_eq!(result.matches[0].name, "Marco Rossi");
}

fn lead_record(org: &FakeOrg, name: &str) -> Value {
    org.records("Lead")
        .into_iter()
        .find(|l| l["Name"] == name)
        .unwrap_or_else(|| panic!("no lead {name}"))
}

#[tokio::test]
async fn a_rep_rates_a_lead_and_sets_its_status_from_the_orgs_own_values() {
    let harness = signed_in("US").await;
    let priya = harness
        .callside
        .lookup("720-555-0133")
        .await
        .unwrap()
        .matches[0]
        .clone();
    let rated = harness.callside.rate_lead(&priya.id, "hot").await.unwrap();
    assert_eq!(rated.status, ActionStatus::Sent, "{rated:?}");
    assert_eq!(lead_record(&harness.org, "Priya Raman")["Rating"], "Hot");

    let statuses = harness.callside.lead_statuses().await.unwrap();
    assert!(
        statuses.contains(&"Working - Contacted".to_string()),
        "{statuses:?}"
    );
    let set = harness
        .callside
        .set_lead_status(&priya.id, "working - contacted")
        .await
        .unwrap();
    assert_eq!(set.status, ActionStatus::Sent, "{set:?}");
    assert_eq!(
        lead_record(&harness.org, "Priya Raman")["Status"],
        "Working - Contacted"
    );

    let error = harness
        .callside
        .set_lead_status(&priya.id, "Maybe later")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("not a lead status"), "{error}");
    let error = harness
        .callside
        .rate_lead(&priya.id, "Lukewarm")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("Hot, Warm or Cold"), "{error}");
}

#[tokio::test]
async fn an_opportunity_advances_to_the_next_stage_with_its_probability() {
    let harness = signed_in("US").await;
    let dana = harness
        .callside
        .lookup("(720) 555-0111")
        .await
        .unwrap()
        .matches[0]
        .clone();
    let catalog = dana
        .opportunities
        .iter()
        .find(|o| o.stage == "Prospecting")
        .unwrap()
        .clone();
    let moved = harness
        .callside
        .set_stage(&catalog.id, None, false)
        .await
        .unwrap();
    assert_eq!(moved.status, ActionStatus::Sent, "{moved:?}");
    let record = harness
        .org
        .records("Opportunity")
        .into_iter()
        .find(|o| o["Id"] == catalog.id.as_str())
        .unwrap();
    assert_eq!(record["StageName"], "Qualification");
    assert_eq!(record["Probability"], 10.0);

    let error = harness
        .callside
        .set_stage(&catalog.id, Some("Closed Won"), false)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("confirm"),
        "closing asks first: {error}"
    );
    let won = harness
        .callside
        .set_stage(&catalog.id, Some("closed won"), true)
        .await
        .unwrap();
    assert_eq!(won.status, ActionStatus::Sent);
    let error = harness
        .callside
        .set_stage(&catalog.id, None, false)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("already closed"), "{error}");
}

#[tokio::test]
async fn an_unknown_caller_becomes_a_lead_found_from_the_cache_at_once() {
    let harness = signed_in("US").await;
    // As in Salesforce, a new record is not searchable for a while.
    harness
        .org
        .set_search_index_lag(std::time::Duration::from_secs(600));
    let unknown = harness.callside.lookup("+1 (415) 555-0123").await.unwrap();
    assert!(unknown.matches.is_empty());
    let created = harness
        .callside
        .create_lead(&callside_core::NewLead {
            phone: "(415) 555-0123".into(),
            last_name: "O'Hara".into(),
            company: "Ürün & Co".into(),
            first_name: Some("Maeve".into()),
            assignment_rules: None,
        })
        .await
        .unwrap();
    assert_eq!(created.status, ActionStatus::Sent, "{created:?}");
    let lead = lead_record(&harness.org, "Maeve O'Hara");
    assert_eq!(lead["LeadSource"], "Phone Call");
    assert_eq!(lead["Company"], "Ürün & Co");
    assert_eq!(
        Some(lead["Id"].as_str().unwrap()),
        created.record_id.as_deref()
    );
    let tasks = task_with(&harness.org, "WhoId", lead["Id"].as_str().unwrap());
    assert_eq!(tasks.len(), 1, "created together with its call Task");

    let (cached, mut updates) = pop_with_updates(&harness.callside, "415-555-0123").await;
    assert_eq!(cached.source, LookupSource::Cache);
    assert_eq!(cached.matches[0].name, "Maeve O'Hara");
    // The refresh's search does not find her yet; she stays.
    let fresh = updates.recv().await.unwrap().unwrap();
    assert_eq!(fresh.source, LookupSource::Salesforce);
    assert_eq!(fresh.matches[0].name, "Maeve O'Hara");
    let again = harness.callside.lookup("+14155550123").await.unwrap();
    assert_eq!(
        again.matches.len(),
        1,
        "no duplicate while the index lags: {:?}",
        again.matches
    );

    let error = harness
        .callside
        .create_lead(&callside_core::NewLead {
            phone: "(415) 555-0124".into(),
            last_name: " ".into(),
            company: "X".into(),
            first_name: None,
            assignment_rules: None,
        })
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("last name and a company"),
        "{error}"
    );
}

#[tokio::test]
async fn a_lead_create_whose_answer_was_lost_is_not_created_twice() {
    let harness = signed_in("US").await;
    harness.org.inject(
        callside_fake_org::Fault::drop_after_apply(1)
            .method("POST")
            .path_prefix("/services/data/v62.0/composite"),
    );
    let first = harness
        .callside
        .create_lead(&callside_core::NewLead {
            phone: "+1 415 555 0177".into(),
            last_name: "Nakamura".into(),
            company: "Lost Answer Ltd".into(),
            first_name: None,
            assignment_rules: None,
        })
        .await
        .unwrap();
    assert_eq!(first.status, ActionStatus::Pending, "{first:?}");
    let sent = harness.callside.retry_outbox(None).await.unwrap();
    assert_eq!(sent[0].status, ActionStatus::Sent, "{sent:?}");
    let leads: Vec<_> = harness
        .org
        .records("Lead")
        .into_iter()
        .filter(|l| l["Company"] == "Lost Answer Ltd")
        .collect();
    assert_eq!(leads.len(), 1, "exactly once");
    assert_eq!(sent[0].record_id.as_deref(), leads[0]["Id"].as_str());
}

#[tokio::test]
async fn one_records_actions_reach_salesforce_in_order_and_failures_are_kept() {
    let harness = signed_in("US").await;
    let priya = harness
        .callside
        .lookup("720-555-0133")
        .await
        .unwrap()
        .matches[0]
        .clone();
    harness
        .org
        .inject(callside_fake_org::Fault::unavailable(1).method("PATCH"));
    let first = harness.callside.rate_lead(&priya.id, "Cold").await.unwrap();
    assert_eq!(first.status, ActionStatus::Pending);
    assert_eq!(
        first.message_text.as_ref().map(|t| t.key()),
        Some("WaitingToSend"),
        "{first:?}"
    );
    // In the outbox, the reason it waits: Salesforce's 503, as a text too.
    let waiting = harness
        .callside
        .action(&first.action_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        waiting.message_text.as_ref().map(|t| t.key()),
        Some("SalesforceUnavailable"),
        "{waiting:?}"
    );
    let second = harness.callside.rate_lead(&priya.id, "Hot").await.unwrap();
    assert_eq!(
        second.status,
        ActionStatus::Pending,
        "waits behind the first"
    );
    let sent = harness.callside.retry_outbox(None).await.unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        lead_record(&harness.org, "Priya Raman")["Rating"],
        "Hot",
        "the later click wins"
    );
    let patches: Vec<_> = harness
        .org
        .request_log()
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.status == Some(204))
        .map(|r| r.body.unwrap()["Rating"].clone())
        .collect();
    assert_eq!(
        patches,
        vec![serde_json::json!("Cold"), serde_json::json!("Hot")]
    );

    // A converted lead cannot be changed: kept as failed with Salesforce's message.
    let tom = harness
        .org
        .records("Lead")
        .into_iter()
        .find(|l| l["Name"] == "Tom Becker")
        .unwrap();
    let refused = harness
        .callside
        .rate_lead(tom["Id"].as_str().unwrap(), "Warm")
        .await
        .unwrap();
    assert_eq!(refused.status, ActionStatus::Failed);
    let outbox = harness.callside.outbox(10).await.unwrap();
    assert!(outbox
        .iter()
        .any(|a| a.action_id == refused.action_id && a.status == ActionStatus::Failed));
    harness
        .callside
        .discard_action(&refused.action_id)
        .await
        .unwrap();
    assert!(harness
        .callside
        .action(&refused.action_id)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_change_made_by_someone_else_first_is_reported_as_a_conflict() {
    let harness = signed_in("US").await;
    let priya = harness
        .callside
        .lookup("720-555-0133")
        .await
        .unwrap()
        .matches[0]
        .clone();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // A colleague edits the lead in Salesforce after the rep's panel loaded it.
    let edited = harness
        .colleague(
            reqwest::Method::PATCH,
            &format!("sobjects/Lead/{}", priya.id),
            Some(serde_json::json!({"Rating": "Cold"})),
        )
        .await;
    assert_eq!(edited, 204);
    let outcome = harness.callside.rate_lead(&priya.id, "Hot").await.unwrap();
    assert_eq!(outcome.status, ActionStatus::Failed, "{outcome:?}");
    assert!(outcome
        .message
        .clone()
        .unwrap()
        .contains("changed this record"));
    // The words as a text for the UI's languages, kept with the action in the outbox.
    let stored = harness
        .callside
        .action(&outcome.action_id)
        .await
        .unwrap()
        .unwrap();
    for shown in [&outcome, &stored] {
        let text = shown.message_text.clone().unwrap();
        assert_eq!(Some(text.to_string()), shown.message, "{shown:?}");
        assert!(
            matches!(text.key(), "ChangedInSalesforceBy" | "ChangedInSalesforce"),
            "{text:?}"
        );
        assert_eq!(
            shown.description_text.as_ref().map(|t| t.key()),
            Some("RateLeadAs")
        );
    }
    assert_eq!(
        lead_record(&harness.org, "Priya Raman")["Rating"],
        "Cold",
        "nothing overwritten"
    );
}

fn record_by_id(org: &FakeOrg, sobject: &str, id: &str) -> Value {
    org.records(sobject)
        .into_iter()
        .find(|r| r["Id"] == id)
        .unwrap_or_else(|| panic!("no {sobject} {id}"))
}

fn summit_and_dana(org: &FakeOrg) -> (String, String) {
    let account = org
        .records("Account")
        .into_iter()
        .find(|a| a["Name"] == "Summit Outdoor Supply")
        .unwrap();
    let dana = org
        .records("Contact")
        .into_iter()
        .find(|c| c["Name"] == "Dana Whitfield")
        .unwrap();
    (
        account["Id"].as_str().unwrap().to_string(),
        dana["Id"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn a_call_outcome_moves_the_opportunity_to_its_mapped_stage() {
    let harness = signed_in("US").await;
    let outcomes = harness.callside.outcomes();
    assert_eq!(outcomes.len(), 8);
    assert_eq!(outcomes[3].outcome, "Demo Scheduled");
    assert_eq!(outcomes[3].stage, "Value Proposition");
    let opportunity = harness
        .org
        .records("Opportunity")
        .into_iter()
        .find(|o| o["StageName"] == "Prospecting")
        .unwrap();
    let id = opportunity["Id"].as_str().unwrap();
    let moved = harness
        .callside
        .record_outcome(id, "demo scheduled", false)
        .await
        .unwrap();
    assert_eq!(moved.status, ActionStatus::Sent, "{moved:?}");
    assert_eq!(moved.kind, "set_stage");
    assert_eq!(
        record_by_id(&harness.org, "Opportunity", id)["StageName"],
        "Value Proposition"
    );

    let error = harness
        .callside
        .record_outcome(id, "Deal Closed", false)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("confirm"), "{error}");
    let error = harness
        .callside
        .record_outcome(id, "Went well", false)
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("not a call outcome") && message.contains("Prospect Reached"),
        "{message}"
    );
    assert_eq!(error.code(), callside_core::ErrorCode::InvalidInput);
    let closed = harness
        .callside
        .record_outcome(id, "Deal Closed", true)
        .await
        .unwrap();
    assert_eq!(closed.status, ActionStatus::Sent, "{closed:?}");
    assert_eq!(
        record_by_id(&harness.org, "Opportunity", id)["StageName"],
        "Closed Won"
    );
}

#[tokio::test]
async fn an_opportunity_created_from_a_call_comes_with_its_call_task() {
    let harness = signed_in("US").await;
    let (account, dana) = summit_and_dana(&harness.org);
    let created = harness
        .callside
        .create_opportunity(&callside_core::NewOpportunity {
            account_id: account.clone(),
            name: "Summit – 40 tents".into(),
            close_date: "2026-12-15".into(),
            amount: Some(12_500.0),
            contact_id: Some(dana.clone()),
            stage: None,
            next_step: Some("Send quote".into()),
            description: Some("Asked on the phone".into()),
        })
        .await
        .unwrap();
    assert_eq!(created.status, ActionStatus::Sent, "{created:?}");
    let id = created.record_id.clone().unwrap();
    assert!(id.starts_with("006"), "{id}");
    let opportunity = record_by_id(&harness.org, "Opportunity", &id);
    assert_eq!(opportunity["Name"], "Summit – 40 tents");
    assert_eq!(opportunity["StageName"], "Prospecting");
    assert_eq!(opportunity["LeadSource"], "Phone Call");
    assert_eq!(opportunity["Type"], "New Customer");
    assert_eq!(opportunity["Amount"], 12_500.0);
    assert_eq!(opportunity["AccountId"], account.as_str());
    assert_eq!(opportunity["NextStep"], "Send quote");
    let tasks = task_with(&harness.org, "WhatId", &id);
    assert_eq!(tasks.len(), 1, "created with its call Task");
    assert_eq!(
        tasks[0]["CallObject"],
        format!("callside:{}", created.action_id).as_str()
    );
    assert_eq!(tasks[0]["WhoId"], dana.as_str());

    for (request, expected) in [
        (
            callside_core::NewOpportunity {
                account_id: account.clone(),
                name: "X".into(),
                close_date: "15/12/2026".into(),
                ..Default::default()
            },
            "not a date",
        ),
        (
            callside_core::NewOpportunity {
                account_id: dana.clone(),
                name: "X".into(),
                close_date: "2026-12-15".into(),
                ..Default::default()
            },
            "not an Account id",
        ),
        (
            callside_core::NewOpportunity {
                account_id: account.clone(),
                name: "X".into(),
                close_date: "2026-12-15".into(),
                amount: Some(f64::NAN),
                ..Default::default()
            },
            "not an amount",
        ),
        (
            callside_core::NewOpportunity {
                account_id: account.clone(),
                name: "X".into(),
                close_date: "2026-12-15".into(),
                stage: Some("Nearly there".into()),
                ..Default::default()
            },
            "not a stage of this org",
        ),
    ] {
        let error = harness
            .callside
            .create_opportunity(&request)
            .await
            .unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[tokio::test]
async fn an_opportunity_create_whose_answer_was_lost_is_not_created_twice() {
    let harness = signed_in("US").await;
    let (account, _) = summit_and_dana(&harness.org);
    harness.org.inject(
        callside_fake_org::Fault::drop_after_apply(1)
            .method("POST")
            .path_prefix("/services/data/v62.0/composite"),
    );
    let first = harness
        .callside
        .create_opportunity(&callside_core::NewOpportunity {
            account_id: account,
            name: "Lost answer deal".into(),
            close_date: "2026-11-30".into(),
            stage: Some("qualification".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(first.status, ActionStatus::Pending, "{first:?}");
    let sent = harness.callside.retry_outbox(None).await.unwrap();
    assert_eq!(sent[0].status, ActionStatus::Sent, "{sent:?}");
    let found: Vec<_> = harness
        .org
        .records("Opportunity")
        .into_iter()
        .filter(|o| o["Name"] == "Lost answer deal")
        .collect();
    assert_eq!(found.len(), 1, "exactly once");
    assert_eq!(found[0]["StageName"], "Qualification");
    assert_eq!(sent[0].record_id.as_deref(), found[0]["Id"].as_str());
}

#[tokio::test]
async fn a_demo_is_an_event_created_exactly_once() {
    let harness = signed_in("US").await;
    let (account, dana) = summit_and_dana(&harness.org);
    harness.org.inject(
        callside_fake_org::Fault::drop_after_apply(1)
            .method("POST")
            .path_prefix("/services/data/v62.0/sobjects/Event"),
    );
    let first = harness
        .callside
        .schedule_demo(
            &dana,
            Some(&account),
            "2026-12-01T16:00:00+01:00",
            45,
            "Demo Scheduled",
        )
        .await
        .unwrap();
    assert_eq!(first.status, ActionStatus::Pending, "{first:?}");
    let sent = harness.callside.retry_outbox(None).await.unwrap();
    assert_eq!(sent[0].status, ActionStatus::Sent, "{sent:?}");
    let events: Vec<_> = harness
        .org
        .records("Event")
        .into_iter()
        .filter(|e| e["WhoId"] == dana.as_str() && e["Subject"] == "Demo Scheduled")
        .collect();
    assert_eq!(events.len(), 1, "exactly once: {events:?}");
    let event = &events[0];
    assert_eq!(sent[0].record_id.as_deref(), event["Id"].as_str());
    assert_eq!(event["DurationInMinutes"], 45);
    assert_eq!(event["Type"], "Meeting");
    assert_eq!(event["WhatId"], account.as_str());
    assert!(
        event["StartDateTime"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-01T15:00:00"),
        "{event}"
    );
    assert!(
        event["Description"]
            .as_str()
            .unwrap()
            .ends_with(&format!("Callside-Action: {}", first.action_id)),
        "{event}"
    );

    let priya = lead_record(&harness.org, "Priya Raman");
    let priya = priya["Id"].as_str().unwrap();
    for (who, what, start, minutes, expected) in [
        (
            priya,
            Some(account.as_str()),
            "2026-12-01T15:00:00Z",
            30,
            "cannot be related",
        ),
        (dana.as_str(), None, "tomorrow at 3", 30, "not a time"),
        (dana.as_str(), None, "2026-12-01T15:00:00Z", 0, "1 to 1440"),
        (
            account.as_str(),
            None,
            "2026-12-01T15:00:00Z",
            30,
            "not a Lead or Contact",
        ),
    ] {
        let error = harness
            .callside
            .schedule_demo(who, what, start, minutes, "Demo")
            .await
            .unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[tokio::test]
async fn qualification_goes_to_the_mapped_fields_and_a_lead_is_assigned() {
    let harness = signed_in("US").await;
    let priya = lead_record(&harness.org, "Priya Raman");
    let priya = priya["Id"].as_str().unwrap().to_string();
    let qualified = harness
        .callside
        .qualify_lead(
            &priya,
            Some("Budget approved for Q1"),
            Some("Send the proposal"),
        )
        .await
        .unwrap();
    assert_eq!(qualified.status, ActionStatus::Sent, "{qualified:?}");
    assert_eq!(
        lead_record(&harness.org, "Priya Raman")["Description"],
        "Budget approved for Q1\n\nNext: Send the proposal"
    );
    let error = harness
        .callside
        .qualify_lead(&priya, Some(&"x".repeat(32_001)), None)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("32000"), "{error}");
    let error = harness
        .callside
        .qualify_lead(&priya, None, Some(" "))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("next action"), "{error}");

    let user = harness.org.records("User")[0]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let assigned = harness.callside.assign_lead(&priya, &user).await.unwrap();
    assert_eq!(assigned.status, ActionStatus::Sent, "{assigned:?}");
    assert_eq!(
        lead_record(&harness.org, "Priya Raman")["OwnerId"],
        user.as_str()
    );
    let error = harness
        .callside
        .assign_lead(&priya, &priya)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("not a User id"), "{error}");
}

#[tokio::test]
async fn a_mapped_field_the_org_lacks_is_named_before_anything_is_queued() {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = settings(&org, data_dir.path(), "US");
    settings.field_mapping.next_action = "Next_Steps__c".into();
    let callside = Callside::open(
        settings,
        Arc::new(MemoryStore::default()),
        "memory only".into(),
    )
    .unwrap();
    callside.sign_in_with(curl).await.unwrap();
    let error = callside.check_field_mapping().await.unwrap_err();
    assert!(error.to_string().contains("Next_Steps__c"), "{error}");
    let priya = lead_record(&org, "Priya Raman");
    let error = callside
        .qualify_lead(priya["Id"].as_str().unwrap(), Some("notes"), None)
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("Next_Steps__c") && message.contains("field_mapping.next_action"),
        "{message}"
    );
    assert!(callside.outbox(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_conflict_shows_salesforces_value_and_the_rep_may_overwrite_it() {
    let harness = signed_in("US").await;
    let priya = harness
        .callside
        .lookup("720-555-0133")
        .await
        .unwrap()
        .matches[0]
        .clone();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let edited = harness
        .colleague(
            reqwest::Method::PATCH,
            &format!("sobjects/Lead/{}", priya.id),
            Some(serde_json::json!({"Rating": "Cold"})),
        )
        .await;
    assert_eq!(edited, 204);
    let refused = harness.callside.rate_lead(&priya.id, "Hot").await.unwrap();
    assert_eq!(refused.status, ActionStatus::Failed);
    let conflict = refused.conflict.clone().expect("the server's values");
    assert_eq!(conflict.fields.len(), 1);
    assert_eq!(conflict.fields[0].field, "Rating");
    assert_eq!(conflict.fields[0].ours.as_deref(), Some("Hot"));
    assert_eq!(conflict.fields[0].theirs.as_deref(), Some("Cold"));
    assert_eq!(conflict.modified_by.as_deref(), Some("Riley Demo"));
    assert!(conflict.modified_at.is_some());
    // Kept across a restart of the outbox listing.
    let listed = harness.callside.outbox(5).await.unwrap();
    assert_eq!(listed[0].conflict, Some(conflict));

    // Only a conflict can be overwritten.
    let error = harness
        .callside
        .overwrite_action("no-such-action")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("No refused action"), "{error}");

    let sent = harness
        .callside
        .overwrite_action(&refused.action_id)
        .await
        .unwrap();
    let overwritten = sent
        .iter()
        .find(|o| o.action_id == refused.action_id)
        .unwrap();
    assert_eq!(overwritten.status, ActionStatus::Sent, "{overwritten:?}");
    assert!(overwritten.conflict.is_none());
    assert_eq!(lead_record(&harness.org, "Priya Raman")["Rating"], "Hot");
}

#[tokio::test]
async fn an_overwrite_does_not_clobber_a_change_made_after_the_conflict() {
    let harness = signed_in("US").await;
    let priya = harness
        .callside
        .lookup("720-555-0133")
        .await
        .unwrap()
        .matches[0]
        .clone();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let path = format!("sobjects/Lead/{}", priya.id);
    let body = |rating: &str| Some(serde_json::json!({ "Rating": rating }));
    harness
        .colleague(reqwest::Method::PATCH, &path, body("Cold"))
        .await;
    let refused = harness.callside.rate_lead(&priya.id, "Hot").await.unwrap();
    assert!(refused.conflict.is_some());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    harness
        .colleague(reqwest::Method::PATCH, &path, body("Warm"))
        .await;
    let again = harness
        .callside
        .overwrite_action(&refused.action_id)
        .await
        .unwrap();
    let again = again
        .iter()
        .find(|o| o.action_id == refused.action_id)
        .unwrap();
    assert_eq!(again.status, ActionStatus::Failed);
    assert_eq!(
        again.conflict.as_ref().unwrap().fields[0].theirs.as_deref(),
        Some("Warm")
    );
    assert_eq!(lead_record(&harness.org, "Priya Raman")["Rating"], "Warm");
}

fn composite_posts(org: &FakeOrg) -> Vec<Value> {
    org.request_log()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/composite"))
        .filter_map(|r| r.body)
        .collect()
}

fn writes(org: &FakeOrg) -> usize {
    org.request_log()
        .into_iter()
        .filter(|r| r.method != "GET")
        .count()
}

#[tokio::test]
async fn a_wrap_up_goes_to_salesforce_in_one_composite_request() {
    let harness = signed_in("US").await;
    let (_, dana) = summit_and_dana(&harness.org);
    let opportunity = harness
        .org
        .records("Opportunity")
        .into_iter()
        .find(|o| o["StageName"] == "Prospecting" || o["StageName"] == "Qualification")
        .unwrap();
    let opportunity_id = opportunity["Id"].as_str().unwrap().to_string();
    harness.callside.stages().await.unwrap();
    let writes_before = writes(&harness.org);
    let outcomes = harness
        .callside
        .wrap_up(&callside_core::WrapUp {
            call: LogCallRequest {
                who_id: dana.clone(),
                what_id: Some(opportunity_id.clone()),
                duration_seconds: 312,
                direction: CallDirection::Outbound,
                notes: "Walked through the proposal".into(),
                subject: Some("Proposal call".into()),
                disposition: Some("Interested".into()),
                next_steps: Some("Send the revised quote".into()),
            },
            follow_up: Some(callside_core::FollowUpRequest {
                subject: "Send the revised quote".into(),
                due_date: "2026-12-03".into(),
                priority: "High".into(),
            }),
            stage: Some(callside_core::StageChange {
                opportunity_id: opportunity_id.clone(),
                stage: None,
                outcome: Some("Demo Scheduled".into()),
                confirm_closing: false,
            }),
        })
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 3);
    assert!(
        outcomes.iter().all(|o| o.status == ActionStatus::Sent),
        "{outcomes:?}"
    );
    assert_eq!(
        writes(&harness.org) - writes_before,
        1,
        "one API call: {:?}",
        harness
            .org
            .request_log()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>()
    );
    let composite = composite_posts(&harness.org);
    assert_eq!(composite.last().unwrap()["allOrNone"], false);
    assert_eq!(
        composite.last().unwrap()["compositeRequest"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let call = &task_with(&harness.org, "Subject", "Proposal call")[0];
    assert_eq!(call["CallDurationInSeconds"], 312);
    assert_eq!(
        call["Description"],
        "Walked through the proposal\n\nNext steps: Send the revised quote"
    );
    let follow_up = &task_with(&harness.org, "Subject", "Send the revised quote")[0];
    assert_eq!(follow_up["Priority"], "High");
    assert_eq!(follow_up["ActivityDate"], "2026-12-03");
    assert_eq!(
        record_by_id(&harness.org, "Opportunity", &opportunity_id)["StageName"],
        "Value Proposition"
    );
}

#[tokio::test]
async fn a_bad_part_of_a_wrap_up_queues_nothing() {
    let harness = signed_in("US").await;
    let (_, dana) = summit_and_dana(&harness.org);
    let call = LogCallRequest {
        who_id: dana,
        what_id: None,
        duration_seconds: 10,
        direction: CallDirection::Inbound,
        notes: String::new(),
        subject: None,
        disposition: None,
        next_steps: None,
    };
    for (follow_up, stage) in [
        (
            Some(callside_core::FollowUpRequest {
                subject: "x".into(),
                due_date: "next week".into(),
                priority: "Normal".into(),
            }),
            None,
        ),
        (
            None,
            Some(callside_core::StageChange {
                opportunity_id: "006000000000001AAA".into(),
                stage: None,
                outcome: Some("Went fishing".into()),
                confirm_closing: false,
            }),
        ),
    ] {
        let error = harness
            .callside
            .wrap_up(&callside_core::WrapUp {
                call: call.clone(),
                follow_up,
                stage,
            })
            .await
            .unwrap_err();
        assert_eq!(
            error.code(),
            callside_core::ErrorCode::InvalidInput,
            "{error}"
        );
    }
    assert!(harness.callside.outbox(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn actions_queued_offline_go_out_together_when_salesforce_is_back() {
    let harness = signed_in("US").await;
    let (_, dana) = summit_and_dana(&harness.org);
    let priya = lead_record(&harness.org, "Priya Raman");
    let priya = priya["Id"].as_str().unwrap();
    harness
        .org
        .inject(callside_fake_org::Fault::unavailable(100));
    let log = |notes: &str| LogCallRequest {
        who_id: dana.clone(),
        what_id: None,
        duration_seconds: 5,
        direction: CallDirection::Inbound,
        notes: notes.into(),
        subject: None,
        disposition: None,
        next_steps: None,
    };
    for notes in ["first", "second"] {
        let queued = harness.callside.log_call_action(&log(notes)).await.unwrap();
        assert_eq!(queued.status, ActionStatus::Pending);
    }
    let queued = harness.callside.rate_lead(priya, "Warm").await.unwrap();
    assert_eq!(queued.status, ActionStatus::Pending);
    harness.org.clear_faults();
    let composites_before = composite_posts(&harness.org).len();
    let sent = harness.callside.retry_outbox(None).await.unwrap();
    assert_eq!(sent.len(), 3);
    assert!(
        sent.iter().all(|o| o.status == ActionStatus::Sent),
        "{sent:?}"
    );
    // Two call logs for Dana go one after the other (one record per request).
    assert_eq!(composite_posts(&harness.org).len() - composites_before, 1);
    assert_eq!(task_with(&harness.org, "Description", "first").len(), 1);
    assert_eq!(task_with(&harness.org, "Description", "second").len(), 1);
    assert_eq!(lead_record(&harness.org, "Priya Raman")["Rating"], "Warm");
}

#[tokio::test]
async fn lead_assignment_rules_run_only_when_asked() {
    let harness = signed_in("US").await;
    let owner_of = |name: &str| lead_record(&harness.org, name)["OwnerId"].clone();
    let new_lead = |last: &str, rules: Option<bool>| callside_core::NewLead {
        phone: format!("(415) 555-01{}", last.len() + 10),
        last_name: last.into(),
        company: "Acme".into(),
        first_name: None,
        assignment_rules: rules,
    };
    let kept = harness
        .callside
        .create_lead(&new_lead("Keeper", None))
        .await
        .unwrap();
    assert_eq!(kept.status, ActionStatus::Sent, "{kept:?}");
    let routed = harness
        .callside
        .create_lead(&new_lead("Routed", Some(true)))
        .await
        .unwrap();
    assert_eq!(routed.status, ActionStatus::Sent, "{routed:?}");
    let users = harness.org.records("User");
    let user_named = |last: &str| {
        users
            .iter()
            .find(|u| u["LastName"] == last)
            .map(|u| u["Id"].clone())
            .unwrap()
    };
    assert_eq!(owner_of("Keeper"), user_named("Demo"));
    assert_eq!(owner_of("Routed"), user_named("Desk"), "the rule ran");

    // Rating a phone lead does not run the rules again (Salesforce would by default).
    let kept_id = kept.record_id.unwrap();
    let rated = harness.callside.rate_lead(&kept_id, "Hot").await.unwrap();
    assert_eq!(rated.status, ActionStatus::Sent);
    assert_eq!(owner_of("Keeper"), user_named("Demo"));
    // Whereas a client that leaves the header out gets the rules, as in Salesforce.
    harness
        .colleague(
            reqwest::Method::PATCH,
            &format!("sobjects/Lead/{kept_id}"),
            Some(serde_json::json!({"Rating": "Cold"})),
        )
        .await;
    assert_eq!(owner_of("Keeper"), user_named("Desk"));
}

#[tokio::test]
async fn mapped_task_fields_get_the_call_result_and_next_steps() {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let mut mapped = settings(&org, data_dir.path(), "US");
    mapped.field_mapping.call_outcome = Some("Call_Outcome__c".into());
    mapped.field_mapping.next_steps = Some("Next_Steps__c".into());
    let callside =
        Callside::open(mapped, Arc::new(MemoryStore::default()), "memory".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    callside.check_field_mapping().await.unwrap();
    let (_, dana) = summit_and_dana(&org);
    let logged = callside
        .log_call_action(&LogCallRequest {
            who_id: dana,
            what_id: None,
            duration_seconds: 42,
            direction: CallDirection::Inbound,
            notes: "Asked about delivery".into(),
            subject: Some("Mapped call".into()),
            disposition: Some("Callback requested".into()),
            next_steps: Some("Call back Friday".into()),
        })
        .await
        .unwrap();
    assert_eq!(logged.status, ActionStatus::Sent, "{logged:?}");
    let task = &task_with(&org, "Subject", "Mapped call")[0];
    assert_eq!(task["Call_Outcome__c"], "Callback requested");
    assert_eq!(task["Next_Steps__c"], "Call back Friday");
    assert_eq!(task["Description"], "Asked about delivery");

    // A field the org lacks is named before anything is queued.
    let data_dir = tempfile::tempdir().unwrap();
    let mut missing = settings(&org, data_dir.path(), "US");
    missing.field_mapping.call_outcome = Some("Outcome_Of_Call__c".into());
    let callside =
        Callside::open(missing, Arc::new(MemoryStore::default()), "memory".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    let (_, dana) = summit_and_dana(&org);
    let error = callside
        .log_call_action(&LogCallRequest {
            who_id: dana,
            what_id: None,
            duration_seconds: 1,
            direction: CallDirection::Inbound,
            notes: String::new(),
            subject: None,
            disposition: Some("x".into()),
            next_steps: None,
        })
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("Outcome_Of_Call__c") && message.contains("field_mapping.call_outcome"),
        "{message}"
    );
    assert!(callside.outbox(10).await.unwrap().is_empty());
}

/// Every text a rep can type into an action, empty, blank, huge or laced with control
/// characters: refused with a short, clear message, nothing queued, nothing sent.
#[tokio::test]
async fn every_text_field_of_every_action_refuses_empty_and_huge_input() {
    let harness = signed_in("US").await;
    let c = &harness.callside;
    c.stages().await.unwrap();
    c.lead_statuses().await.unwrap();
    let (account, dana) = summit_and_dana(&harness.org);
    let priya = lead_record(&harness.org, "Priya Raman")["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let opportunity = harness.org.records("Opportunity")[0]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let huge = "x".repeat(100_000);
    let bad_texts: Vec<String> = vec![String::new(), "   ".into(), huge.clone()];
    let requests_before = harness.org.request_log().len();
    type Attempt<'a> = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = callside_core::Result<callside_core::ActionOutcome>>
                + 'a,
        >,
    >;
    let mut cases: Vec<(String, Attempt<'_>)> = Vec::new();
    for bad in &bad_texts {
        let b = bad.as_str();
        let tag = |field: &str| format!("{field} = {:?}", &b[..b.len().min(8)]);
        let log = |f: &dyn Fn(&mut LogCallRequest)| {
            let mut request = LogCallRequest {
                who_id: dana.clone(),
                what_id: None,
                duration_seconds: 1,
                direction: CallDirection::Inbound,
                notes: String::new(),
                subject: None,
                disposition: None,
                next_steps: None,
            };
            f(&mut request);
            request
        };
        let new_lead = |f: &dyn Fn(&mut callside_core::NewLead)| {
            let mut lead = callside_core::NewLead {
                phone: "(415) 555-0142".into(),
                last_name: "Lee".into(),
                company: "Acme".into(),
                first_name: None,
                assignment_rules: None,
            };
            f(&mut lead);
            lead
        };
        let new_opportunity = |f: &dyn Fn(&mut callside_core::NewOpportunity)| {
            let mut opportunity = callside_core::NewOpportunity {
                account_id: account.clone(),
                name: "Tents".into(),
                close_date: "2026-12-15".into(),
                ..Default::default()
            };
            f(&mut opportunity);
            opportunity
        };
        cases.push((tag("rate lead id"), Box::pin(c.rate_lead(b, "Hot"))));
        cases.push((tag("rating"), Box::pin(c.rate_lead(&priya, b))));
        cases.push((
            tag("status lead id"),
            Box::pin(c.set_lead_status(b, "Working - Contacted")),
        ));
        cases.push((tag("status"), Box::pin(c.set_lead_status(&priya, b))));
        cases.push((
            tag("stage opportunity id"),
            Box::pin(c.set_stage(b, Some("Qualification"), false)),
        ));
        cases.push((
            tag("stage"),
            Box::pin(c.set_stage(&opportunity, Some(b), false)),
        ));
        cases.push((
            tag("outcome"),
            Box::pin(c.record_outcome(&opportunity, b, false)),
        ));
        cases.push((
            tag("assign lead id"),
            Box::pin(c.assign_lead(b, "005000000000001AAA")),
        ));
        cases.push((tag("assign user id"), Box::pin(c.assign_lead(&priya, b))));
        cases.push((
            tag("follow-up who"),
            Box::pin(c.schedule_follow_up(b, None, "Call back", "2026-12-01", "Normal")),
        ));
        cases.push((
            tag("follow-up subject"),
            Box::pin(c.schedule_follow_up(&dana, None, b, "2026-12-01", "Normal")),
        ));
        cases.push((
            tag("follow-up date"),
            Box::pin(c.schedule_follow_up(&dana, None, "Call back", b, "Normal")),
        ));
        cases.push((
            tag("follow-up priority"),
            Box::pin(c.schedule_follow_up(&dana, None, "Call back", "2026-12-01", b)),
        ));
        cases.push((
            tag("demo who"),
            Box::pin(c.schedule_demo(b, None, "2026-12-01T15:00:00Z", 30, "Demo")),
        ));
        cases.push((
            tag("demo start"),
            Box::pin(c.schedule_demo(&dana, None, b, 30, "Demo")),
        ));
        cases.push((
            tag("demo subject"),
            Box::pin(c.schedule_demo(&dana, None, "2026-12-01T15:00:00Z", 30, b)),
        ));
        cases.push((
            tag("qualify lead id"),
            Box::pin(c.qualify_lead(b, Some("notes"), None)),
        ));
        cases.push((
            tag("log who"),
            Box::pin({
                let input = log(&|r| r.who_id = b.into());
                async move { c.log_call_action(&input).await }
            }),
        ));
        cases.push((
            tag("log what"),
            Box::pin({
                let input = log(&|r| r.what_id = Some(b.into()));
                async move { c.log_call_action(&input).await }
            }),
        ));
        cases.push((
            tag("lead phone"),
            Box::pin({
                let input = new_lead(&|l| l.phone = b.into());
                async move { c.create_lead(&input).await }
            }),
        ));
        cases.push((
            tag("lead last name"),
            Box::pin({
                let input = new_lead(&|l| l.last_name = b.into());
                async move { c.create_lead(&input).await }
            }),
        ));
        cases.push((
            tag("lead company"),
            Box::pin({
                let input = new_lead(&|l| l.company = b.into());
                async move { c.create_lead(&input).await }
            }),
        ));
        cases.push((
            tag("opportunity account"),
            Box::pin({
                let input = new_opportunity(&|o| o.account_id = b.into());
                async move { c.create_opportunity(&input).await }
            }),
        ));
        cases.push((
            tag("opportunity name"),
            Box::pin({
                let input = new_opportunity(&|o| o.name = b.into());
                async move { c.create_opportunity(&input).await }
            }),
        ));
        cases.push((
            tag("opportunity close date"),
            Box::pin({
                let input = new_opportunity(&|o| o.close_date = b.into());
                async move { c.create_opportunity(&input).await }
            }),
        ));
        if b.len() > 1000 {
            cases.push((
                tag("qualify notes"),
                Box::pin(c.qualify_lead(&priya, Some(b), None)),
            ));
            cases.push((
                tag("qualify next action"),
                Box::pin(c.qualify_lead(&priya, None, Some(b))),
            ));
            cases.push((
                tag("log notes"),
                Box::pin({
                    let input = log(&|r| r.notes = b.into());
                    async move { c.log_call_action(&input).await }
                }),
            ));
            cases.push((
                tag("log subject"),
                Box::pin({
                    let input = log(&|r| r.subject = Some(b.into()));
                    async move { c.log_call_action(&input).await }
                }),
            ));
            cases.push((
                tag("log result"),
                Box::pin({
                    let input = log(&|r| r.disposition = Some(b.into()));
                    async move { c.log_call_action(&input).await }
                }),
            ));
            cases.push((
                tag("log next steps"),
                Box::pin({
                    let input = log(&|r| r.next_steps = Some(b.into()));
                    async move { c.log_call_action(&input).await }
                }),
            ));
            cases.push((
                tag("lead first name"),
                Box::pin({
                    let input = new_lead(&|l| l.first_name = Some(b.into()));
                    async move { c.create_lead(&input).await }
                }),
            ));
            cases.push((
                tag("opportunity next step"),
                Box::pin({
                    let input = new_opportunity(&|o| o.next_step = Some(b.into()));
                    async move { c.create_opportunity(&input).await }
                }),
            ));
            cases.push((
                tag("opportunity description"),
                Box::pin({
                    let input = new_opportunity(&|o| o.description = Some(b.into()));
                    async move { c.create_opportunity(&input).await }
                }),
            ));
        }
    }
    let count = cases.len();
    for (case, attempt) in cases {
        let error = match attempt.await {
            Ok(outcome) => panic!("{case}: accepted: {outcome:?}"),
            Err(error) => error,
        };
        assert_eq!(
            error.code(),
            callside_core::ErrorCode::InvalidInput,
            "{case}: {error}"
        );
        let message = error.to_string();
        assert!(
            !message.trim().is_empty() && message.len() < 400,
            "{case}: a message a rep can read, got {} characters",
            message.len()
        );
    }
    assert!(count > 60);
    assert!(c.outbox(10).await.unwrap().is_empty(), "nothing queued");
    let sent: Vec<_> = harness.org.request_log()[requests_before..]
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(sent.is_empty(), "nothing sent: {sent:?}");
}

#[tokio::test]
async fn a_leads_source_comes_with_the_match() {
    let harness = signed_in("US").await;
    let lead = harness.callside.lookup("720-555-0133").await.unwrap();
    assert_eq!(lead.matches[0].name, "Priya Raman");
    assert_eq!(lead.matches[0].lead_source.as_deref(), Some("Web"));
    let contact = harness.callside.lookup("+1 720 555 0111").await.unwrap();
    assert_eq!(contact.matches[0].name, "Dana Whitfield");
    assert_eq!(contact.matches[0].lead_source, None);
}
