//! The few words the shell shows itself (tray menu, notifications, notices), in the
//! app's languages. The window's own words live in the UI (`ui/src/i18n`).

/// The languages Callside speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    English,
    German,
}

impl Language {
    /// `"de"`, `"de-DE"`, `"de_DE.UTF-8"` → German; `"en..."` → English; else none.
    pub fn parse(text: &str) -> Option<Language> {
        let code = text
            .trim()
            .split(['-', '_', '.', '@'])
            .next()?
            .to_ascii_lowercase();
        match code.as_str() {
            "de" => Some(Language::German),
            "en" => Some(Language::English),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
        }
    }

    /// The configured language, else the system locale's (`LC_ALL`, `LC_MESSAGES`,
    /// `LANG`), else English.
    pub fn resolve(configured: Option<&str>, lookup: impl Fn(&str) -> Option<String>) -> Language {
        configured
            .and_then(Language::parse)
            .or_else(|| {
                ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .iter()
                    .filter_map(|name| lookup(name))
                    .find(|value| !value.is_empty())
                    .and_then(|value| Language::parse(&value))
            })
            .unwrap_or(Language::English)
    }
}

/// The shell's words in one language.
pub struct Texts {
    pub show_hide: &'static str,
    pub quit: &'static str,
    pub incoming_call: &'static str,
    pub outgoing_call: &'static str,
    pub unknown_caller: &'static str,
    pub lookup_failed: &'static str,
    /// `{shortcut}` is the key combination as written.
    pub shortcut_invalid: &'static str,
    pub shortcut_taken: &'static str,
    /// `{why}` is the system's reason.
    pub shortcut_failed: &'static str,
}

pub fn texts(language: Language) -> &'static Texts {
    match language {
        Language::English => &Texts {
            show_hide: "Show/Hide Callside",
            quit: "Quit Callside",
            incoming_call: "Incoming call",
            outgoing_call: "Outgoing call",
            unknown_caller: "Unknown caller",
            lookup_failed: "The caller could not be looked up",
            shortcut_invalid: "The shortcut \"{shortcut}\" is not a key combination such as Ctrl+Alt+K; set focus_shortcut in the config file.",
            shortcut_taken: "The shortcut {shortcut} is taken by another app; choose another with focus_shortcut in the config file.",
            shortcut_failed: "The shortcut {shortcut} could not be set up: {why}",
        },
        Language::German => &Texts {
            show_hide: "Callside zeigen/verbergen",
            quit: "Callside beenden",
            incoming_call: "Eingehender Anruf",
            outgoing_call: "Ausgehender Anruf",
            unknown_caller: "Unbekannter Anrufer",
            lookup_failed: "Der Anrufer konnte nicht gesucht werden",
            shortcut_invalid: "Das Tastenkürzel \"{shortcut}\" ist keine Tastenkombination wie Strg+Alt+K; legen Sie focus_shortcut in der Konfigurationsdatei fest.",
            shortcut_taken: "Das Tastenkürzel {shortcut} belegt schon eine andere App; wählen Sie mit focus_shortcut in der Konfigurationsdatei ein anderes.",
            shortcut_failed: "Das Tastenkürzel {shortcut} konnte nicht eingerichtet werden: {why}",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_come_from_the_setting_then_the_locale() {
        assert_eq!(Language::parse("de-DE"), Some(Language::German));
        assert_eq!(Language::parse("de_AT.UTF-8"), Some(Language::German));
        assert_eq!(Language::parse("EN"), Some(Language::English));
        assert_eq!(Language::parse("fr"), None);
        let german_locale = |name: &str| (name == "LANG").then(|| "de_DE.UTF-8".to_string());
        assert_eq!(Language::resolve(None, german_locale), Language::German);
        assert_eq!(
            Language::resolve(Some("en"), german_locale),
            Language::English
        );
        // An unknown setting falls back to the locale, an unknown locale to English.
        assert_eq!(
            Language::resolve(Some("xx"), german_locale),
            Language::German
        );
        assert_eq!(
            Language::resolve(None, |_| Some("C.UTF-8".into())),
            Language::English
        );
    }
}
