//! Call metrics from a known local history, and the audit trail against the demo org over
//! real HTTP with real SQLite files: what it records, what it never holds, and tampering.

use std::sync::Arc;

use callside_core::audit::{self, AuditLog, Operation};
use callside_core::metrics;
use callside_core::salesforce::{MemoryStore, TokenStore};
use callside_core::store::{RecentCallRow, Store};
use callside_core::{ActionStatus, CallDirection, Callside, Settings, SettingsInput};
use callside_fake_org::{FakeOrg, DEMO_CLIENT_ID};
use time::UtcOffset;

mod support;
use support::{curl, free_port};

const HOUR: i64 = 60 * 60 * 1000;
const DAY: i64 = 24 * HOUR;
/// Monday, 2026-11-23, 00:00 UTC.
const MONDAY: i64 = 1_795_392_000_000;

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn pop(store: &Store, record: Option<(&str, &str)>, direction: &str, at: i64, secs: Option<u32>) {
    store
        .add_recent_call(&RecentCallRow {
            id: 0,
            e164: "+17205550111".into(),
            record_id: record.map(|(id, _)| id.to_string()),
            record_type: record.map(|(_, kind)| kind.to_string()),
            record_name: record.map(|_| "Someone".to_string()),
            direction: direction.into(),
            started_ms: at,
            duration_seconds: secs,
        })
        .unwrap();
}

fn action(
    store: &Store,
    id: &str,
    kind: &str,
    payload: serde_json::Value,
    at: i64,
    status: ActionStatus,
) {
    store
        .enqueue_for(id, kind, &payload.to_string(), "", &rfc3339(at))
        .unwrap();
    if status != ActionStatus::Pending {
        store
            .mark_outcome(id, status, None, None, &rfc3339(at))
            .unwrap();
    }
}

fn log_call(who: &str, secs: u32, direction: &str, disposition: &str) -> serde_json::Value {
    let payload = callside_core::calls::LogCallPayload {
        request: callside_core::LogCallRequest {
            who_id: who.into(),
            what_id: None,
            duration_seconds: secs,
            direction: if direction == "inbound" {
                callside_core::CallDirection::Inbound
            } else {
                callside_core::CallDirection::Outbound
            },
            notes: String::new(),
            subject: None,
            disposition: Some(disposition.into()),
            next_steps: None,
        },
        call_date: "2026-11-23".into(),
        mapped_fields: Default::default(),
    };
    serde_json::to_value(payload).unwrap()
}

/// A week of calls with known answers.
fn known_history(dir: &std::path::Path) -> Store {
    let store = Store::open(&dir.join("callside.sqlite")).unwrap();
    let lead = Some(("00QA00000000001AAA", "Lead"));
    let contact_b = Some(("003B00000000001AAA", "Contact"));
    let contact_c = Some(("003C00000000001AAA", "Contact"));
    // Monday 09:10 inbound (60 s, logged Interested), 09:40 outbound (120 s, logged
    // Left voicemail); Tuesday 14:05 inbound (300 s, not logged); Wednesday 10:00 an
    // unknown inbound caller (no duration).
    pop(
        &store,
        lead,
        "inbound",
        MONDAY + 9 * HOUR + 10 * 60_000,
        Some(60),
    );
    pop(
        &store,
        contact_b,
        "outbound",
        MONDAY + 9 * HOUR + 40 * 60_000,
        Some(120),
    );
    pop(
        &store,
        contact_c,
        "inbound",
        MONDAY + DAY + 14 * HOUR + 5 * 60_000,
        Some(300),
    );
    pop(&store, None, "inbound", MONDAY + 2 * DAY + 10 * HOUR, None);
    // The week before: not in the period.
    pop(&store, lead, "inbound", MONDAY - DAY, Some(999));
    let sent = ActionStatus::Sent;
    action(
        &store,
        "a1",
        "log_call",
        log_call("00QA00000000001AAA", 60, "inbound", "Interested"),
        MONDAY + 9 * HOUR + 12 * 60_000,
        sent,
    );
    action(
        &store,
        "a2",
        "log_call",
        log_call("003B00000000001AAA", 120, "outbound", "Left voicemail"),
        MONDAY + 9 * HOUR + 43 * 60_000,
        sent,
    );
    // A call logged without a pop (from the command line): Tuesday 16:00, 90 s outbound.
    action(
        &store,
        "a3",
        "log_call",
        log_call("003Z00000000001AAA", 90, "outbound", "Interested"),
        MONDAY + DAY + 16 * HOUR,
        ActionStatus::Pending,
    );
    action(
        &store,
        "a4",
        "set_stage",
        serde_json::json!({"opportunity_id": "006A"}),
        MONDAY + DAY + 14 * HOUR + 10 * 60_000,
        sent,
    );
    action(
        &store,
        "a5",
        "create_opportunity",
        serde_json::json!({"account_id": "001A"}),
        MONDAY + DAY + 14 * HOUR + 12 * 60_000,
        sent,
    );
    action(
        &store,
        "a6",
        "create_lead",
        serde_json::json!({"e164": "+17205550999"}),
        MONDAY + 2 * DAY + 10 * HOUR + 2 * 60_000,
        sent,
    );
    // Refused by Salesforce: not a lead created.
    action(
        &store,
        "a7",
        "create_lead",
        serde_json::json!({"e164": "+17205550998"}),
        MONDAY + 2 * DAY + 10 * HOUR + 3 * 60_000,
        ActionStatus::Failed,
    );
    action(
        &store,
        "a8",
        "rate_lead",
        serde_json::json!({"lead_id": "00QA00000000001AAA"}),
        MONDAY + DAY,
        sent,
    );
    store
}

