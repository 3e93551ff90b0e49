//! The main window's permissions are exactly the app's commands: every command
//! registered in `generate_handler!` has an `allow-<command>` permission from the app
//! manifest (build.rs) and is granted in capabilities/default.json, which grants nothing
//! else but listening to events.

use std::collections::BTreeSet;

const LIB: &str = include_str!("lib.rs");
const BUILD: &str = include_str!("../build.rs");
const CAPABILITY: &str = include_str!("../capabilities/default.json");

/// The last path segment of each entry of `generate_handler![...]`.
fn registered() -> BTreeSet<String> {
    let start = LIB
        .find("generate_handler![")
        .expect("lib.rs registers commands")
        + "generate_handler![".len();
    let end = start + LIB[start..].find(']').expect("the list ends");
    LIB[start..end]
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| entry.rsplit("::").next().unwrap_or(entry).to_string())
        .collect()
}

/// The quoted names in build.rs's `COMMANDS`.
fn in_manifest() -> BTreeSet<String> {
    let start = BUILD
        .find("const COMMANDS")
        .expect("build.rs lists COMMANDS");
    let end = start + BUILD[start..].find("];").expect("the list ends");
    BUILD[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn granted() -> Vec<String> {
    let capability: serde_json::Value =
        serde_json::from_str(CAPABILITY).expect("default.json is JSON");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    capability["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .map(|p| p.as_str().expect("permissions are named").to_string())
        .collect()
}

#[test]
fn every_registered_command_is_in_the_manifest_and_granted_and_nothing_more() {
    let registered = registered();
    assert!(registered.len() > 10, "{registered:?}");
    assert_eq!(
        in_manifest(),
        registered,
        "build.rs COMMANDS must list exactly the commands in generate_handler!"
    );
    let granted = granted();
    let mut commands = BTreeSet::new();
    for permission in &granted {
        match permission.strip_prefix("allow-") {
            Some(command) => {
                assert!(
                    commands.insert(command.replace('-', "_")),
                    "{permission} twice"
                );
            }
            None => assert!(
                ["core:event:allow-listen", "core:event:allow-unlisten"]
                    .contains(&permission.as_str()),
                "the main window needs no {permission}"
            ),
        }
    }
    assert_eq!(
        commands, registered,
        "capabilities/default.json must grant allow-<command> for exactly the registered commands"
    );
}
