//! The insights views' commands: call metrics for today or this week, and their calls
//! exported as CSV.

use callside_core::metrics::{self, CallStats};
use tauri::State;

use crate::commands::core;
use crate::ipc::IpcError;
use crate::AppState;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn period(name: &str) -> Result<(i64, i64), IpcError> {
    metrics::period(name, now_ms(), metrics::local_offset()).map_err(|message| IpcError {
        code: callside_core::ErrorCode::InvalidInput,
        message,
        text: None,
    })
}

/// The metrics of `today` or this `week`.
#[tauri::command]
pub async fn call_stats(state: State<'_, AppState>, period: String) -> Result<CallStats, IpcError> {
    let (since, until) = self::period(&period)?;
    Ok(core(&state)?.call_stats(since, until).await?.0)
}

/// Writes the calls of `today` or this `week` as CSV to the download directory; the file.
#[tauri::command]
pub async fn export_call_csv(
    state: State<'_, AppState>,
    period: String,
) -> Result<String, IpcError> {
    let (since, until) = self::period(&period)?;
    let (stats, calls) = core(&state)?.call_stats(since, until).await?;
    let dir = metrics::export_dir().ok_or_else(|| {
        IpcError::new(
            callside_core::ErrorCode::Internal,
            callside_core::Text::NoExportDirectory,
        )
    })?;
    let label = format!("{}-{}", period, stats.since.get(..10).unwrap_or_default());
    let path = metrics::write_csv(&calls, &dir, &label)?;
    Ok(path.display().to_string())
}

/// API health: each endpoint family over the last hour and day, and the daily usage.
#[tauri::command]
pub async fn api_health(state: State<'_, AppState>) -> Result<metrics::ApiHealth, IpcError> {
    Ok(core(&state)?.api_health().await?)
}
