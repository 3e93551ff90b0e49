//! Reliability: actions sent through every kind of fault reach the org exactly once.

use std::sync::Arc;

use callside_core::salesforce::MemoryStore;
use callside_core::{ActionStatus, CallDirection, Callside, LogCallRequest};
use callside_fake_org::{FakeOrg, Fault};

mod support;
use serde_json::Value;
use support::{curl, settings};

/// A signed-in Callside on a fresh demo org, the people found at `numbers` (their ids)
/// and the lead Priya Raman.
async fn signed_in_with_people(
    numbers: &[&str],
) -> (
    FakeOrg,
    tempfile::TempDir,
    Callside,
    Vec<String>,
    callside_core::CallerMatch,
) {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let settings = settings(&org, data_dir.path(), "US");
    let callside =
        Callside::open(settings, Arc::new(MemoryStore::default()), "memory".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    let mut people = Vec::new();
    for number in numbers {
        people.push(callside.lookup(number).await.unwrap().matches[0].id.clone());
    }
    let priya = callside.lookup("720-555-0133").await.unwrap().matches[0].clone();
    (org, data_dir, callside, people, priya)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_action_lands_exactly_once_through_every_kind_of_fault() {
    let (org, _data_dir, callside, people, priya) = signed_in_with_people(&[
        "(720) 555-0111",
        "+17205550144",
        "(206) 555-0151",
        "303-555-0188",
        "089 7654321",
    ])
    .await;
    org.set_latency(std::time::Duration::from_millis(5));

    // Each round: a fault, then actions sent into it.
    type Inject<'a> = Box<dyn Fn() + 'a>;
    let faults: Vec<(&str, Inject)> = vec![
        (
            "503 on writes",
            Box::new(|| org.inject(Fault::unavailable(3).method("POST"))),
        ),
        (
            "connection dropped before the write",
            Box::new(|| org.inject(Fault::drop_before_apply(3).method("POST"))),
        ),
        (
            "connection dropped after the write",
            Box::new(|| org.inject(Fault::drop_after_apply(3).method("POST"))),
        ),
        ("row lock contention", Box::new(|| org.lock_next_writes(3))),
        ("session expired", Box::new(|| org.expire_all_sessions())),
        (
            "API limit reached",
            Box::new(|| org.set_api_usage(org.api_limit())),
        ),
    ];
    let mut queued = Vec::new();
    let mut injected = 0;
    for (round, (name, inject)) in faults.iter().enumerate() {
        inject();
        injected += 1;
        for i in 0..5 {
            let notes = format!("reliability {round}.{i} ({name})");
            let outcome = callside
                .log_call(&LogCallRequest {
                    // Five people: one's queue waiting does not hold up the others.
                    who_id: people[i as usize].clone(),
                    what_id: None,
                    duration_seconds: 10 + i,
                    direction: CallDirection::Inbound,
                    notes: notes.clone(),
                    subject: None,
                    disposition: None,
                    next_steps: None,
                })
                .await
                .unwrap();
            assert_ne!(outcome.status, ActionStatus::Failed, "{name}: {outcome:?}");
            queued.push((outcome.action_id, notes));
        }
        let rated = callside
            .rate_lead(&priya.id, ["Hot", "Warm", "Cold"][round % 3])
            .await
            .unwrap();
        assert_ne!(rated.status, ActionStatus::Failed, "{name}: {rated:?}");
        // The fault passes (limits reset, sessions refresh themselves) and the queue drains.
        org.clear_faults();
        org.set_api_usage(0);
        callside.retry_outbox(None).await.unwrap();
    }

    // Faults over: drain what is still queued.
    for _ in 0..5 {
        let outcomes = callside.retry_outbox(None).await.unwrap();
        if outcomes.iter().all(|o| o.status == ActionStatus::Sent) {
            break;
        }
    }
    let outbox = callside.outbox(500).await.unwrap();
    let unsent: Vec<_> = outbox
        .iter()
        .filter(|a| a.status != ActionStatus::Sent)
        .collect();
    assert!(unsent.is_empty(), "still unsent: {unsent:?}");

    let tasks = org.records("Task");
    let mut duplicates = 0;
    let mut lost = 0;
    for (action_id, notes) in &queued {
        let copies = tasks
            .iter()
            .filter(|t| t.get("Description").and_then(Value::as_str) == Some(notes.as_str()))
            .filter(|t| {
                t.get("CallObject").and_then(Value::as_str)
                    == Some(&format!("callside:{action_id}"))
            })
            .count();
        match copies {
            0 => lost += 1,
            1 => {}
            n => duplicates += n - 1,
        }
    }
    let log = org.request_log();
    let hit_by_fault = log.iter().filter(|r| r.fault.is_some()).count();
    let refused = |status: u16| log.iter().filter(|r| r.status == Some(status)).count();
    let dropped = log
        .iter()
        .filter(|r| r.fault.is_some() && r.status.is_none())
        .count();
    assert!(refused(503) >= 1, "503s really happened");
    assert!(dropped >= 2, "connections were really dropped: {dropped}");
    assert!(refused(401) >= 1, "the expired session was met");
    assert!(refused(403) >= 1, "the API limit was met");
    assert!(refused(400) >= 1, "row lock contention was met");
    println!(
        "reliability: requests hit by 503 or a dropped connection {hit_by_fault} (dropped {dropped}), 503 {}, 401 {}, 403 {}, lock 400 {}",
        refused(503),
        refused(401),
        refused(403),
        refused(400)
    );
    println!(
        "reliability: {} call logs and {} ratings sent through {injected} faults; duplicates {duplicates}, lost {lost}",
        queued.len(),
        faults.len()
    );
    assert_eq!((duplicates, lost), (0, 0));
    let priya_now = org
        .records("Lead")
        .into_iter()
        .find(|l| l["Id"] == priya.id.as_str())
        .unwrap();
    assert_eq!(
        priya_now["Rating"],
        ["Hot", "Warm", "Cold"][(faults.len() - 1) % 3],
        "the last rating wins"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_composite_request_whose_answer_was_lost_lands_each_action_exactly_once() {
    let (org, _data_dir, callside, people, priya) =
        signed_in_with_people(&["(720) 555-0111", "+17205550144", "(206) 555-0151"]).await;
    // Queued while Salesforce is away, so that they go out together afterwards.
    callside.defer_sending(true);
    let mut queued = Vec::new();
    for (i, who) in people.iter().enumerate() {
        let notes = format!("batched call {i}");
        let outcome = callside
            .log_call(&LogCallRequest {
                who_id: who.clone(),
                what_id: None,
                duration_seconds: 30,
                direction: CallDirection::Outbound,
                notes: notes.clone(),
                subject: None,
                disposition: None,
                next_steps: None,
            })
            .await
            .unwrap();
        queued.push((outcome.action_id, notes));
    }
    callside.rate_lead(&priya.id, "Warm").await.unwrap();
    callside.defer_sending(false);
    // Salesforce saves everything, but the answer never arrives.
    org.inject(Fault::drop_after_apply(1).path_prefix("/services/data/v62.0/composite"));
    let first = callside.retry_outbox(None).await.unwrap();
    assert!(
        first.iter().all(|o| o.status == ActionStatus::Pending),
        "{first:?}"
    );
    let log = org.request_log();
    assert!(log
        .iter()
        .any(|r| r.path.ends_with("/composite") && r.fault.is_some() && r.status.is_none()));
    let second = callside.retry_outbox(None).await.unwrap();
    assert!(
        second.iter().all(|o| o.status == ActionStatus::Sent),
        "{second:?}"
    );
    let tasks = org.records("Task");
    for (action_id, notes) in &queued {
        let copies = tasks
            .iter()
            .filter(|t| t.get("Description").and_then(Value::as_str) == Some(notes.as_str()))
            .filter(|t| {
                t.get("CallObject").and_then(Value::as_str)
                    == Some(&format!("callside:{action_id}"))
            })
            .count();
        assert_eq!(copies, 1, "{notes}");
    }
    let priya_now = org
        .records("Lead")
        .into_iter()
        .find(|l| l["Id"] == priya.id.as_str())
        .unwrap();
    assert_eq!(priya_now["Rating"], "Warm");
    println!(
        "reliability: a lost composite answer over {} actions; duplicates 0, lost 0",
        queued.len() + 1
    );
}
