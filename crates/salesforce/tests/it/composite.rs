//! `POST /composite`: several writes, linked by reference ids, in one API request.

use callside_fake_org::FakeOrg;
use callside_salesforce::composite::reference;
use callside_salesforce::{CompositeSubrequest, ErrorKind};
use serde_json::json;

use crate::{client, rest_requests};

#[tokio::test]
async fn a_lead_and_its_call_log_are_created_in_one_request() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.clear_request_log();
    let api_calls_before = org.api_request_count();

    let results = client
        .composite(
            true,
            vec![
                CompositeSubrequest::create(
                    "newLead",
                    "Lead",
                    json!({"LastName": "Lee", "Company": "Unknown", "Phone": "+14155551212"}),
                ),
                CompositeSubrequest::create(
                    "callLog",
                    "Task",
                    json!({
                        "WhoId": reference("newLead", "id"),
                        "Subject": "Inbound call",
                        "TaskSubtype": "Call",
                        "Status": "Completed",
                    }),
                ),
            ],
        )
        .await
        .unwrap();

    assert_eq!(results.len(), 2);
    assert_eq!(results[0].reference_id, "newLead");
    assert_eq!(results[0].http_status_code, 201);
    assert!(results[1].is_success(), "{:?}", results[1]);
    let lead_id = results[0].id().expect("the lead's id");
    let task_id = results[1].id().expect("the task's id");
    let task = org
        .records("Task")
        .into_iter()
        .find(|t| t["Id"] == task_id)
        .expect("the task exists");
    assert_eq!(task["WhoId"], lead_id, "the reference was resolved");

    let rest = rest_requests(&org);
    assert_eq!(rest.len(), 1, "one HTTP request: {rest:?}");
    assert_eq!(rest[0].method, "POST");
    assert!(rest[0].path.trim_end_matches('/').ends_with("/composite"));
    assert_eq!(
        org.api_request_count() - api_calls_before,
        1,
        "one API request counted"
    );
}

#[tokio::test]
async fn all_or_none_rolls_everything_back_when_one_subrequest_fails() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let leads_before = org.records("Lead").len();

    let results = client
        .composite(
            true,
            vec![
                CompositeSubrequest::create(
                    "newLead",
                    "Lead",
                    json!({"LastName": "Rollback", "Company": "Unknown"}),
                ),
                CompositeSubrequest::create(
                    "callLog",
                    "Task",
                    json!({"WhoId": reference("newLead", "id"), "Subject": "Call", "Status": "Sort of done"}),
                ),
            ],
        )
        .await
        .unwrap();

    assert!(results.iter().all(|r| !r.is_success()), "{results:?}");
    let task_error = results[1].error().unwrap();
    assert_eq!(task_error.kind(), ErrorKind::Validation, "{task_error:?}");
    assert_eq!(
        results[0].error().unwrap().error_code(),
        Some("PROCESSING_HALTED")
    );
    assert_eq!(
        org.records("Lead").len(),
        leads_before,
        "the lead was rolled back"
    );
}

#[tokio::test]
async fn more_than_25_subrequests_are_refused_before_sending() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    org.clear_request_log();
    let many = (0..26)
        .map(|n| {
            CompositeSubrequest::create(
                format!("l{n}"),
                "Lead",
                json!({"LastName": "x", "Company": "y"}),
            )
        })
        .collect();
    let error = client.composite(false, many).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(org.request_log().is_empty());
}
