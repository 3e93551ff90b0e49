// An empty window: the page and nothing else.
fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the window could not start");
}
