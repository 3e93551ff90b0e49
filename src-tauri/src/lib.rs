//! The Callside desktop shell: it builds the window, holds one [`Callside`] core, and
//! offers the webview a handful of commands that only translate between the UI and the
//! core. Calls reported from outside (deep links, the local call-event endpoint) reach
//! the webview as `call-event` events. No Salesforce or SQLite logic lives here.

mod action_commands;
mod app_state;
mod call_events;
#[cfg(test)]
mod capabilities;
mod commands;
mod deep_link;
mod desktop;
mod inbox;
mod insight_commands;
pub mod ipc;
mod notify;
mod orgs;
mod search_commands;
mod settings_commands;
mod shortcut;
mod texts;
mod tray;
pub mod updates;
pub mod webview;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use callside_core::{Callside, Settings, SettingsInput};
use tauri::Manager;
use tauri_plugin_deep_link::DeepLinkExt;

pub use crate::app_state::AppState;
use crate::inbox::CallInbox;

/// The longest phone number input accepted (E.164 has at most 15 digits; extensions
/// and punctuation add some).
pub(crate) const MAX_NUMBER_INPUT: usize = 64;

pub fn run() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CALLSIDE_LOG")
                // The deep-link plugin's warnings carry whole links (and so numbers);
                // `deep_link::check_arguments` says the same without them.
                .unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("warn,tauri_plugin_deep_link=error")
                }),
        )
        .init();
    deep_link::check_arguments(&std::env::args().collect::<Vec<_>>());
    let context = tauri::generate_context!();
    let settings = Settings::resolve(SettingsInput::default());
    let data_dir = settings.as_ref().ok().map(|s| s.data_dir.clone());
    let instance_id = instance_id(&context.config().identifier, data_dir.as_deref());
    // Building sets the plugins up: a second start hands its arguments (a deep link) to
    // the running app there and exits, before it opens the keychain or a window.
    let app = tauri::Builder::default()
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id)
                .callback(|app, argv, _cwd| {
                    deep_link::check_arguments(&argv);
                    inbox::show_main_window(app);
                })
                .build(),
        )
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_global_shortcut::Builder::new().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(updates::plugin())
        // Remembers the window's position and size (not its visibility: a second
        // start and a ringing call decide that; always-on-top is the UI's choice).
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                .build(),
        )
        .on_window_event(desktop::on_window_event)
        .manage(CallInbox::default())
        .invoke_handler(tauri::generate_handler![
            commands::session_status,
            commands::sign_in,
            commands::sign_out,
            commands::lookup_caller,
            search_commands::search_caller,
            search_commands::account_hierarchy,
            commands::log_call,
            commands::recent_calls,
            commands::remember_pick,
            commands::clear_cache,
            commands::api_usage,
            commands::open_record,
            commands::set_always_on_top,
            desktop::desktop_info,
            orgs::org_options,
            orgs::sign_in_to,
            orgs::use_org,
            inbox::take_call_events,
            action_commands::rate_lead,
            action_commands::lead_statuses,
            action_commands::set_lead_status,
            action_commands::opportunity_stages,
            action_commands::set_opportunity_stage,
            action_commands::create_lead,
            action_commands::schedule_follow_up,
            action_commands::outbox,
            action_commands::retry_action,
            action_commands::discard_action,
            action_commands::overwrite_action,
            action_commands::wrap_up,
            settings_commands::managed_settings,
            insight_commands::call_stats,
            insight_commands::export_call_csv,
            insight_commands::api_health,
        ])
        .build(context)
        .unwrap_or_else(|error| {
            eprintln!("callside-app: the window could not start: {error}");
            std::process::exit(1);
        });
    let desktop_settings = settings.as_ref().ok();
    desktop::setup(
        app.handle(),
        desktop_settings.and_then(|s| s.focus_shortcut.clone()),
        desktop_settings.and_then(|s| s.language.clone()),
    );
    let update_settings = settings
        .as_ref()
        .ok()
        .map(updates::UpdateSettings::from_settings);
    let state = match settings.and_then(Callside::open_with_system_keychain) {
        Ok(callside) => {
            send_queued_actions(app.handle().clone());
            AppState::ready(Arc::new(callside))
        }
        Err(error) => {
            tracing::error!("Callside could not start: {error}");
            AppState::broken(error.to_string())
        }
    };
    app.manage(state);
    listen_for_calls(app.handle(), data_dir);
    updates::start(app.handle(), update_settings);
    app.run(|_, _| {});
}

