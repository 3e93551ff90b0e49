// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread starts: the environment is read by WebKit as the window opens.
    callside_app::webview::prepare_environment();
    callside_app::run();
}
