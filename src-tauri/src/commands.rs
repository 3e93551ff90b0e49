//! The commands the webview may call. Each converts its input, calls one core function
//! and maps the result; inputs are validated by the core.

use std::sync::Arc;

use callside_core::{
    CallDirection, Callside, LogCallOutcome, LogCallRequest, LookupResult, RecentCall,
    SessionStatus, Text,
};
use tauri::{AppHandle, Emitter, State};

use crate::ipc::{ApiUsage, CallerUpdate, IpcError, CALLER_UPDATED};
use crate::notify::CallNotifier;
use crate::{AppState, MAX_NUMBER_INPUT};

pub(crate) fn core(state: &AppState) -> Result<Arc<Callside>, IpcError> {
    state.current().map_err(|detail| {
        IpcError::new(
            callside_core::ErrorCode::InvalidInput,
            Text::NotSetUp { detail },
        )
    })
}

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

fn check_number(number: &str) -> Result<(), IpcError> {
    if number.chars().count() > MAX_NUMBER_INPUT {
        return Err(IpcError::new(
            callside_core::ErrorCode::InvalidInput,
            Text::PhoneNumberTooLong,
        ));
    }
    Ok(())
}

/// Pops a caller: answers at once (from the cache, or after one search) and sends
/// fuller or fresher data later as `caller-updated` events.
#[tauri::command]
pub async fn lookup_caller(
    app: AppHandle,
    state: State<'_, AppState>,
    notifier: State<'_, CallNotifier>,
    number: String,
    direction: CallDirection,
) -> Result<LookupResult, IpcError> {
    check_number(&number)?;
    let callside = core(&state)?;
    let popped = callside
        .pop(&number, direction, move |e164, update| {
            let payload = match update {
                Ok(result) => CallerUpdate {
                    number: e164.to_string(),
                    result: Some(result),
                    error: None,
                },
                Err(error) => CallerUpdate {
                    number: e164.to_string(),
                    result: None,
                    error: Some(error.into()),
                },
            };
            if let Err(error) = app.emit(CALLER_UPDATED, payload) {
                tracing::warn!("the caller update was not delivered: {error}");
            }
        })
        .await;
    // The moment the pop's data is ready for the window (the desktop benchmark reads it).
    tracing::debug!(ok = popped.is_ok(), "lookup answered");
    // A call that rang while the window was hidden is announced with the caller's name.
    match &popped {
        Ok(result) => notifier.popped(&number, Ok(result)),
        Err(error) => notifier.popped(&number, Err(&error.to_string())),
    };
    Ok(popped?)
}

#[tauri::command]
pub async fn recent_calls(state: State<'_, AppState>) -> Result<Vec<RecentCall>, IpcError> {
    Ok(core(&state)?.recent_calls(50).await?)
}

#[tauri::command]
pub async fn remember_pick(
    state: State<'_, AppState>,
    number: String,
    record_id: String,
) -> Result<(), IpcError> {
    // The number, or the term of a search by email address, domain or name.
    if number.chars().count() > callside_core::search::MAX_TERM_CHARS {
        return Err(IpcError::new(
            callside_core::ErrorCode::InvalidInput,
            Text::SearchTermTooLong,
        ));
    }
    Ok(core(&state)?.remember_pick(&number, &record_id).await?)
}

#[tauri::command]
pub async fn clear_cache(state: State<'_, AppState>) -> Result<(), IpcError> {
    Ok(core(&state)?.clear_cache().await?)
}

#[tauri::command]
pub async fn log_call(
    state: State<'_, AppState>,
    request: LogCallRequest,
) -> Result<LogCallOutcome, IpcError> {
    Ok(core(&state)?.log_call(&request).await?)
}

/// The org's API usage as of the last response, or null before any.
#[tauri::command]
pub async fn api_usage(state: State<'_, AppState>) -> Result<Option<ApiUsage>, IpcError> {
    Ok(core(&state)?
        .api_usage()
        .await
        .map(|(used, limit)| ApiUsage { used, limit }))
}

/// Opens a record's Lightning page in the system browser (`$BROWSER` first). The URL
/// is built by the core from the signed-in org and a checked record id.
#[tauri::command]
pub async fn open_record(state: State<'_, AppState>, record_id: String) -> Result<(), IpcError> {
    let url = core(&state)?.record_url(&record_id).await?;
    tauri::async_runtime::spawn_blocking(move || {
        callside_core::salesforce::oauth::open_system_browser(url)
    })
    .await
    .map_err(|error| {
        IpcError::new(
            callside_core::ErrorCode::Internal,
            Text::BrowserNotStarted {
                detail: error.to_string(),
            },
        )
    })?
    .map_err(|error| IpcError::from(callside_core::Error::from(error)))
}

/// Keeps the main window above the others (or not).
#[tauri::command]
pub fn set_always_on_top(window: tauri::WebviewWindow, on: bool) -> Result<(), IpcError> {
    window.set_always_on_top(on).map_err(|error| {
        IpcError::new(
            callside_core::ErrorCode::Internal,
            Text::WindowNotOnTop {
                detail: error.to_string(),
            },
        )
    })
}
