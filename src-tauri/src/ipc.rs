//! The shapes that cross the IPC boundary besides the core's own model types.

use callside_core::{CallDirection, Error, ErrorCode, LookupResult, OrgConnection, Text};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every command fails with this: a code the UI branches on and a message for the rep,
/// in English and, where Callside wrote it, as a `Text` the UI shows in the rep's
/// language.
#[derive(Clone, Debug, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    #[ts(optional = nullable)]
    pub text: Option<Text>,
}

impl IpcError {
    pub fn new(code: ErrorCode, text: Text) -> IpcError {
        IpcError {
            code,
            message: text.to_string(),
            text: Some(text),
        }
    }
}

/// The org's API requests today: used and the daily limit (from `Sforce-Limit-Info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ApiUsage {
    #[ts(type = "number")]
    pub used: u64,
    #[ts(type = "number")]
    pub limit: u64,
}

/// The event that carries a pop's later, fuller or fresher data.
pub const CALLER_UPDATED: &str = "caller-updated";

/// Payload of the `caller-updated` event: the new data for a number (E.164), or why
/// fetching it failed (the UI then keeps what it shows and marks it).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CallerUpdate {
    pub number: String,
    pub result: Option<LookupResult>,
    pub error: Option<IpcError>,
}

/// The event that tells the UI about a call reported by a softphone, a dialer or a link.
pub const CALL_EVENT: &str = "call-event";

/// What happened to a call outside Callside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum CallEventKind {
    /// A call is coming in (or being dialled): pop the number.
    Ringing,
    /// The call was picked up: the call timer starts.
    Answered,
    /// The call is over: the timer stops and the wrap-up (notes) opens.
    Ended,
}

/// Payload of the `call-event` event. `number` is as the sender wrote it (the core
/// normalizes it when the UI pops it); it may be empty for `answered` and `ended`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CallEvent {
    pub kind: CallEventKind,
    pub number: String,
    pub direction: CallDirection,
}

/// The event that asks the UI to put the cursor in the number field (the global
/// shortcut was pressed).
pub const FOCUS_NUMBER: &str = "focus-number";

/// What the shell set up around the window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DesktopInfo {
    /// The language setting (`"en"`, `"de"`), or null to follow the system.
    pub language: Option<String>,
    /// The global shortcut that brings up the window with the number field focused.
    pub focus_shortcut: String,
    /// Why that shortcut does not work (taken by another app, mistyped), for the rep.
    pub shortcut_problem: Option<String>,
    /// Whether there is a tray icon (closing the window then hides it to the tray).
    pub tray: bool,
}

/// The kinds of org one signs in to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    /// login.salesforce.com
    Production,
    /// test.salesforce.com
    Sandbox,
    /// A My Domain address (or another org's address, such as a test org's).
    Custom,
    /// The built-in demo org that `scripts/demo` runs.
    Demo,
}

/// The org the rep chose to sign in to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrgChoice {
    pub kind: OrgKind,
    /// The custom domain (for `custom`).
    #[serde(default)]
    pub url: Option<String>,
    /// The name to save the connection under; by default the kind (or the domain's name).
    #[serde(default)]
    pub alias: Option<String>,
}

/// What the sign-in view offers.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrgOptions {
    pub saved: Vec<OrgConnection>,
    pub current_login_url: String,
    pub current_alias: Option<String>,
    /// The login server the administrator's policy locks (`login_url` or `my_domain` in
    /// `[locked]`): the only org to sign in to.
    pub locked_login_url: Option<String>,
    pub production_url: String,
    pub sandbox_url: String,
    pub demo_url: String,
}

