//! Describe with picklists, the picklist setup objects and conditional describe.

mod common;

use common::{error_code, session, Session, V};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn describe(s: &Session, sobject: &str) -> Value {
    let a = s.get(&format!("{V}/sobjects/{sobject}/describe")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body
}

fn field<'a>(d: &'a Value, name: &str) -> &'a Value {
    d["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == json!(name))
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// The picklist's values, after checking each entry's exact shape; and its default.
fn picklist(d: &Value, name: &str) -> (Vec<String>, Option<String>) {
    let f = field(d, name);
    assert_eq!(f["type"], json!("picklist"), "{name}");
    let mut values = Vec::new();
    let mut default = None;
    for e in f["picklistValues"].as_array().expect("picklistValues") {
        let keys: Vec<&String> = e.as_object().expect("entry").keys().collect();
        assert_eq!(
            keys,
            ["active", "defaultValue", "label", "validFor", "value"],
            "{name}: {e}"
        );
        assert_eq!(e["active"], json!(true));
        assert_eq!(e["validFor"], Value::Null);
        assert_eq!(e["label"], e["value"]);
        let v = e["value"].as_str().expect("value").to_string();
        if e["defaultValue"] == json!(true) {
            assert!(default.is_none(), "{name}: one default");
            default = Some(v.clone());
        }
        values.push(v);
    }
    (values, default)
}

#[tokio::test]
async fn describe_returns_picklist_values() {
    let s = session().await;
    let lead = describe(&s, "Lead").await;
    assert_eq!(
        picklist(&lead, "Status"),
        (
            vec![
                "Open - Not Contacted".to_string(),
                "Working - Contacted".into(),
                "Closed - Converted".into(),
                "Closed - Not Converted".into()
            ],
            Some("Open - Not Contacted".into())
        )
    );
    assert_eq!(
        picklist(&lead, "Rating"),
        (vec!["Hot".to_string(), "Warm".into(), "Cold".into()], None)
    );
    assert_eq!(field(&lead, "Rating")["restrictedPicklist"], json!(true));

    let opp = describe(&s, "Opportunity").await;
    let (stages, _) = picklist(&opp, "StageName");
    assert_eq!(stages.len(), 10);
    assert_eq!(stages[0], "Prospecting");
    assert_eq!(stages[9], "Closed Lost");

    let task = describe(&s, "Task").await;
    assert_eq!(
        picklist(&task, "CallType").0,
        ["Inbound", "Internal", "Outbound"]
    );
    assert_eq!(
        picklist(&task, "TaskSubtype"),
        (
            vec![
                "Task".to_string(),
                "Email".into(),
                "List Email".into(),
                "Cadence".into(),
                "Call".into()
            ],
            Some("Task".into())
        )
    );
    assert_eq!(field(&task, "TaskSubtype")["updateable"], json!(false));
    assert_eq!(
        picklist(&task, "Status"),
        (
            vec![
                "Not Started".to_string(),
                "In Progress".into(),
                "Completed".into(),
                "Waiting on someone else".into(),
                "Deferred".into()
            ],
            Some("Not Started".into())
        )
    );
    assert_eq!(
        picklist(&task, "Priority"),
        (
            vec!["High".to_string(), "Normal".into(), "Low".into()],
            Some("Normal".into())
        )
    );
    // Non-picklist fields have an empty list.
    assert_eq!(field(&task, "Subject")["picklistValues"], json!([]));
}

#[tokio::test]
async fn opportunity_stages_and_lead_statuses_are_queryable() {
    let s = session().await;
    let body = s
        .query_ok(
            "SELECT MasterLabel, ApiName, DefaultProbability, IsClosed, IsWon, SortOrder, IsActive, ForecastCategoryName FROM OpportunityStage",
        )
        .await;
    assert_eq!(body["totalSize"], json!(10));
    let first = &body["records"][0];
    assert_eq!(first["attributes"]["type"], json!("OpportunityStage"));
    assert!(first["attributes"]["url"]
        .as_str()
        .expect("url")
        .contains("/sobjects/OpportunityStage/01J"));
    let rows: Vec<(String, f64, bool, bool, String)> = body["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            (
                r["ApiName"].as_str().expect("ApiName").to_string(),
                r["DefaultProbability"].as_f64().expect("probability"),
                r["IsClosed"].as_bool().expect("closed"),
                r["IsWon"].as_bool().expect("won"),
                r["ForecastCategoryName"].as_str().expect("fc").to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows[0],
        ("Prospecting".into(), 10.0, false, false, "Pipeline".into())
    );
    assert_eq!(
        rows[7],
        (
            "Negotiation/Review".into(),
            90.0,
            false,
            false,
            "Pipeline".into()
        )
    );
    assert_eq!(
        rows[8],
        ("Closed Won".into(), 100.0, true, true, "Closed".into())
    );
    assert_eq!(
        rows[9],
        ("Closed Lost".into(), 0.0, true, false, "Omitted".into())
    );

    // The stage picklist and the OpportunityStage rows agree, in order.
    let opp = describe(&s, "Opportunity").await;
    let picklist_values: Vec<String> = field(&opp, "StageName")["picklistValues"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v["value"].as_str().expect("value").to_string())
        .collect();
    let ordered = s
        .query_ok("SELECT ApiName FROM OpportunityStage WHERE IsActive = true ORDER BY SortOrder")
        .await;
    let api_names: Vec<String> = ordered["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["ApiName"].as_str().expect("ApiName").to_string())
        .collect();
    assert_eq!(picklist_values, api_names);

    // Setting a stage applies its default probability.
    let won = s
        .query_ok(
            "SELECT DefaultProbability FROM OpportunityStage WHERE ApiName = 'Value Proposition'",
        )
        .await;
    assert_eq!(won["records"][0]["DefaultProbability"], json!(50.0));
    let opp_id = s
        .id_of("SELECT Id FROM Opportunity WHERE Name = 'Summit - Spring Catalog'")
        .await;
    let a = s
        .patch(
            &format!("{V}/sobjects/Opportunity/{opp_id}"),
            json!({"StageName": "Value Proposition"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let o = s
        .query_ok(&format!(
            "SELECT Probability FROM Opportunity WHERE Id = '{opp_id}'"
        ))
        .await;
    assert_eq!(o["records"][0]["Probability"], json!(50.0));

    let statuses = s
        .query_ok(
            "SELECT MasterLabel, ApiName, IsDefault, IsConverted, SortOrder FROM LeadStatus ORDER BY SortOrder",
        )
        .await;
    assert_eq!(statuses["totalSize"], json!(4));
    assert_eq!(
        statuses["records"][0]["MasterLabel"],
        json!("Open - Not Contacted")
    );
    assert_eq!(statuses["records"][0]["IsDefault"], json!(true));
    assert_eq!(statuses["records"][0]["SortOrder"], json!(1));
    let converted = s
        .query_ok("SELECT MasterLabel FROM LeadStatus WHERE IsConverted = true")
        .await;
    assert_eq!(
        converted["records"][0]["MasterLabel"],
        json!("Closed - Converted")
    );
    let closed = s
        .query_ok("SELECT ApiName FROM TaskStatus WHERE IsClosed = true")
        .await;
    assert_eq!(closed["records"][0]["ApiName"], json!("Completed"));
}

#[tokio::test]
async fn setup_objects_are_read_only() {
    let s = session().await;
    let stage_id = s
        .id_of("SELECT Id FROM OpportunityStage WHERE ApiName = 'Prospecting'")
        .await;
    let status_id = s
        .id_of("SELECT Id FROM LeadStatus WHERE ApiName = 'Working - Contacted'")
        .await;
    // Both share the 01J key prefix and are still found by id.
    assert!(stage_id.starts_with("01J") && status_id.starts_with("01J"));
    let a = s.get(&format!("{V}/sobjects/LeadStatus/{status_id}")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["ApiName"], json!("Working - Contacted"));
    let a = s
        .get(&format!("{V}/sobjects/OpportunityStage/{stage_id}"))
        .await;
    assert_eq!(a.body["DefaultProbability"], json!(10.0));
    let a = s
        .get(&format!("{V}/sobjects/OpportunityStage/{status_id}"))
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "wrong object for the id");

    let a = s
        .post(
            &format!("{V}/sobjects/OpportunityStage"),
            json!({"MasterLabel": "Mine"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&a.body), "INVALID_TYPE_FOR_OPERATION");
    let a = s
        .patch(
            &format!("{V}/sobjects/OpportunityStage/{stage_id}"),
            json!({"DefaultProbability": 15}),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&a.body), "INVALID_TYPE_FOR_OPERATION");
    let a = s
        .call(
            Method::DELETE,
            &format!("{V}/sobjects/LeadStatus/{status_id}"),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(s.org.records("LeadStatus").len(), 4);

    let d = describe(&s, "OpportunityStage").await;
    assert_eq!(d["createable"], json!(false));
    assert_eq!(d["updateable"], json!(false));
    assert_eq!(d["deletable"], json!(false));
    assert_eq!(field(&d, "DefaultProbability")["type"], json!("percent"));
    assert_eq!(field(&d, "IsWon")["type"], json!("boolean"));
    let global = s.get(&format!("{V}/sobjects")).await;
    let names: Vec<&str> = global.body["sobjects"]
        .as_array()
        .expect("sobjects")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    for n in [
        "OpportunityStage",
        "LeadStatus",
        "TaskStatus",
        "Lead",
        "Task",
    ] {
        assert!(names.contains(&n), "{n}");
    }
}

#[tokio::test]
async fn describe_honours_if_modified_since() {
    let s = session().await;
    for path in [
        format!("{V}/sobjects/Lead/describe"),
        format!("{V}/sobjects/Opportunity/describe/"),
        format!("{V}/sobjects"),
    ] {
        let first = s.get(&path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let send = |since: &str| {
            s.http
                .get(s.url(&path))
                .bearer_auth(&s.token)
                .header("If-Modified-Since", since)
                .send()
        };
        // Unchanged since a date in the future or since the server started: 304.
        let r = send("Fri, 01 Jan 2100 00:00:00 GMT").await.expect("send");
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert!(r.headers().contains_key("sforce-limit-info"));
        assert_eq!(r.text().await.expect("text"), "");
        if let Some(lm) = first.headers.get("last-modified") {
            let lm = lm.to_str().expect("ascii").to_string();
            assert!(lm.ends_with(" GMT"), "{lm}");
            let r = send(&lm).await.expect("send");
            assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{path} since {lm}");
        }
        // Changed since long ago: the full describe.
        let r = send("Mon, 30 Nov 2020 08:34:54 MST").await.expect("send");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        // A date that does not parse is ignored.
        let r = send("yesterday").await.expect("send");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let d = s.get(&format!("{V}/sobjects/Lead/describe")).await;
    assert!(d.headers.contains_key("last-modified"));
}
