//! SOQL paging through `nextRecordsUrl`, SOSL search, and the limits resource.

use std::collections::HashSet;

use callside_fake_org::FakeOrg;
use callside_salesforce::escape::soql_string;
use callside_salesforce::ErrorKind;
use serde_json::json;

use crate::{client, requests_to, rest_path};

const PAGED_LEADS: usize = 450;

#[tokio::test]
async fn query_all_follows_next_records_url_through_every_page() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let company = "Paging Test Co";
    for n in 0..PAGED_LEADS {
        client
            .create(
                "Lead",
                &json!({"LastName": format!("Pager {n:03}"), "Company": company}),
            )
            .await
            .unwrap();
    }
    let soql = format!(
        "SELECT Id, LastName FROM Lead WHERE Company = {} ORDER BY LastName",
        soql_string(company)
    );

    let first = client.query_with_batch_size(&soql, 200).await.unwrap();
    assert_eq!(first.total_size, PAGED_LEADS as u64);
    assert_eq!(
        first.records.len(),
        200,
        "Sforce-Query-Options asked for 200"
    );
    assert!(!first.done);
    let next = first.next_records_url.clone().expect("a second page");
    let second = client.query_more(&next).await.unwrap();
    assert_eq!(second.records.len(), PAGED_LEADS - 200);
    assert!(second.done && second.next_records_url.is_none());

    org.clear_request_log();
    let all = client.query_all_with_batch_size(&soql, 200).await.unwrap();
    assert!(all.done && all.next_records_url.is_none());
    assert_eq!(all.total_size, PAGED_LEADS as u64);
    assert_eq!(all.records.len(), PAGED_LEADS);
    let ids: HashSet<&str> = all
        .records
        .iter()
        .map(|r| r["Id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), PAGED_LEADS, "no record twice, none missing");
    assert_eq!(all.records[0]["LastName"], "Pager 000");
    assert_eq!(all.records[PAGED_LEADS - 1]["LastName"], "Pager 449");
    let first_pages = requests_to(&org, "GET", &rest_path("query")).len();
    let later_pages = org
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with(&rest_path("query/")))
        .count();
    assert_eq!(
        (first_pages, later_pages),
        (1, 2),
        "pages of 200, 200 and 50"
    );

    let unpaged = client.query_all(&soql).await.unwrap();
    assert_eq!(
        unpaged.records.len(),
        PAGED_LEADS,
        "one page of up to 2,000 by default"
    );
}

#[tokio::test]
async fn a_next_records_url_outside_the_rest_api_is_refused_before_sending() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.clear_request_log();
    let error = client
        .query_more("https://attacker.example/services/data/v62.0/query/x")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(org.request_log().is_empty(), "the token went nowhere");
}

#[tokio::test]
async fn search_finds_a_caller_by_phone() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let found = client
        .search("FIND {7205550100} IN PHONE FIELDS RETURNING Account(Id, Name)")
        .await
        .unwrap();
    assert!(
        found.iter().any(|r| r["Name"] == "Summit Outdoor Supply"),
        "{found:?}"
    );
}

#[tokio::test]
async fn limits_report_the_daily_api_allocation() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.set_api_usage(1200);
    let limits = client.limits().await.unwrap();
    let daily = limits
        .daily_api_requests()
        .expect("DailyApiRequests is always reported");
    assert_eq!(daily.max as u64, org.api_limit());
    assert!(
        (1200..=1201).contains(&(daily.used() as u64)),
        "used {} after 1200 + this call",
        daily.used()
    );
    assert!(limits.get("DataStorageMB").is_some());
}

#[tokio::test]
async fn api_usage_is_watched_live_and_the_limit_is_a_typed_error() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let mut usage = client.watch_api_usage();
    assert_eq!(*usage.borrow(), None, "no answer yet");

    org.set_api_usage(100);
    client.query("SELECT Id FROM Lead LIMIT 1").await.unwrap();
    assert!(usage.has_changed().unwrap());
    let seen = usage
        .borrow_and_update()
        .expect("Sforce-Limit-Info was read");
    assert_eq!(seen.used, 101);
    assert_eq!(seen.limit, org.api_limit());
    assert_eq!(client.api_usage(), Some(seen));

    let watcher = tokio::spawn(async move {
        usage.changed().await.unwrap();
        *usage.borrow()
    });
    let limit = org.api_limit();
    org.set_api_usage(limit);
    org.clear_request_log();
    let error = client
        .query("SELECT Id FROM Lead LIMIT 1")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::LimitExceeded, "{error:?}");
    assert_eq!(error.error_code(), Some("REQUEST_LIMIT_EXCEEDED"));
    assert!(error.to_string().contains("used up"), "{error}");
    assert_eq!(
        requests_to(&org, "GET", &rest_path("query")).len(),
        1,
        "a request over the limit is not retried"
    );
    let at_limit = watcher.await.unwrap().expect("a usage figure");
    assert!(
        at_limit.used >= at_limit.limit,
        "the watcher saw the org at its limit: {at_limit:?}"
    );
}