impl From<Error> for IpcError {
    fn from(error: Error) -> Self {
        IpcError {
            code: error.code(),
            message: error.to_string(),
            text: error.text(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use callside_core::*;
    use ts_rs::TS;

    use super::{ApiUsage, CallEvent, CallerUpdate, DesktopInfo, IpcError, OrgChoice, OrgOptions};

    fn bindings_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings")
    }

    fn export_all(dir: &Path) {
        SessionStatus::export_all_to(dir).unwrap();
        LookupResult::export_all_to(dir).unwrap();
        SearchResult::export_all_to(dir).unwrap();
        AccountHierarchy::export_all_to(dir).unwrap();
        LogCallRequest::export_all_to(dir).unwrap();
        LogCallOutcome::export_all_to(dir).unwrap();
        IpcError::export_all_to(dir).unwrap();
        CallerUpdate::export_all_to(dir).unwrap();
        RecentCall::export_all_to(dir).unwrap();
        ActionOutcome::export_all_to(dir).unwrap();
        WrapUp::export_all_to(dir).unwrap();
        NewLead::export_all_to(dir).unwrap();
        Stage::export_all_to(dir).unwrap();
        CallEvent::export_all_to(dir).unwrap();
        ApiUsage::export_all_to(dir).unwrap();
        DesktopInfo::export_all_to(dir).unwrap();
        OrgChoice::export_all_to(dir).unwrap();
        OrgOptions::export_all_to(dir).unwrap();
        callside_core::policy::ManagedSettings::export_all_to(dir).unwrap();
        callside_core::metrics::CallStats::export_all_to(dir).unwrap();
        callside_core::metrics::ApiHealth::export_all_to(dir).unwrap();
        Text::export_all_to(dir).unwrap();
        std::fs::write(dir.join("textTemplates.ts"), text_templates()).unwrap();
    }

    /// The English templates of every [`Text`] and the values each names, for the UI's
    /// check that its translations name the same values.
    fn text_templates() -> String {
        let mut out = String::from(
            "// Generated from callside_core::text by the bindings test. Do not edit.\n\
             import type { Text } from \"./Text\";\n\n\
             export const TEXT_TEMPLATES: Record<Text[\"key\"], { english: string; params: readonly string[] }> = {\n",
        );
        for (key, english, params) in Text::TEMPLATES {
            let params: Vec<String> = params.iter().map(|p| format!("{p:?}")).collect();
            out.push_str(&format!(
                "  {key}: {{ english: {}, params: [{}] }},\n",
                serde_json::to_string(english).unwrap(),
                params.join(", ")
            ));
        }
        out.push_str("};\n");
        out
    }

    /// The TypeScript types the UI imports are generated from the Rust types; this fails
    /// when they drift. `UPDATE_BINDINGS=1 cargo test -p callside-app` rewrites them.
    #[test]
    fn typescript_bindings_match_the_rust_types() {
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            export_all(&bindings_dir());
            return;
        }
        let generated = tempfile_dir();
        export_all(&generated);
        let mut names: Vec<_> = std::fs::read_dir(&generated)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        names.sort();
        assert!(!names.is_empty());
        for name in names {
            let fresh = std::fs::read_to_string(generated.join(&name)).unwrap();
            let committed = std::fs::read_to_string(bindings_dir().join(&name)).unwrap_or_default();
            assert_eq!(
                committed, fresh,
                "ui/src/ipc/bindings/{} is out of date; run UPDATE_BINDINGS=1 cargo test -p callside-app",
                name.to_string_lossy()
            );
        }
        std::fs::remove_dir_all(generated).ok();
    }

    #[test]
    fn an_error_crosses_with_its_english_and_its_text() {
        let error = IpcError::from(Error::InvalidInput(Text::NotARating {
            input: callside_core::text::quoted("Lukewarm"),
        }));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "InvalidInput");
        assert_eq!(
            json["message"],
            "\"Lukewarm\" is not a rating; use Hot, Warm or Cold."
        );
        assert_eq!(
            json["text"],
            serde_json::json!({"key": "NotARating", "params": {"input": "\"Lukewarm\""}})
        );
        // An administrator's settings problem has no text: the UI shows the message.
        let settings = IpcError::from(Error::Config("policy.toml:1:1: problem".into()));
        assert_eq!(
            serde_json::to_value(&settings).unwrap()["text"],
            serde_json::Value::Null
        );
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("callside-bindings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
