//! The global shortcut (default Ctrl+Alt+K, setting `focus_shortcut`): from any app it
//! shows and focuses the window and puts the cursor in the number field. A shortcut
//! that cannot be registered (another app holds it, or it is mistyped) leaves the app
//! running and is reported to the rep as a notice.

use std::str::FromStr;

use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::inbox::show_main_window;
use crate::ipc::FOCUS_NUMBER;
use crate::texts::{texts, Language, Texts};

pub const DEFAULT_FOCUS_SHORTCUT: &str = "Ctrl+Alt+K";

/// Why the shortcut is not there, in words for the rep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShortcutProblem {
    Invalid(String),
    Taken(String),
    Failed(String, String),
}

impl ShortcutProblem {
    /// The problem in the rep's language.
    pub fn describe(&self, texts: &Texts) -> String {
        match self {
            ShortcutProblem::Invalid(text) => texts.shortcut_invalid.replace("{shortcut}", text),
            ShortcutProblem::Taken(text) => texts.shortcut_taken.replace("{shortcut}", text),
            ShortcutProblem::Failed(text, why) => texts
                .shortcut_failed
                .replace("{shortcut}", text)
                .replace("{why}", why),
        }
    }
}

impl std::fmt::Display for ShortcutProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(texts(Language::English)))
    }
}

/// Checks a shortcut as written (`"Ctrl+Alt+K"`, `"CommandOrControl+Shift+F9"`).
pub fn parse(text: &str) -> Result<Shortcut, ShortcutProblem> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return Err(ShortcutProblem::Invalid(text.to_string()));
    }
    let shortcut =
        Shortcut::from_str(text).map_err(|_| ShortcutProblem::Invalid(text.to_string()))?;
    // A plain key would swallow that key everywhere.
    if shortcut.mods.is_empty() {
        return Err(ShortcutProblem::Invalid(text.to_string()));
    }
    Ok(shortcut)
}

/// What a registration error means (the plugin reports the system's answer as text).
pub fn classify(text: &str, error: &str) -> ShortcutProblem {
    if error.contains("already registered") {
        ShortcutProblem::Taken(text.to_string())
    } else {
        ShortcutProblem::Failed(text.to_string(), error.to_string())
    }
}

/// Registers the focus shortcut; on a press it shows the window and asks the UI to
/// focus the number field.
pub fn register<R: Runtime>(app: &AppHandle<R>, text: &str) -> Result<(), ShortcutProblem> {
    let shortcut = parse(text)?;
    app.global_shortcut()
        .on_shortcut(shortcut, |app, _shortcut, event| {
            if event.state == ShortcutState::Pressed {
                show_main_window(app);
                if let Err(error) = app.emit(FOCUS_NUMBER, ()) {
                    tracing::warn!("the window was not asked to focus the number: {error}");
                }
            }
        })
        .map_err(|error| classify(text.trim(), &error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_checked_before_registering() {
        assert!(parse(DEFAULT_FOCUS_SHORTCUT).is_ok());
        assert!(parse(" CommandOrControl+Shift+F9 ").is_ok());
        for bad in ["", "K", "Ctrl+", "Ctrl+Alt+Nope", "Ctrl+K+L"] {
            let problem = parse(bad).unwrap_err();
            assert!(matches!(problem, ShortcutProblem::Invalid(_)), "{bad}");
            assert!(problem.to_string().contains("focus_shortcut"), "{problem}");
        }
    }

    #[test]
    fn a_shortcut_held_by_another_app_says_so() {
        let taken = classify(
            "Ctrl+Alt+K",
            "HotKey already registered: HotKey { mods: ALT | CONTROL, key: KeyK, id: 1 }",
        );
        assert_eq!(taken, ShortcutProblem::Taken("Ctrl+Alt+K".into()));
        assert_eq!(
            taken.to_string(),
            "The shortcut Ctrl+Alt+K is taken by another app; choose another with focus_shortcut in the config file."
        );
        let other = classify("Ctrl+Alt+K", "Unable to register hotkey: no display");
        assert!(other.to_string().contains("no display"));
        assert_eq!(
            taken.describe(texts(Language::German)),
            "Das Tastenkürzel Ctrl+Alt+K belegt schon eine andere App; wählen Sie mit focus_shortcut in der Konfigurationsdatei ein anderes."
        );
        assert!(parse("K")
            .unwrap_err()
            .describe(texts(Language::German))
            .contains("\"K\""));
    }
}
