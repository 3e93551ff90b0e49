//! The tray icon: Show/Hide and Quit. While it is there, closing the window hides it to
//! the tray (a rep keeps Callside all day and a ringing call brings it back); Quit ends
//! the app. Where no tray can be made, closing the window quits as usual.
//!
//! On Linux the tray is an AppIndicator, which offers its menu on any click; elsewhere a
//! left click shows or hides the window.

use std::panic::AssertUnwindSafe;

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::inbox::show_main_window;
use crate::texts::Texts;

const TOGGLE: &str = "toggle";
const QUIT: &str = "quit";

/// Makes the tray icon; false when there is none (no tray library on this system).
pub fn install<R: Runtime>(app: &AppHandle<R>, texts: &Texts) -> bool {
    // The Linux tray library is loaded at run time and panics when it is missing.
    match std::panic::catch_unwind(AssertUnwindSafe(|| build(app, texts))) {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::warn!("no tray icon: {error}");
            false
        }
        Err(_) => {
            tracing::warn!("no tray icon: the system's tray library could not be loaded");
            false
        }
    }
}

fn build<R: Runtime>(app: &AppHandle<R>, texts: &Texts) -> tauri::Result<()> {
    let toggle = MenuItem::with_id(app, TOGGLE, texts.show_hide, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, texts.quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&toggle, &quit])?;
    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip("Callside")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            TOGGLE => toggle_main_window(app),
            QUIT => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                toggle_main_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Hides the window when it is in view, else brings it up.
pub fn toggle_main_window<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let in_view = window.is_visible().unwrap_or(false) && !window.is_minimized().unwrap_or(false);
    if in_view {
        if let Err(error) = window.hide() {
            tracing::debug!("the window could not hide: {error}");
        }
    } else {
        show_main_window(app);
    }
}
