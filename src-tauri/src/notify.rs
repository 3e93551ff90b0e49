//! A desktop notification with the caller's name when a call rings while the window is
//! hidden or minimised. The decision is made here, in Rust: a ringing call while hidden
//! marks its number, and when the window's pop of that number answers, the notification
//! names the best match (or says the caller is unknown, or that the lookup failed). The
//! webview has no notification permission; the notification plugin is used from Rust only.

use std::sync::Mutex;

use callside_core::{CallDirection, LookupResult};
use tauri::{AppHandle, Runtime};

use crate::texts::Texts;

/// Shows a notification (the notification plugin; a recorder in tests).
pub trait NotificationSender: Send + Sync {
    fn send(&self, title: &str, body: &str);
}

/// What a notification says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// A ringing call whose pop should be announced.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Waiting {
    number: String,
    direction: CallDirection,
}

pub struct CallNotifier {
    sender: Box<dyn NotificationSender>,
    texts: &'static Texts,
    waiting: Mutex<Option<Waiting>>,
}

impl CallNotifier {
    pub fn new(sender: Box<dyn NotificationSender>, texts: &'static Texts) -> CallNotifier {
        CallNotifier {
            sender,
            texts,
            waiting: Mutex::new(None),
        }
    }

    /// A call rings. With the window hidden or minimised, its pop will be announced;
    /// with the window in view, the window itself shows the caller.
    pub fn ringing(&self, number: &str, direction: CallDirection, window_hidden: bool) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        *waiting = window_hidden.then(|| Waiting {
            number: number.trim().to_string(),
            direction,
        });
    }

    /// The window popped `number` (as the UI sent it): announces it if a hidden ringing
    /// call is waiting for it. Returns what was sent.
    pub fn popped(&self, number: &str, outcome: Result<&LookupResult, &str>) -> Option<Notice> {
        let waiting = {
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            match waiting.as_ref() {
                Some(w) if w.number == number.trim() => waiting.take()?,
                _ => return None,
            }
        };
        let title = match waiting.direction {
            CallDirection::Inbound => self.texts.incoming_call,
            CallDirection::Outbound => self.texts.outgoing_call,
        };
        let body = match outcome {
            Ok(result) => match result.matches.first() {
                // A name the device does not keep (names are sensitive, and this answer
                // came from the cache): the number stands in for it.
                Some(best) if best.name_withheld => match best.company.as_deref() {
                    Some(company) if !company.is_empty() => {
                        format!("{} · {company}", result.number)
                    }
                    _ => result.number.clone(),
                },
                Some(best) => match best.company.as_deref() {
                    Some(company) if !company.is_empty() && company != best.name => {
                        format!("{} · {company}", best.name)
                    }
                    _ => best.name.clone(),
                },
                None => format!("{} · {}", self.texts.unknown_caller, result.number),
            },
            Err(_) => format!("{} · {}", waiting.number, self.texts.lookup_failed),
        };
        let notice = Notice {
            title: format!("{title} · Callside"),
            body,
        };
        self.sender.send(&notice.title, &notice.body);
        Some(notice)
    }
}

/// Whether the main window is out of sight: hidden (to the tray) or minimised.
pub fn main_window_hidden<R: Runtime>(app: &AppHandle<R>) -> bool {
    use tauri::Manager;
    match app.get_webview_window("main") {
        Some(window) => {
            !window.is_visible().unwrap_or(true) || window.is_minimized().unwrap_or(false)
        }
        None => true,
    }
}

/// Sends through the notification plugin (a D-Bus notification on Linux). A missing
/// notification service is logged by the plugin, never fatal.
pub struct PluginSender<R: Runtime> {
    pub app: AppHandle<R>,
}

