//! The commands for the rep's actions. Each queues through the core's outbox and answers
//! with the action's outcome (sent, pending or failed); the core validates every input.

use callside_core::{ActionOutcome, NewLead, Stage, WrapUp};
use tauri::State;

use crate::commands::core;
use crate::ipc::IpcError;
use crate::AppState;

#[tauri::command]
pub async fn rate_lead(
    state: State<'_, AppState>,
    lead_id: String,
    rating: String,
) -> Result<ActionOutcome, IpcError> {
    Ok(core(&state)?.rate_lead(&lead_id, &rating).await?)
}

#[tauri::command]
pub async fn lead_statuses(state: State<'_, AppState>) -> Result<Vec<String>, IpcError> {
    Ok(core(&state)?.lead_statuses().await?)
}

#[tauri::command]
pub async fn set_lead_status(
    state: State<'_, AppState>,
    lead_id: String,
    status: String,
) -> Result<ActionOutcome, IpcError> {
    Ok(core(&state)?.set_lead_status(&lead_id, &status).await?)
}

#[tauri::command]
pub async fn opportunity_stages(state: State<'_, AppState>) -> Result<Vec<Stage>, IpcError> {
    Ok(core(&state)?.stages().await?)
}

/// `stage: null` advances to the next stage.
#[tauri::command]
pub async fn set_opportunity_stage(
    state: State<'_, AppState>,
    opportunity_id: String,
    stage: Option<String>,
    confirm_closing: bool,
) -> Result<ActionOutcome, IpcError> {
    Ok(core(&state)?
        .set_stage(&opportunity_id, stage.as_deref(), confirm_closing)
        .await?)
}

#[tauri::command]
pub async fn create_lead(
    state: State<'_, AppState>,
    lead: NewLead,
) -> Result<ActionOutcome, IpcError> {
    Ok(core(&state)?.create_lead(&lead).await?)
}

#[tauri::command]
pub async fn schedule_follow_up(
    state: State<'_, AppState>,
    who_id: String,
    what_id: Option<String>,
    subject: String,
    due_date: String,
    priority: String,
) -> Result<ActionOutcome, IpcError> {
    Ok(core(&state)?
        .schedule_follow_up(&who_id, what_id.as_deref(), &subject, &due_date, &priority)
        .await?)
}

#[tauri::command]
pub async fn outbox(state: State<'_, AppState>) -> Result<Vec<ActionOutcome>, IpcError> {
    Ok(core(&state)?.outbox(200).await?)
}

/// `action_id: null` retries every pending action.
#[tauri::command]
pub async fn retry_action(
    state: State<'_, AppState>,
    action_id: Option<String>,
) -> Result<Vec<ActionOutcome>, IpcError> {
    Ok(core(&state)?.retry_outbox(action_id.as_deref()).await?)
}

/// Sends a change that met a newer change in Salesforce again, over that change.
#[tauri::command]
pub async fn overwrite_action(
    state: State<'_, AppState>,
    action_id: String,
) -> Result<Vec<ActionOutcome>, IpcError> {
    Ok(core(&state)?.overwrite_action(&action_id).await?)
}

/// The end of a call: its log, a follow-up and a stage change, sent together.
#[tauri::command]
pub async fn wrap_up(
    state: State<'_, AppState>,
    wrap_up: WrapUp,
) -> Result<Vec<ActionOutcome>, IpcError> {
    Ok(core(&state)?.wrap_up(&wrap_up).await?)
}

#[tauri::command]
pub async fn discard_action(state: State<'_, AppState>, action_id: String) -> Result<(), IpcError> {
    Ok(core(&state)?.discard_action(&action_id).await?)
}
