//! Reading, changing and deleting single records; conditional updates; describe.

use callside_fake_org::FakeOrg;
use callside_salesforce::{Error, ErrorKind};
use serde_json::json;

use crate::{client, first_lead, requests_to, rest_path};

#[tokio::test]
async fn get_reads_every_field_or_only_the_listed_ones() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let id = client
        .create(
            "Lead",
            &json!({"LastName": "Okafor", "Company": "Ridge Co", "Phone": "(303) 555-0142"}),
        )
        .await
        .unwrap();

    let whole = client.get("Lead", &id, None).await.unwrap();
    assert_eq!(whole["LastName"], "Okafor");
    assert_eq!(whole["Phone"], "(303) 555-0142");
    assert!(whole["LastModifiedDate"].is_string());
    assert_eq!(whole["attributes"]["type"], "Lead");

    let some = client
        .get("Lead", &id, Some(&["Id", "Company"]))
        .await
        .unwrap();
    assert_eq!(some["Company"], "Ridge Co");
    assert!(
        some.get("Phone").is_none(),
        "only the listed fields: {some}"
    );
    let asked = requests_to(&org, "GET", &rest_path(&format!("sobjects/Lead/{id}")));
    assert_eq!(
        asked.last().unwrap().query.as_deref(),
        Some("fields=Id%2CCompany")
    );
}

#[tokio::test]
async fn a_missing_record_is_not_found_and_a_bad_id_never_leaves() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let error = client
        .get("Lead", "00Q000000000000AAA", None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error:?}");
    assert!(
        error.salesforce_message().is_some(),
        "Salesforce's words are kept"
    );

    org.clear_request_log();
    let error = client.get("Lead", "../../limits", None).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(org.request_log().is_empty());
}

#[tokio::test]
async fn an_update_based_on_a_stale_version_is_a_conflict() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let (id, loaded_version) = first_lead(&client).await;

    // Someone else changes the lead after we loaded it.
    client
        .update("Lead", &id, &json!({"Title": "Buyer"}), None)
        .await
        .unwrap();

    let error = client
        .update(
            "Lead",
            &id,
            &json!({"Title": "Owner"}),
            Some(&loaded_version),
        )
        .await
        .unwrap_err();
    match &error {
        Error::Conflict { message, .. } => assert!(!message.is_empty()),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert!(!error.is_transient());
    let lead = client.get("Lead", &id, Some(&["Title"])).await.unwrap();
    assert_eq!(lead["Title"], "Buyer", "the stale change was not applied");

    // With the current version the change goes through.
    let current = client
        .get("Lead", &id, Some(&["LastModifiedDate"]))
        .await
        .unwrap();
    client
        .update(
            "Lead",
            &id,
            &json!({"Title": "Owner"}),
            current["LastModifiedDate"].as_str(),
        )
        .await
        .unwrap();
    let lead = client.get("Lead", &id, Some(&["Title"])).await.unwrap();
    assert_eq!(lead["Title"], "Owner");

    let sent = requests_to(&org, "PATCH", &rest_path(&format!("sobjects/Lead/{id}")));
    assert_eq!(sent.len(), 3, "a conflict is not retried");
}

#[tokio::test]
async fn a_value_outside_a_restricted_picklist_is_a_validation_error_in_salesforces_words() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let (id, _) = first_lead(&client).await;
    let error = client
        .update("Lead", &id, &json!({"Rating": "Lukewarm"}), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error:?}");
    assert_eq!(
        error.error_code(),
        Some("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    );
    let message = error.salesforce_message().unwrap();
    assert!(
        message.contains("bad value for restricted picklist field: Lukewarm"),
        "{message}"
    );
    assert_eq!(error.fields(), ["Rating".to_string()]);
    assert!(
        error.to_string().contains(message),
        "the rep sees Salesforce's reason: {error}"
    );

    let error = client
        .create("Lead", &json!({"Company": "No Name Inc"}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(error.error_code(), Some("REQUIRED_FIELD_MISSING"));
}

#[tokio::test]
async fn a_deleted_record_is_gone() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let id = client
        .create("Lead", &json!({"LastName": "Temp", "Company": "Temp"}))
        .await
        .unwrap();
    client.delete("Lead", &id).await.unwrap();
    let error = client.get("Lead", &id, None).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error:?}");
    assert!(!org
        .records("Lead")
        .iter()
        .any(|r| r["Id"].as_str() == Some(id.as_str())));
}

#[tokio::test]
async fn describe_is_asked_once_and_answered_from_memory_after() {
    let org = FakeOrg::start(0).await.unwrap();
    let client = client(&org).await;
    let describe_path = rest_path("sobjects/Lead/describe");

    let lead = client.describe("Lead").await.unwrap();
    assert_eq!(lead.name, "Lead");
    let ratings: Vec<&str> = lead
        .active_picklist_values("Rating")
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(ratings, ["Hot", "Warm", "Cold"]);
    assert!(lead.field("Rating").unwrap().restricted_picklist);
    assert!(lead.raw["fields"].is_array(), "the raw answer is kept");

    let again = client.describe("Lead").await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&lead, &again));
    let again_lower = client.describe("lead").await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&lead, &again_lower));
    assert_eq!(
        requests_to(&org, "GET", &describe_path).len(),
        1,
        "the second and third describe made no request"
    );

    let revalidated = client.revalidate_describe("Lead").await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&lead, &revalidated),
        "If-Modified-Since got 304 Not Modified, so the cached describe stays"
    );
    assert_eq!(requests_to(&org, "GET", &describe_path).len(), 2);

    client.describe("Opportunity").await.unwrap();
    client.forget_describes();
    client.describe("Lead").await.unwrap();
    assert_eq!(requests_to(&org, "GET", &describe_path).len(), 3);
}
