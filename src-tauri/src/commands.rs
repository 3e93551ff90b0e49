//! The commands the webview may call. Each converts its input, calls one core function
//! and maps the result; inputs are validated by the core.

use std::sync::Arc;

use callside_core::{Callside, LogCallOutcome, LogCallRequest, LookupResult, SessionStatus};
use tauri::State;

use crate::ipc::IpcError;
use crate::AppState;

fn core(state: &AppState) -> Result<Arc<Callside>, IpcError> {
    match state {
        AppState::Ready(callside) => Ok(callside.clone()),
        AppState::Broken(message) => Err(IpcError {
            code: callside_core::ErrorCode::InvalidInput,
            message: format!("Callside is not set up correctly: {message}"),
        }),
    }
}

/// The longest phone number input accepted (E.164 has at most 15 digits; extensions
/// and punctuation add some).
const MAX_NUMBER_INPUT: usize = 64;

#[tauri::command]
pub async fn session_status(state: State<'_, AppState>) -> Result<SessionStatus, IpcError> {
    Ok(core(&state)?.status().await)
}

#[tauri::command]
pub async fn sign_in(state: State<'_, AppState>) -> Result<SessionStatus, IpcError> {
    Ok(core(&state)?.sign_in().await?)
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Result<SessionStatus, IpcError> {
    Ok(core(&state)?.sign_out().await?)
}

#[tauri::command]
pub async fn lookup_caller(
    state: State<'_, AppState>,
    number: String,
) -> Result<LookupResult, IpcError> {
    if number.chars().count() > MAX_NUMBER_INPUT {
        return Err(IpcError {
            code: callside_core::ErrorCode::InvalidInput,
            message: "That is too long to be a phone number.".into(),
        });
    }
    Ok(core(&state)?.lookup(&number).await?)
}

#[tauri::command]
pub async fn log_call(
    state: State<'_, AppState>,
    request: LogCallRequest,
) -> Result<LogCallOutcome, IpcError> {
    Ok(core(&state)?.log_call(&request).await?)
}
