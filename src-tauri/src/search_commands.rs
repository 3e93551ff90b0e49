//! The search box's commands: a caller by any term, and the account hierarchy behind a
//! record. They convert and delegate; the core checks the input.

use callside_core::{AccountHierarchy, CallDirection, SearchResult};
use tauri::{AppHandle, Emitter, State};

use crate::commands::core;
use crate::ipc::{CallerUpdate, IpcError, CALLER_UPDATED};
use crate::AppState;

/// Finds a caller by a phone number (the screen pop), an email address, a name, a
/// company or a domain. Answers at once (from the cache, or after one search); fuller or
/// fresher data follows as `caller-updated` events whose `number` is the result's
/// `number`, or else its `term`.
#[tauri::command]
pub async fn search_caller(
    app: AppHandle,
    state: State<'_, AppState>,
    term: String,
    direction: CallDirection,
) -> Result<SearchResult, IpcError> {
    let callside = core(&state)?;
    let found = callside
        .search_pop(&term, direction, move |key, update| {
            let payload = match update {
                Ok(result) => CallerUpdate {
                    number: key.to_string(),
                    result: Some(callside_core::search::to_lookup(&result)),
                    error: None,
                },
                Err(error) => CallerUpdate {
                    number: key.to_string(),
                    result: None,
                    error: Some(error.into()),
                },
            };
            if let Err(error) = app.emit(CALLER_UPDATED, payload) {
                tracing::warn!("the caller update was not delivered: {error}");
            }
        })
        .await?;
    Ok(found)
}

/// The account behind a contact, account or lead: parent, siblings, children and open
/// opportunities; null when there is none.
#[tauri::command]
pub async fn account_hierarchy(
    state: State<'_, AppState>,
    record_id: String,
) -> Result<Option<AccountHierarchy>, IpcError> {
    Ok(core(&state)?.account_hierarchy(&record_id).await?)
}