fn stats_of(store: &Store, since: i64, until: i64) -> (metrics::CallStats, Vec<metrics::CallRow>) {
    let (calls, actions) = metrics::load(store.path(), since, until).unwrap();
    let calls = metrics::calls_with_logs(calls, &actions, until);
    (
        metrics::compute(&calls, &actions, since, until, UtcOffset::UTC),
        calls,
    )
}

#[test]
fn the_weeks_metrics_match_a_known_call_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = known_history(dir.path());
    let (stats, calls) = stats_of(&store, MONDAY, MONDAY + 7 * DAY);

    assert_eq!((stats.calls, stats.inbound, stats.outbound), (5, 3, 2));
    assert_eq!(stats.logged, 3);
    // Durations 60, 120, 300 and 90 (the unknown caller has none).
    assert_eq!(stats.average_duration_seconds, Some(142.5));
    assert_eq!(stats.median_duration_seconds, Some(105.0));
    let days: Vec<(&str, u32, u32)> = stats
        .per_day
        .iter()
        .map(|b| (b.label.as_str(), b.inbound, b.outbound))
        .collect();
    assert_eq!(
        days,
        vec![
            ("2026-11-23", 1, 1),
            ("2026-11-24", 1, 1),
            ("2026-11-25", 1, 0),
            ("2026-11-26", 0, 0),
            ("2026-11-27", 0, 0),
            ("2026-11-28", 0, 0),
            ("2026-11-29", 0, 0),
        ]
    );
    let hours: Vec<(&str, u32, u32)> = stats
        .per_hour
        .iter()
        .map(|b| (b.label.as_str(), b.inbound, b.outbound))
        .collect();
    assert_eq!(
        hours,
        vec![
            ("2026-11-23 09:00", 1, 1),
            ("2026-11-24 14:00", 1, 0),
            ("2026-11-24 15:00", 0, 1),
            ("2026-11-25 10:00", 1, 0),
        ]
    );
    let dispositions: Vec<(&str, u32)> = stats
        .dispositions
        .iter()
        .map(|d| (d.disposition.as_str(), d.calls))
        .collect();
    assert_eq!(dispositions, vec![("Interested", 2), ("Left voicemail", 1)]);
    assert_eq!(stats.leads_created, 1);
    assert_eq!(stats.stages_advanced, 1);
    assert_eq!(stats.opportunities_created, 1);
    assert_eq!(stats.conversion_rate, 0.2);

    let csv = metrics::csv(&calls);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 6, "{csv}");
    assert_eq!(
        lines[1],
        "2026-11-23T09:10:00Z,inbound,+17205550111,00QA00000000001AAA,Lead,60,Interested,true"
    );
}

