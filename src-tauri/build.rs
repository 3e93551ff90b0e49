//! Each of the app's commands gets an `allow-<command>` permission; the main window's
//! capability (capabilities/default.json) lists exactly the ones it needs. A test
//! (`capabilities::tests`) checks this list against the registered commands and the
//! capability.

/// Every command in `generate_handler!` (src/lib.rs).
const COMMANDS: &[&str] = &[
    "session_status",
    "sign_in",
    "sign_out",
    "lookup_caller",
    "search_caller",
    "account_hierarchy",
    "log_call",
    "recent_calls",
    "remember_pick",
    "clear_cache",
    "api_usage",
    "open_record",
    "set_always_on_top",
    "desktop_info",
    "org_options",
    "sign_in_to",
    "use_org",
    "take_call_events",
    "rate_lead",
    "lead_statuses",
    "set_lead_status",
    "opportunity_stages",
    "set_opportunity_stage",
    "create_lead",
    "schedule_follow_up",
    "outbox",
    "retry_action",
    "discard_action",
    "overwrite_action",
    "wrap_up",
    "managed_settings",
    "call_stats",
    "export_call_csv",
    "api_health",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri build step failed");
}
