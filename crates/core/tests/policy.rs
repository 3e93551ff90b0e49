//! The administrator's policy in the core, over real HTTP against the fake org with real
//! SQLite files: a policy without the cache, and actions the policy leaves out.

use std::sync::Arc;

use callside_core::salesforce::MemoryStore;
use callside_core::store::{org_database_path, Store};
use callside_core::{CallDirection, Callside, LookupSource, Settings, SettingsInput, WrapUp};
use callside_fake_org::{FakeOrg, DEMO_CLIENT_ID};
use serde_json::json;

mod support;
use support::{curl, free_port};

/// Settings as the app resolves them, with `policy` as the policy file.
fn settings_with_policy(org: &FakeOrg, dir: &std::path::Path, policy: &str) -> Settings {
    let policy_path = dir.join("policy.toml");
    std::fs::write(&policy_path, policy).unwrap();
    let env = [
        ("CALLSIDE_POLICY", policy_path.to_string_lossy().to_string()),
        (
            "CALLSIDE_CONFIG",
            dir.join("none.toml").to_string_lossy().to_string(),
        ),
        (
            "CALLSIDE_DATA_DIR",
            dir.join("data").to_string_lossy().to_string(),
        ),
        ("CALLSIDE_LOGIN_URL", org.base_url()),
        ("CALLSIDE_CLIENT_ID", DEMO_CLIENT_ID.to_string()),
        ("CALLSIDE_CALLBACK_PORT", free_port().to_string()),
        ("CALLSIDE_REGION", "US".to_string()),
    ];
    Settings::resolve_with(SettingsInput::default(), move |name| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap()
}

async fn signed_in(settings: Settings) -> Callside {
    let callside =
        Callside::open(settings, Arc::new(MemoryStore::default()), "memory".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    callside
}

fn searches(org: &FakeOrg) -> usize {
    org.request_log()
        .iter()
        .filter(|r| r.path.ends_with("/search") || r.path.ends_with("/search/"))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_cache_every_pop_asks_salesforce_and_nothing_is_stored() {
    let org = FakeOrg::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_with_policy(&org, dir.path(), "[locked]\ncache_enabled = false\n");
    assert!(!settings.cache_enabled);
    let data_dir = settings.data_dir.clone();
    let callside = signed_in(settings).await;

    let first = callside
        .pop("(720) 555-0111", CallDirection::Inbound, |_, _| {})
        .await
        .unwrap();
    assert_eq!(first.source, LookupSource::Salesforce);
    assert_eq!(first.matches[0].name, "Dana Whitfield");
    let before = searches(&org);
    let second = callside
        .pop("720.555.0111", CallDirection::Inbound, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        second.source,
        LookupSource::Salesforce,
        "a number seen before is not answered from a cache"
    );
    assert_eq!(searches(&org), before + 1);
    callside
        .remember_pick("720.555.0111", &second.matches[0].id)
        .await
        .unwrap();

    let org_id = callside.status().await.org_id.unwrap();
    let store = Store::open(&org_database_path(&data_dir, &org_id).unwrap()).unwrap();
    assert_eq!(store.cached_record_count().unwrap(), 0);
    assert_eq!(store.cached_lookup("+17205550111").unwrap(), None);
    assert_eq!(store.picked("+17205550111").unwrap(), None);
    assert!(callside.recent_calls(10).await.unwrap().is_empty());

    // The outbox is no cache: a call is still queued durably and sent.
    let wrap_up: WrapUp = serde_json::from_value(json!({
        "call": {
            "whoId": second.matches[0].id,
            "durationSeconds": 30,
            "direction": "inbound",
            "notes": "No cache here",
        }
    }))
    .unwrap();
    let outcomes = callside.wrap_up(&wrap_up).await.unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(callside.outbox(10).await.unwrap().len(), 1);
    assert!(org
        .records("Task")
        .iter()
        .any(|t| t["Description"] == "No cache here"));
    assert_eq!(store.cached_record_count().unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_policy_turning_the_cache_off_empties_what_was_cached() {
    let org = FakeOrg::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cached = settings_with_policy(&org, dir.path(), "");
    let data_dir = cached.data_dir.clone();
    let tokens = Arc::new(MemoryStore::default());
    let callside = Callside::open(cached, tokens.clone(), "memory".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    // `lookup` caches before it answers (a pop caches behind its answer).
    callside.lookup("(720) 555-0111").await.unwrap();
    let org_id = callside.status().await.org_id.unwrap();
    let store = Store::open(&org_database_path(&data_dir, &org_id).unwrap()).unwrap();
    assert!(store.cached_record_count().unwrap() > 0);
    drop(callside);

    // The next start has a policy without the cache: the stored session opens the org's
    // database, which is emptied.
    let uncached = settings_with_policy(&org, dir.path(), "[locked]\ncache_enabled = false\n");
    let callside = Callside::open(uncached, tokens, "memory".into()).unwrap();
    assert!(callside.status().await.signed_in);
    assert_eq!(store.cached_record_count().unwrap(), 0);
    assert_eq!(store.cached_lookup("+17205550111").unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn actions_left_out_of_the_policy_are_refused_before_anything_is_queued() {
    let org = FakeOrg::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_with_policy(
        &org,
        dir.path(),
        "[locked]\nenabled_actions = [\"log_call\", \"rate_lead\"]\n",
    );
    let policy = settings.policy.path.display().to_string();
    let callside = signed_in(settings).await;
    // A lookup, not a pop: a pop's related records would still be on their way below.
    let found = callside.lookup("(303) 555-0188").await.unwrap();
    let lead = found
        .matches
        .iter()
        .find(|m| m.record_type == callside_core::RecordType::Lead)
        .unwrap()
        .id
        .clone();
    org.clear_request_log();

    let refused = callside
        .set_lead_status(&lead, "Working - Contacted")
        .await
        .unwrap_err();
    assert_eq!(refused.code(), callside_core::ErrorCode::InvalidInput);
    assert_eq!(
        refused.to_string(),
        format!("Setting a lead's status is turned off by your administrator (enabled_actions in {policy}).")
    );
    let refused = callside
        .schedule_follow_up(&lead, None, "Call back", "2030-01-01", "Normal")
        .await
        .unwrap_err();
    assert!(refused
        .to_string()
        .starts_with("Scheduling follow-ups is turned off by your administrator"));

    // A wrap-up with a follow-up is refused whole: not even its call log is queued.
    let wrap_up: WrapUp = serde_json::from_value(json!({
        "call": {"whoId": lead, "durationSeconds": 12, "direction": "inbound", "notes": ""},
        "followUp": {"subject": "Call back", "dueDate": "2030-01-01", "priority": "Normal"},
    }))
    .unwrap();
    let refused = callside.wrap_up(&wrap_up).await.unwrap_err();
    assert!(refused
        .to_string()
        .starts_with("Scheduling follow-ups is turned off"));
    assert!(callside.outbox(10).await.unwrap().is_empty());
    assert!(
        org.request_log().is_empty(),
        "nothing reached Salesforce: {:?}",
        org.request_log()
    );

    // What the policy enables goes through.
    let rated = callside.rate_lead(&lead, "Hot").await.unwrap();
    assert_eq!(rated.status, callside_core::ActionStatus::Sent);
}