#[test]
fn a_day_and_an_hour_offset_narrow_the_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let store = known_history(dir.path());
    let (tuesday, _) = stats_of(&store, MONDAY + DAY, MONDAY + 2 * DAY);
    assert_eq!(
        (tuesday.calls, tuesday.inbound, tuesday.outbound),
        (2, 1, 1)
    );
    assert_eq!(tuesday.per_day.len(), 1);
    assert_eq!(tuesday.leads_created, 0);
    assert_eq!(tuesday.opportunities_created, 1);

    // Two hours ahead of UTC, Monday's calls fall at 11:10 and 11:40 local time.
    let plus_two = UtcOffset::from_hms(2, 0, 0).unwrap();
    let (calls, actions) = metrics::load(store.path(), MONDAY, MONDAY + DAY).unwrap();
    let calls = metrics::calls_with_logs(calls, &actions, MONDAY + DAY);
    let stats = metrics::compute(&calls, &actions, MONDAY, MONDAY + DAY, plus_two);
    assert_eq!(stats.per_hour[0].label, "2026-11-23 11:00");
    let (day, week) = metrics::day_and_week_start(MONDAY + 2 * DAY + 10 * HOUR, UtcOffset::UTC);
    assert_eq!((day, week), (MONDAY + 2 * DAY, MONDAY));
}