impl<R: Runtime> NotificationSender for PluginSender<R> {
    fn send(&self, title: &str, body: &str) {
        use tauri_plugin_notification::NotificationExt;
        if let Err(error) = self
            .app
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show()
        {
            tracing::warn!("the call notification was not shown: {error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use callside_core::{CallerMatch, LookupSource, RecordType};

    use super::*;
    use crate::texts::{texts, Language};

    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<(String, String)>>>);

    impl NotificationSender for Recorder {
        fn send(&self, title: &str, body: &str) {
            self.0.lock().unwrap().push((title.into(), body.into()));
        }
    }

    fn notifier(language: Language) -> (CallNotifier, Recorder) {
        let recorder = Recorder::default();
        (
            CallNotifier::new(Box::new(recorder.clone()), texts(language)),
            recorder,
        )
    }

    fn result(names: &[(&str, Option<&str>)]) -> LookupResult {
        LookupResult {
            number: "+17205550111".into(),
            source: LookupSource::Salesforce,
            fetched_at: "2026-01-01T00:00:00Z".into(),
            matches: names
                .iter()
                .map(|(name, company)| CallerMatch {
                    record_type: RecordType::Contact,
                    id: "003000000000001AAA".into(),
                    name: name.to_string(),
                    name_withheld: false,
                    title: None,
                    company: company.map(str::to_string),
                    account_id: None,
                    phone: None,
                    status: None,
                    rating: None,
                    lead_source: None,
                    owner: None,
                    opportunities: Vec::new(),
                    cases: Vec::new(),
                    activities: Vec::new(),
                    email: None,
                    account: None,
                    panels: None,
                })
                .collect(),
            related_loaded: false,
        }
    }

    #[test]
    fn a_call_ringing_while_hidden_is_announced_with_the_looked_up_name() {
        let (notifier, sent) = notifier(Language::English);
        notifier.ringing(" +1 720 555 0111 ", CallDirection::Inbound, true);
        let popped = result(&[
            ("Dana Whitfield", Some("Summit Outfitters")),
            ("Other", None),
        ]);
        let notice = notifier.popped("+1 720 555 0111", Ok(&popped)).unwrap();
        assert_eq!(notice.title, "Incoming call · Callside");
        assert_eq!(notice.body, "Dana Whitfield · Summit Outfitters");
        assert_eq!(
            *sent.0.lock().unwrap(),
            vec![(notice.title.clone(), notice.body.clone())]
        );
        // Once only: a later pop of the same number (a re-pop after an action) is quiet.
        assert!(notifier.popped("+1 720 555 0111", Ok(&popped)).is_none());
        assert_eq!(sent.0.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_name_the_device_does_not_keep_is_not_announced_from_the_cache() {
        let (notifier, _sent) = notifier(Language::English);
        notifier.ringing("+17205550111", CallDirection::Inbound, true);
        let mut cached = result(&[("", Some("Summit Outfitters"))]);
        cached.source = LookupSource::Cache;
        cached.matches[0].name_withheld = true;
        let notice = notifier.popped("+17205550111", Ok(&cached)).unwrap();
        assert_eq!(notice.body, "+17205550111 · Summit Outfitters");
    }

    #[test]
    fn a_call_ringing_while_the_window_is_in_view_is_not_announced() {
        let (notifier, sent) = notifier(Language::English);
        notifier.ringing("+17205550111", CallDirection::Inbound, false);
        assert!(notifier
            .popped("+17205550111", Ok(&result(&[("Dana Whitfield", None)])))
            .is_none());
        assert!(sent.0.lock().unwrap().is_empty());
    }

    #[test]
    fn only_the_ringing_number_is_announced() {
        let (notifier, sent) = notifier(Language::English);
        notifier.ringing("+17205550111", CallDirection::Inbound, true);
        // The rep looked up another number meanwhile: not the call that rang.
        assert!(notifier
            .popped("+17205550133", Ok(&result(&[("Priya Raman", None)])))
            .is_none());
        // A newer call in view replaces the hidden one.
        notifier.ringing("+17205550133", CallDirection::Inbound, false);
        assert!(notifier
            .popped("+17205550111", Ok(&result(&[("Dana Whitfield", None)])))
            .is_none());
        assert!(sent.0.lock().unwrap().is_empty());
    }

    #[test]
    fn unknown_callers_and_failed_lookups_are_announced_too_in_german() {
        let (notifier, sent) = notifier(Language::German);
        notifier.ringing("+17205550199", CallDirection::Outbound, true);
        let notice = notifier.popped("+17205550199", Ok(&result(&[]))).unwrap();
        assert_eq!(notice.title, "Ausgehender Anruf · Callside");
        assert_eq!(notice.body, "Unbekannter Anrufer · +17205550111");
        notifier.ringing("+17205550199", CallDirection::Inbound, true);
        let notice = notifier.popped("+17205550199", Err("offline")).unwrap();
        assert_eq!(notice.title, "Eingehender Anruf · Callside");
        assert_eq!(
            notice.body,
            "+17205550199 · Der Anrufer konnte nicht gesucht werden"
        );
        assert_eq!(sent.0.lock().unwrap().len(), 2);
    }
}
