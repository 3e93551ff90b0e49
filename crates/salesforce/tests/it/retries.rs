//! Retries against injected faults: reads are retried, writes only when they never left.

use std::sync::Arc;
use std::time::{Duration, Instant};

use callside_fake_org::{FakeOrg, Fault};
use callside_salesforce::{ErrorKind, MemoryStore, RetryPolicy, SalesforceClient};
use serde_json::json;

use crate::{client, free_port, quick_retries, requests_to, rest_path, signed_in};

fn leads_named(org: &FakeOrg, last_name: &str) -> usize {
    org.records("Lead")
        .iter()
        .filter(|r| r["LastName"] == last_name)
        .count()
}

#[tokio::test]
async fn a_read_gets_through_two_503s() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.clear_request_log();
    org.inject(Fault::unavailable(2).method("GET"));
    let result = client.query("SELECT Id FROM Lead").await.unwrap();
    assert!(result.total_size > 0);
    assert_eq!(
        requests_to(&org, "GET", &rest_path("query")).len(),
        3,
        "two 503s, then the answer"
    );
}

#[tokio::test]
async fn a_read_gives_up_after_the_attempts_run_out() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.clear_request_log();
    org.inject(Fault::unavailable(5).method("GET"));
    let error = client.limits().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{error:?}");
    assert!(error.is_transient());
    assert_eq!(requests_to(&org, "GET", &rest_path("limits")).len(), 3);
}

#[tokio::test]
async fn a_read_whose_connection_dropped_is_sent_again() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let (id, _) = crate::first_lead(&client).await;
    org.inject(Fault::drop_before_apply(1).method("GET"));
    let lead = client.get("Lead", &id, Some(&["Id"])).await.unwrap();
    assert_eq!(lead["Id"], id.as_str());
}

#[tokio::test]
async fn a_write_answered_with_503_is_not_sent_again() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.clear_request_log();
    org.inject(Fault::unavailable(1).method("POST"));
    let error = client
        .create("Lead", &json!({"LastName": "Once", "Company": "Co"}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{error:?}");
    assert!(error.is_transient(), "the app may try it again later");
    assert_eq!(
        requests_to(&org, "POST", &rest_path("sobjects/Lead")).len(),
        1
    );
    assert_eq!(leads_named(&org, "Once"), 0);
}

#[tokio::test]
async fn a_write_whose_answer_was_lost_is_not_sent_again() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.inject(Fault::drop_after_apply(1).method("POST"));
    let error = client
        .create("Lead", &json!({"LastName": "Applied", "Company": "Co"}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert_eq!(
        leads_named(&org, "Applied"),
        1,
        "the org saved it once; a blind retry would have made two"
    );
}

#[tokio::test]
async fn a_composite_call_is_a_write_and_is_not_sent_again_after_a_503() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.clear_request_log();
    org.inject(Fault::unavailable(1).method("POST"));
    let error = client
        .composite(
            true,
            vec![callside_salesforce::CompositeSubrequest::create(
                "l",
                "Lead",
                json!({"LastName": "Composite Once", "Company": "Co"}),
            )],
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable);
    assert_eq!(requests_to(&org, "POST", &rest_path("composite")).len(), 1);
}

#[tokio::test]
async fn lock_contention_on_a_write_is_reported_not_retried() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let (id, _) = crate::first_lead(&client).await;
    org.clear_request_log();
    org.lock_next_writes(1);
    let error = client
        .update("Lead", &id, &json!({"Title": "Locked"}), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::LockContention, "{error:?}");
    assert!(error.is_transient());
    assert_eq!(
        requests_to(&org, "PATCH", &rest_path(&format!("sobjects/Lead/{id}"))).len(),
        1
    );
}

/// Accepts connections on `port` only after `delay`, then relays them to `target`: an
/// org that refuses connections at first, so the first attempt provably sends nothing.
fn late_relay(port: u16, target: u16, delay: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                if let Ok(mut outbound) =
                    tokio::net::TcpStream::connect(("127.0.0.1", target)).await
                {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    })
}

#[tokio::test]
async fn a_write_is_sent_again_when_the_connection_was_refused() {
    let org = FakeOrg::start(0).await.unwrap();
    let (config, mut session) = signed_in(&org).await;
    let relay_port = free_port();
    session.instance_url = format!("http://127.0.0.1:{relay_port}");
    let client = SalesforceClient::new(
        config,
        Arc::new(MemoryStore::default()),
        "key".into(),
        session,
    )
    .unwrap()
    .with_retry_policy(
        RetryPolicy::default()
            .with_delays(Duration::from_millis(400), Duration::from_millis(400))
            .with_jitter(false),
    );
    let relay = late_relay(relay_port, org.port(), Duration::from_millis(150));

    let id = client
        .create(
            "Lead",
            &json!({"LastName": "Refused First", "Company": "Co"}),
        )
        .await
        .unwrap();
    relay.abort();
    assert!(id.starts_with("00Q"));
    assert_eq!(leads_named(&org, "Refused First"), 1);
    assert_eq!(
        requests_to(&org, "POST", &rest_path("sobjects/Lead")).len(),
        1,
        "only the attempt after the refusal arrived"
    );
}

#[tokio::test]
async fn slow_answers_time_out_and_the_time_spent_stays_bounded() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org)
        .await
        .with_request_timeout(Duration::from_millis(200))
        .with_retry_policy(quick_retries().with_max_elapsed(Duration::from_secs(2)));
    org.set_latency(Duration::from_millis(600));
    let started = Instant::now();
    let error = client
        .query("SELECT Id FROM Lead LIMIT 1")
        .await
        .unwrap_err();
    let spent = started.elapsed();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert!(error.is_offline());
    assert!(
        spent < Duration::from_millis(1500),
        "three attempts of 200 ms and short waits, not more: {spent:?}"
    );
    assert!(
        spent >= Duration::from_millis(600),
        "each of the three attempts waited for its timeout: {spent:?}"
    );
    org.clear_faults();
    client.query("SELECT Id FROM Lead LIMIT 1").await.unwrap();
}