async fn signed_in_with(
    settings: SettingsInput,
) -> (FakeOrg, Callside, Arc<MemoryStore>, tempfile::TempDir) {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let settings = Settings::from_layers(SettingsInput {
        login_url: Some(org.base_url()),
        client_id: Some(DEMO_CLIENT_ID.into()),
        callback_port: Some(free_port()),
        data_dir: Some(data_dir.path().to_path_buf()),
        region: Some("US".into()),
        ..settings
    })
    .unwrap();
    let tokens = Arc::new(MemoryStore::default());
    let callside = Callside::open(settings, tokens.clone(), "memory only".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    (org, callside, tokens, data_dir)
}

fn read_all(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with("audit.sqlite")
        {
            bytes.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn the_audit_trail_records_what_was_shown_and_changed_and_detects_tampering() {
    let (_org, callside, tokens, data_dir) = signed_in_with(SettingsInput {
        sensitive_fields: Some(vec!["Rating".into()]),
        ..SettingsInput::default()
    })
    .await;
    let status = callside.status().await;
    let priya = callside.lookup("720-555-0133").await.unwrap().matches[0].clone();
    let rated = callside.rate_lead(&priya.id, "Hot").await.unwrap();
    assert_eq!(rated.status, ActionStatus::Sent, "{rated:?}");

    let logs = audit::org_logs(data_dir.path()).unwrap();
    assert_eq!(logs.len(), 1);
    let (org_id, path) = &logs[0];
    assert_eq!(Some(org_id.clone()), status.org_id);
    let log = AuditLog::open(path, org_id, "").unwrap();
    let entries = log.entries().unwrap();
    assert_eq!(entries.len(), 2, "{entries:#?}");
    let shown = &entries[0];
    assert_eq!(
        (
            shown.operation,
            shown.action.as_str(),
            shown.outcome.as_str()
        ),
        (Operation::Shown, "lookup", "shown")
    );
    assert!(shown.records.contains(&priya.id));
    assert_eq!(Some(shown.user.clone()), status.username);
    let changed = &entries[1];
    assert_eq!(
        (
            changed.operation,
            changed.action.as_str(),
            changed.outcome.as_str()
        ),
        (Operation::Change, "rate_lead", "sent")
    );
    assert_eq!(changed.records, vec![priya.id.clone()]);
    // The admin marked Rating sensitive: the value is a keyed hash, never "Hot".
    assert!(
        changed.fields["rating"].starts_with("hmac-sha256:"),
        "{changed:?}"
    );
    assert_eq!(changed.prev, shown.hash);

    // No token, no sensitive value anywhere in the trail's files.
    let session = tokens
        .load(&callside.settings().session_key())
        .unwrap()
        .unwrap();
    let bytes = read_all(path.parent().unwrap());
    assert!(!contains(&bytes, session.access_token.expose()));
    if let Some(refresh) = &session.refresh_token {
        assert!(!contains(&bytes, refresh.expose()));
    }
    assert!(!contains(&bytes, "\"Hot\""));
    assert!(log.verify().unwrap().intact());

    // The export verifies on its own; a line taken out of it does not.
    let mut exported = Vec::new();
    assert_eq!(log.export(&mut exported).unwrap(), 2);
    let text = String::from_utf8(exported).unwrap();
    assert!(audit::verify_lines(&text).intact());
    let without_first: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    // A suffix of the chain still verifies (an export after retention starts late) ...
    assert!(audit::verify_lines(&without_first).intact());
    let third = callside.lookup("720-555-0133").await.unwrap();
    assert!(!third.matches.is_empty());
    let mut longer = Vec::new();
    log.export(&mut longer).unwrap();
    let longer = String::from_utf8(longer).unwrap();
    let lines: Vec<&str> = longer.lines().collect();
    assert_eq!(lines.len(), 3);
    // ... but not one with its middle removed.
    let gap = format!("{}\n{}\n", lines[0], lines[2]);
    let report = audit::verify_lines(&gap);
    assert!(report.problem.unwrap().contains("entry 2 is missing"));

    let database = rusqlite::Connection::open(path).unwrap();
    let json_of = |seq: i64| -> String {
        database
            .query_row(
                "SELECT entry_json FROM audit_entry WHERE seq = ?1",
                [seq],
                |r| r.get(0),
            )
            .unwrap()
    };

    // An edited entry.
    let original = json_of(2);
    database
        .execute(
            "UPDATE audit_entry SET entry_json = replace(entry_json, '\"sent\"', '\"failed\"') WHERE seq = 2",
            [],
        )
        .unwrap();
    let problem = log.verify().unwrap().problem.unwrap();
    assert!(problem.contains("entry 2 was edited"), "{problem}");
    database
        .execute(
            "UPDATE audit_entry SET entry_json = ?1 WHERE seq = 2",
            [&original],
        )
        .unwrap();
    assert!(log.verify().unwrap().intact());

    // An edited entry whose hash was recomputed: the next entry no longer follows it.
    let mut forged: audit::AuditEntry = serde_json::from_str(&original).unwrap();
    forged.outcome = "failed".into();
    forged.hash = audit::entry_hash(&forged);
    database
        .execute(
            "UPDATE audit_entry SET entry_json = ?1, hash = ?2 WHERE seq = 2",
            rusqlite::params![serde_json::to_string(&forged).unwrap(), forged.hash],
        )
        .unwrap();
    let problem = log.verify().unwrap().problem.unwrap();
    assert!(
        problem.contains("entry 3 does not follow entry 2"),
        "{problem}"
    );
    database
        .execute(
            "UPDATE audit_entry SET entry_json = ?1, hash = ?2 WHERE seq = 2",
            rusqlite::params![original, entries[1].hash],
        )
        .unwrap();
    assert!(log.verify().unwrap().intact());

    // A deleted entry in the middle, and a deleted last entry.
    let middle = json_of(2);
    database
        .execute("DELETE FROM audit_entry WHERE seq = 2", [])
        .unwrap();
    let problem = log.verify().unwrap().problem.unwrap();
    assert!(problem.contains("entry 2 is missing"), "{problem}");
    database
        .execute(
            "INSERT INTO audit_entry (seq, at_ms, entry_json, prev, hash) VALUES (2, 0, ?1, ?2, ?3)",
            rusqlite::params![middle, entries[1].prev, entries[1].hash],
        )
        .unwrap();
    assert!(log.verify().unwrap().intact());
    database
        .execute("DELETE FROM audit_entry WHERE seq = 3", [])
        .unwrap();
    let problem = log.verify().unwrap().problem.unwrap();
    assert!(problem.contains("entries after 2 are missing"), "{problem}");
}

#[tokio::test]
async fn the_audit_trail_outlives_sign_out() {
    let (_org, callside, _tokens, data_dir) = signed_in_with(SettingsInput::default()).await;
    callside.lookup("720-555-0133").await.unwrap();
    callside.sign_out().await.unwrap();
    let logs = audit::org_logs(data_dir.path()).unwrap();
    let (org_id, path) = &logs[0];
    let log = AuditLog::open(path, org_id, "").unwrap();
    assert_eq!(log.entries().unwrap().len(), 1);
    assert!(log.verify().unwrap().intact());
}

#[tokio::test]
async fn discarding_an_action_is_in_the_audit_trail() {
    let (org, callside, _tokens, data_dir) = signed_in_with(SettingsInput::default()).await;
    // A converted lead cannot be changed: Salesforce refuses the rating.
    let tom = org
        .records("Lead")
        .into_iter()
        .find(|l| l["Name"] == "Tom Becker")
        .unwrap();
    let tom_id = tom["Id"].as_str().unwrap().to_string();
    let refused = callside.rate_lead(&tom_id, "Warm").await.unwrap();
    assert_eq!(refused.status, ActionStatus::Failed, "{refused:?}");
    callside.discard_action(&refused.action_id).await.unwrap();
    // Discarding it again finds nothing, and writes nothing.
    assert!(callside.discard_action(&refused.action_id).await.is_err());

    let (org_id, path) = &audit::org_logs(data_dir.path()).unwrap()[0];
    let log = AuditLog::open(path, org_id, "").unwrap();
    let entries = log.entries().unwrap();
    let outcomes: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        vec![("rate_lead", "failed"), ("rate_lead", "discarded")],
        "{entries:#?}"
    );
    let discarded = &entries[1];
    assert_eq!(discarded.operation, Operation::Change);
    assert_eq!(discarded.records, vec![tom_id]);
    assert_eq!(discarded.fields["rating"], "Warm");
    // Salesforce's reason for the refusal stays with the entry.
    assert_eq!(discarded.message, entries[0].message);
    assert!(discarded.message.is_some());
    assert_eq!(
        Some(discarded.user.clone()),
        callside.status().await.username
    );
    assert!(log.verify().unwrap().intact());
}

#[tokio::test]
async fn the_sign_in_and_token_refreshes_count_in_the_auth_family() {
    let (org, callside, _tokens, _data_dir) = signed_in_with(SettingsInput::default()).await;
    let auth = |health: &callside_core::metrics::ApiHealth| {
        health
            .last_hour
            .iter()
            .find(|f| f.family == "auth")
            .cloned()
    };
    // The code exchange and the identity request of the sign-in.
    let health = callside.api_health().await.unwrap();
    let signed_in = auth(&health).unwrap_or_else(|| panic!("no auth family in {health:#?}"));
    assert_eq!(
        (signed_in.requests, signed_in.errors),
        (2, 0),
        "{signed_in:?}"
    );
    // An expired session is refreshed: one more.
    org.expire_all_sessions();
    callside.lookup("720-555-0133").await.unwrap();
    let refreshed = auth(&callside.api_health().await.unwrap()).unwrap();
    assert_eq!(
        (refreshed.requests, refreshed.errors),
        (3, 0),
        "{refreshed:?}"
    );
}

#[tokio::test]
async fn api_health_counts_each_familys_requests_latency_and_errors_and_the_daily_usage() {
    use callside_core::metrics::UsageState;
    use callside_fake_org::Fault;
    let (org, callside, _tokens, _data_dir) = signed_in_with(SettingsInput {
        api_warning_percent: Some(50),
        ..SettingsInput::default()
    })
    .await;
    org.set_api_limit(1_000);
    org.set_api_usage(100);

    // Every request of this lookup waits 150 ms at the org.
    org.set_latency(std::time::Duration::from_millis(150));
    callside.lookup("720-555-0133").await.unwrap();
    org.set_latency(std::time::Duration::ZERO);
    // One search answered 503 SERVER_UNAVAILABLE (and retried).
    org.inject(Fault {
        path_prefix: Some("/services/data/v62.0/search".into()),
        ..Fault::unavailable(1)
    });
    callside.lookup("720-555-0111").await.unwrap();
    let health = callside.api_health().await.unwrap();
    let family = |name: &str| {
        health
            .last_hour
            .iter()
            .find(|f| f.family == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {health:#?}"))
    };
    let search = family("search");
    assert_eq!(search.requests, 3, "{search:?}");
    assert_eq!(search.errors, 1);
    assert_eq!(search.error_codes[0].code, "SERVER_UNAVAILABLE");
    assert!((search.error_rate - 1.0 / 3.0).abs() < 1e-9);
    // The slowest search waited for the injected latency.
    assert!(search.p95_ms.unwrap() >= 150, "{search:?}");
    assert_eq!(
        health.last_day.iter().find(|f| f.family == "search"),
        Some(&search)
    );
    let usage = health.usage.clone().unwrap();
    assert_eq!(usage.limit, 1_000);
    assert_eq!(usage.state, UsageState::Ok, "{usage:?}");

    // Past the policy's threshold (50 %): a warning; at the limit: reached, and the
    // refusals are counted under their code.
    org.set_api_usage(600);
    callside.lookup("720-555-0133").await.unwrap();
    let usage = callside.api_health().await.unwrap().usage.unwrap();
    assert_eq!(usage.state, UsageState::Warning, "{usage:?}");
    assert_eq!(usage.warn_percent, 50);
    org.set_api_usage(1_000);
    assert!(callside.lookup("+1 303 555 0188").await.is_err());
    let health = callside.api_health().await.unwrap();
    assert_eq!(health.usage.unwrap().state, UsageState::Reached);
    let search = health
        .last_hour
        .iter()
        .find(|f| f.family == "search")
        .unwrap();
    assert!(search
        .error_codes
        .iter()
        .any(|c| c.code == "REQUEST_LIMIT_EXCEEDED"));
}

#[tokio::test]
async fn a_sensitive_field_is_shown_live_but_never_cached() {
    let (_org, callside, _tokens, data_dir) = signed_in_with(SettingsInput {
        account_fields: Some(vec!["Health_Score__c".into(), "Last_Activity__c".into()]),
        sensitive_fields: Some(vec!["Health_Score__c".into()]),
        ..SettingsInput::default()
    })
    .await;
    let result = callside.lookup("(720) 555-0111").await.unwrap();
    assert!(result.related_loaded, "{result:#?}");
    let live = serde_json::to_string(&result).unwrap();
    assert!(live.contains("Health_Score__c"), "shown live: {live}");
    assert!(live.contains("Last_Activity__c"));

    let status = callside.status().await;
    let database =
        callside_core::store::org_database_path(data_dir.path(), status.org_id.as_deref().unwrap())
            .unwrap();
    let connection = rusqlite::Connection::open(&database).unwrap();
    let mut cached = String::new();
    for sql in [
        "SELECT fields_json FROM cached_record",
        "SELECT result_json FROM cached_lookup",
    ] {
        let mut statement = connection.prepare(sql).unwrap();
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))
            .unwrap();
        for row in rows {
            cached.push_str(&row.unwrap());
        }
    }
    assert!(
        cached.contains("Last_Activity__c"),
        "the other field is cached: {cached}"
    );
    assert!(!cached.contains("Health_Score__c"), "{cached}");
    // The offline answer comes from the cache, without the sensitive fact.
    let offline = callside_core::store::Store::open(&database)
        .unwrap()
        .cached_lookup("+17205550111")
        .unwrap()
        .unwrap();
    let facts = serde_json::to_string(&offline).unwrap();
    assert!(!facts.contains("Health_Score__c") && facts.contains("Last_Activity__c"));
}

#[tokio::test]
async fn a_sensitive_field_of_the_caller_card_is_never_cached() {
    let (_org, callside, _tokens, data_dir) = signed_in_with(SettingsInput {
        sensitive_fields: Some(vec!["Phone".into(), "Email".into()]),
        ..SettingsInput::default()
    })
    .await;
    let live = callside.lookup("(720) 555-0111").await.unwrap();
    let dana = &live.matches[0];
    assert!(dana.phone.is_some(), "shown live: {dana:?}");
    let status = callside.status().await;
    let database =
        callside_core::store::org_database_path(data_dir.path(), status.org_id.as_deref().unwrap())
            .unwrap();
    let cached = callside_core::store::Store::open(&database)
        .unwrap()
        .cached_lookup("+17205550111")
        .unwrap()
        .unwrap();
    let card = &cached.matches[0];
    assert_eq!(card.name, dana.name, "the card still pops from the cache");
    assert_eq!(card.phone, None);
    assert_eq!(card.email, None);
    let raw: String = rusqlite::Connection::open(&database)
        .unwrap()
        .query_row(
            "SELECT group_concat(result_json) FROM cached_lookup",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let phone = dana.phone.clone().unwrap();
    assert!(!raw.contains(&phone), "{raw}");
}

/// Every byte of an org's local files (the cache and queue database with its log, the
/// audit trail).
fn org_files(data_dir: &std::path::Path, org_id: &str) -> Vec<u8> {
    let database = callside_core::store::org_database_path(data_dir, org_id).unwrap();
    read_all_files(database.parent().unwrap())
}

/// Fails with the text around `needle` when the bytes hold it.
fn assert_absent(bytes: &[u8], needle: &str) {
    if let Some(at) = bytes
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
    {
        let around = &bytes[at.saturating_sub(200)..(at + 100).min(bytes.len())];
        panic!(
            "{needle:?} is on the device: {}",
            String::from_utf8_lossy(around)
        );
    }
}

fn read_all_files(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        bytes.extend(std::fs::read(entry.path()).unwrap_or_default());
    }
    bytes
}

#[tokio::test]
async fn a_sensitive_name_is_shown_live_but_never_kept_on_the_device() {
    // A day without the policy: Dana's card, her name among the recent calls.
    let (_org, callside, tokens, data_dir) = signed_in_with(SettingsInput::default()).await;
    callside
        .pop("(720) 555-0111", CallDirection::Inbound, |_, _| {})
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let org_id = callside.status().await.org_id.unwrap();
    assert!(contains(&org_files(data_dir.path(), &org_id), "Whitfield"));
    let settings = callside.settings().clone();
    drop(callside);

    // The administrator marks the last name sensitive; the next start forgets what the
    // cache held of names, and keeps the recent call without its name.
    let callside = Callside::open(
        Settings {
            sensitive_fields: vec!["LastName".into()],
            ..settings
        },
        tokens.clone(),
        "memory only".into(),
    )
    .unwrap();
    assert_absent(&org_files(data_dir.path(), &org_id), "Whitfield");
    let recent = callside.recent_calls(10).await.unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(
        (recent[0].name.as_deref(), recent[0].name_withheld),
        (None, true)
    );

    // Live, the name is shown; cached, it is not there.
    let updates = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = updates.clone();
    let live = callside
        .pop(
            "(720) 555-0111",
            CallDirection::Inbound,
            move |_, update| seen.lock().unwrap().push(update.unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(live.source, callside_core::LookupSource::Salesforce);
    assert_eq!(live.matches[0].name, "Dana Whitfield");
    assert!(!live.matches[0].name_withheld);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let updates2 = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = updates2.clone();
    let cached = callside
        .pop("720.555.0111", CallDirection::Inbound, move |_, update| {
            seen.lock().unwrap().push(update.unwrap())
        })
        .await
        .unwrap();
    assert_eq!(cached.source, callside_core::LookupSource::Cache);
    let card = &cached.matches[0];
    assert_eq!((card.name.as_str(), card.name_withheld), ("", true));
    assert_eq!(
        card.id, live.matches[0].id,
        "the card still pops from the cache"
    );
    assert_eq!(card.company, live.matches[0].company);
    // The refresh behind the cached card brings the name.
    let refreshed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Some(update) = updates2.lock().unwrap().last().cloned() {
                return update;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap();
    assert_eq!(refreshed.matches[0].name, "Dana Whitfield");

    // A search by name is answered, and neither its term nor its result is kept; the
    // pick the rep makes among its matches is not remembered either.
    let found = callside.search("Whitfield").await.unwrap();
    assert_eq!(found.matches[0].name, "Dana Whitfield");
    callside
        .remember_pick("Whitfield", &found.matches[0].id)
        .await
        .unwrap();
    let recent = callside.recent_calls(10).await.unwrap();
    assert!(recent
        .iter()
        .all(|call| call.name.is_none() && call.name_withheld));
    let database = callside_core::store::org_database_path(data_dir.path(), &org_id).unwrap();
    let store = Store::open(&database).unwrap();
    assert_eq!(
        store.cached_search("name:whitfield", 0, i64::MAX).unwrap(),
        None
    );
    assert_eq!(store.picked("name:whitfield").unwrap(), None);
    drop(store);
    let bytes = org_files(data_dir.path(), &org_id);
    assert_absent(&bytes, "Whitfield");
    assert_absent(&bytes, "name:whitfield");
}

fn investment_panel(fields: &[&str]) -> callside_core::panels::PanelInput {
    callside_core::panels::PanelInput {
        object: "Investment_Profile__c".into(),
        lookup: "Contact__c".into(),
        parent: "Contact".into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
        labels: [("Risk_Tolerance__c".to_string(), "Risk".to_string())].into(),
        title: None,
    }
}

#[tokio::test]
async fn an_industry_panel_comes_with_the_related_records_in_the_same_request() {
    let (org, callside, _tokens, _data_dir) = signed_in_with(SettingsInput {
        panels: Some(vec![investment_panel(&[
            "Risk_Tolerance__c",
            "Portfolio_Value__c",
            "Last_Review__c",
        ])]),
        ..SettingsInput::default()
    })
    .await;
    callside.check_panels().await.unwrap();
    org.clear_request_log();
    let result = callside.lookup("(720) 555-0111").await.unwrap();
    let requests: Vec<String> = org
        .request_log()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        requests.len(),
        2,
        "a pop costs at most two requests: {requests:#?}"
    );
    let dana = &result.matches[0];
    assert_eq!(dana.name, "Dana Whitfield");
    let panels = dana.panels.as_deref().unwrap_or_default();
    assert_eq!(panels.len(), 1, "{dana:#?}");
    let panel = &panels[0];
    assert_eq!(panel.title, "Investment Profile");
    assert_eq!(panel.problem, None);
    assert_eq!(panel.records.len(), 1);
    let fields: Vec<(&str, Option<&str>)> = panel.records[0]
        .fields
        .iter()
        .map(|f| (f.label.as_str(), f.value.as_deref()))
        .collect();
    assert_eq!(fields[0], ("Risk", Some("Balanced")));
    assert_eq!(fields[1], ("Portfolio Value", Some("1250000")));
    assert_eq!(fields[2].0, "Last Review");
    assert!(fields[2].1.is_some_and(|d| d.len() == 10));

    // A lead gets no Contact panel.
    let priya = callside.lookup("720-555-0133").await.unwrap();
    assert_eq!(priya.matches[0].panels, None);
}

#[tokio::test]
async fn a_panel_field_the_org_lacks_is_named_at_sign_in_and_under_the_caller_card() {
    let (_org, callside, _tokens, _data_dir) = signed_in_with(SettingsInput {
        panels: Some(vec![
            investment_panel(&["Risk_Tolerance__c", "Blood_Type__c"]),
            callside_core::panels::PanelInput {
                object: "Patient_Record__c".into(),
                lookup: "Contact__c".into(),
                parent: "Contact".into(),
                fields: vec!["Allergies__c".into()],
                ..callside_core::panels::PanelInput::default()
            },
        ]),
        ..SettingsInput::default()
    })
    .await;
    let problem = callside.check_panels().await.unwrap_err().to_string();
    assert!(
        problem.contains("Investment_Profile__c has no field Blood_Type__c you may read.")
            && problem.contains("The org has no object Patient_Record__c you may read."),
        "{problem}"
    );
    let result = callside.lookup("(720) 555-0111").await.unwrap();
    let panels = result.matches[0].panels.as_deref().unwrap_or_default();
    assert_eq!(panels.len(), 2, "{panels:#?}");
    assert_eq!(
        panels[0].problem.as_deref(),
        Some("Investment_Profile__c has no field Blood_Type__c you may read.")
    );
    assert!(panels[0].records.is_empty());
    assert!(panels[1].problem.is_some());
}

#[test]
fn a_policy_declares_panels_sensitive_fields_retention_and_the_api_threshold() {
    let text = r#"
[locked]
sensitive_fields = ["Health_Notes__c"]
audit_retention_days = 730
api_warning_percent = 90

[[locked.panels]]
object = "Investment_Profile__c"
lookup = "Contact__c"
parent = "contact"
title = "Investment profile"
fields = ["Risk_Tolerance__c", "Portfolio_Value__c"]
labels = { Risk_Tolerance__c = "Risk tolerance" }
"#;
    let path = std::path::Path::new("/etc/callside/policy.toml");
    let parsed = callside_core::policy::parse(text, path).unwrap();
    let locked = parsed.policy.locked;
    assert_eq!(locked.audit_retention_days, Some(730));
    assert_eq!(locked.api_warning_percent, Some(90));
    assert_eq!(
        locked.sensitive_fields,
        Some(vec!["Health_Notes__c".to_string()])
    );
    let panels = locked.panels.unwrap();
    assert_eq!(panels[0].object, "Investment_Profile__c");
    assert_eq!(panels[0].labels["Risk_Tolerance__c"], "Risk tolerance");
    assert!(parsed.locked_keys.contains(&"panels".to_string()));

    let wrong = "[[locked.panels]]\nobject = \"Investment_Profile__c\"\nlookup = \"Contact__c\"\nparent = \"Opportunity\"\nfields = [\"Risk_Tolerance__c\"]\n";
    let error = callside_core::policy::parse(wrong, path)
        .unwrap_err()
        .to_string();
    assert!(error.contains("use Contact, Account or Lead"), "{error}");
    assert!(error.starts_with("/etc/callside/policy.toml:1:"), "{error}");
    let retention = callside_core::policy::parse("[defaults]\naudit_retention_days = 0\n", path)
        .unwrap_err()
        .to_string();
    assert!(retention.contains("audit_retention_days must be from 1 to 3650, not 0"));
}
