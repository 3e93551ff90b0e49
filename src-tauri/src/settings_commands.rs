//! The settings view's command: the settings in effect, which of them the administrator's
//! policy set or locked, and whether the policy applies (or was ignored, and why).

use callside_core::policy::ManagedSettings;
use tauri::State;

use crate::commands::core;
use crate::ipc::IpcError;
use crate::AppState;

/// The settings in effect for the org in use, with the policy's part in them.
#[tauri::command]
pub fn managed_settings(state: State<'_, AppState>) -> Result<ManagedSettings, IpcError> {
    Ok(core(&state)?.settings().managed())
}
