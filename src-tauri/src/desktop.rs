//! What the shell set up around the window (the focus shortcut, the tray, the language),
//! for the UI to show.

use std::sync::Mutex;

use tauri::State;

use crate::ipc::DesktopInfo;

#[derive(Default)]
pub struct DesktopState {
    info: Mutex<DesktopInfo>,
}

impl DesktopState {
    pub fn new(info: DesktopInfo) -> DesktopState {
        DesktopState {
            info: Mutex::new(info),
        }
    }

    pub fn get(&self) -> DesktopInfo {
        self.info.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The language setting, the focus shortcut and whether it works, and whether the tray
/// is there (closing the window then hides it).
#[tauri::command]
pub fn desktop_info(state: State<'_, DesktopState>) -> DesktopInfo {
    state.get()
}

/// Sets up what surrounds the window: the call notifications, the tray (and closing to
/// it), and the focus shortcut. Nothing here stops the app from starting.
pub fn setup<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    focus_shortcut: Option<String>,
    language: Option<String>,
) {
    use tauri::Manager;

    use crate::notify::{CallNotifier, PluginSender};
    use crate::texts::{texts, Language};

    let spoken = Language::resolve(language.as_deref(), |name| std::env::var(name).ok());
    let words = texts(spoken);
    app.manage(CallNotifier::new(
        Box::new(PluginSender { app: app.clone() }),
        words,
    ));

    let tray = crate::tray::install(app, words);
    tracing::debug!(tray, "tray icon");

    let shortcut = focus_shortcut
        .unwrap_or_else(|| crate::shortcut::DEFAULT_FOCUS_SHORTCUT.to_string())
        .trim()
        .to_string();
    let shortcut_problem = match crate::shortcut::register(app, &shortcut) {
        Ok(()) => None,
        Err(problem) => {
            tracing::warn!("{problem}");
            Some(problem.describe(words))
        }
    };
    let configured = language.as_deref().and_then(Language::parse);
    if language.is_some() && configured.is_none() {
        tracing::warn!(
            "the language setting {language:?} is not one of en, de; the system's is used"
        );
    }
    app.manage(DesktopState::new(DesktopInfo {
        language: configured.map(|l| l.code().to_string()),
        focus_shortcut: shortcut,
        shortcut_problem,
        tray,
    }));
}

/// While there is a tray icon, closing the main window hides it there (Quit in the
/// tray menu ends the app); without one, closing quits as usual.
pub fn on_window_event<R: tauri::Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    use tauri::Manager;

    let tauri::WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let tray = window
        .try_state::<DesktopState>()
        .is_some_and(|state| state.get().tray);
    if window.label() == "main" && tray {
        api.prevent_close();
        if let Err(error) = window.hide() {
            tracing::warn!("the window could not hide to the tray: {error}");
        }
    }
}
