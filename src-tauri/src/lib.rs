//! The Callside desktop shell: it builds the window, holds one [`Callside`] core, and
//! offers the webview a handful of commands that only translate between the UI and the
//! core. No Salesforce or SQLite logic lives here.

mod commands;
pub mod ipc;

use std::sync::Arc;

use callside_core::{Callside, Settings, SettingsInput};

/// The core, or why it could not start (shown to the user instead of a panic).
pub enum AppState {
    Ready(Arc<Callside>),
    Broken(String),
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CALLSIDE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let state = match Settings::resolve(SettingsInput::default())
        .and_then(Callside::open_with_system_keychain)
    {
        Ok(callside) => AppState::Ready(Arc::new(callside)),
        Err(error) => {
            tracing::error!("Callside could not start: {error}");
            AppState::Broken(error.to_string())
        }
    };
    tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::session_status,
            commands::sign_in,
            commands::sign_out,
            commands::lookup_caller,
            commands::log_call,
            commands::recent_calls,
            commands::remember_pick,
            commands::clear_cache,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|error| {
            eprintln!("callside-app: the window could not start: {error}");
            std::process::exit(1);
        });
}