/// Sends the outbox's pending actions as they come due (each waits out its backoff),
/// for as long as the app runs, through the org in use at the time.
fn send_queued_actions(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            let callside = app.try_state::<AppState>().and_then(|s| s.current().ok());
            if let Some(Err(error)) = match callside {
                Some(callside) => Some(callside.send_pending().await),
                None => None,
            } {
                tracing::warn!("queued actions were not sent: {error}");
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    });
}

/// Deep links (the one this start was given, and later ones) and the call-event
/// endpoint, all into the `CallInbox`.
fn listen_for_calls(app: &tauri::AppHandle, data_dir: Option<PathBuf>) {
    let handle = app.clone();
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            deep_link::open(&handle, url.as_str());
        }
    });
    match app.deep_link().get_current() {
        Ok(Some(urls)) => {
            for url in urls {
                deep_link::open(app, url.as_str());
            }
        }
        Ok(None) => {}
        Err(error) => tracing::warn!("the link Callside was started with is unreadable: {error}"),
    }

    let Some(data_dir) = data_dir else {
        tracing::warn!("the call-event endpoint is off: Callside has no data directory");
        return;
    };
    let port = match call_events::port_from(std::env::var(call_events::PORT_VAR).ok().as_deref()) {
        Ok(port) => port,
        Err(message) => {
            tracing::warn!("the call-event endpoint is off: {message}");
            return;
        }
    };
    let token = match call_events::load_or_create_token(&data_dir) {
        Ok(token) => token,
        Err(error) => {
            tracing::warn!(
                "the call-event endpoint is off: {} could not be made: {error}",
                call_events::token_path(&data_dir).display()
            );
            return;
        }
    };
    let handle = app.clone();
    let sink: call_events::Sink =
        Arc::new(move |event| handle.state::<CallInbox>().deliver(&handle, event));
    tauri::async_runtime::spawn(call_events::serve(port, token, sink));
}

/// The single-instance identity (a D-Bus name on Linux): the app's identifier for the
/// default data directory, and one of its own for any other, so that a Callside with
/// another `CALLSIDE_DATA_DIR` (another profile, a test) runs beside it.
fn instance_id(identifier: &str, data_dir: Option<&Path>) -> String {
    let default_dir = Settings::from_layers(SettingsInput::default())
        .ok()
        .map(|settings| settings.data_dir);
    match data_dir {
        Some(dir) if Some(dir) != default_dir.as_deref() => {
            // FNV-1a: stable across builds and platforms.
            let hash = dir
                .as_os_str()
                .as_encoded_bytes()
                .iter()
                .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
                    (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
                });
            format!("{identifier}.data{hash:016x}")
        }
        _ => identifier.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_data_directory_has_its_own_instance() {
        let default_dir = Settings::from_layers(SettingsInput::default())
            .unwrap()
            .data_dir;
        let id = "com.callside.desktop";
        assert_eq!(instance_id(id, Some(&default_dir)), id);
        assert_eq!(instance_id(id, None), id);
        let a = instance_id(id, Some(Path::new("/tmp/a")));
        let b = instance_id(id, Some(Path::new("/tmp/b")));
        assert_ne!(a, b);
        assert_eq!(a, instance_id(id, Some(Path::new("/tmp/a"))));
        // A valid D-Bus name: elements of [A-Za-z0-9_-] that do not start with a digit.
        assert!(a.starts_with("com.callside.desktop.data"));
        for element in a.split('.') {
            assert!(!element.starts_with(|c: char| c.is_ascii_digit()), "{a}");
            assert!(element
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        }
    }
}
