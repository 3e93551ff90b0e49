//! Where calls reported from outside the window (deep links, the call-event endpoint)
//! go: to the webview as `call-event` events. Until the UI has subscribed (it calls
//! `take_call_events` once it listens), they wait here, so a link that started the app
//! is not lost while the page loads.

use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::ipc::{CallEvent, CallEventKind, CALL_EVENT};
use crate::notify::{main_window_hidden, CallNotifier};

/// At most this many events wait for the UI; older ones are dropped first.
const MAX_WAITING: usize = 32;

#[derive(Default)]
pub struct CallInbox {
    state: Mutex<InboxState>,
}

#[derive(Default)]
struct InboxState {
    ui_listening: bool,
    waiting: Vec<CallEvent>,
}

impl InboxState {
    /// Keeps the event while the UI is not listening yet; true when it should be emitted.
    fn keep_or_pass(&mut self, event: &CallEvent) -> bool {
        if self.ui_listening {
            return true;
        }
        if self.waiting.len() >= MAX_WAITING {
            self.waiting.remove(0);
        }
        self.waiting.push(event.clone());
        false
    }
}

impl CallInbox {
    /// The events that came before the UI listened; from now on they are emitted.
    pub fn take(&self) -> Vec<CallEvent> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.ui_listening = true;
        std::mem::take(&mut state.waiting)
    }

    /// Hands a call event to the UI; a ringing call also brings the window to the front.
    pub fn deliver<R: Runtime>(&self, app: &AppHandle<R>, event: CallEvent) {
        tracing::debug!(kind = ?event.kind, "call event");
        if event.kind == CallEventKind::Ringing {
            // Out of sight, the caller's name will be announced when the window pops it.
            if let Some(notifier) = app.try_state::<CallNotifier>() {
                notifier.ringing(&event.number, event.direction, main_window_hidden(app));
            }
            show_main_window(app);
        }
        // Emitting under the lock keeps the order with `take`: nothing is both kept and
        // emitted, and nothing is emitted before what was kept.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.keep_or_pass(&event) {
            if let Err(error) = app.emit(CALL_EVENT, event) {
                tracing::warn!("the call event was not delivered to the window: {error}");
            }
        }
    }
}

/// Shows, unminimizes and focuses the main window.
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    for (what, result) in [
        ("unminimize", window.unminimize()),
        ("show", window.show()),
        ("focus", window.set_focus()),
    ] {
        if let Err(error) = result {
            tracing::debug!("the window could not {what}: {error}");
        }
    }
}

/// Called by the UI once it listens for `call-event`: the events that came before.
#[tauri::command]
pub fn take_call_events(inbox: State<'_, CallInbox>) -> Vec<CallEvent> {
    inbox.take()
}

#[cfg(test)]
mod tests {
    use callside_core::CallDirection;

    use super::*;

    fn ringing(number: &str) -> CallEvent {
        CallEvent {
            kind: CallEventKind::Ringing,
            number: number.into(),
            direction: CallDirection::Inbound,
        }
    }

    fn offer(inbox: &CallInbox, event: CallEvent) -> bool {
        inbox.state.lock().unwrap().keep_or_pass(&event)
    }

    #[test]
    fn events_wait_until_the_ui_listens_then_are_emitted() {
        let inbox = CallInbox::default();
        assert!(!offer(&inbox, ringing("1")));
        assert!(!offer(&inbox, ringing("2")));
        assert_eq!(inbox.take(), vec![ringing("1"), ringing("2")]);
        assert!(offer(&inbox, ringing("3")));
        assert!(inbox.take().is_empty());
    }

    #[test]
    fn only_the_latest_events_wait() {
        let inbox = CallInbox::default();
        for n in 0..(MAX_WAITING + 5) {
            offer(&inbox, ringing(&n.to_string()));
        }
        let waiting = inbox.take();
        assert_eq!(waiting.len(), MAX_WAITING);
        assert_eq!(waiting[0].number, "5");
    }
}
