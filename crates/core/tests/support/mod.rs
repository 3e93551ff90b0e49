//! What the core's test binaries and benchmark share: a free port, a browser stand-in
//! for the demo org's sign-in, and settings pointing at a fake org.

#![allow(dead_code)] // each binary uses its own part

use callside_core::{Settings, SettingsInput};
use callside_fake_org::{FakeOrg, DEMO_CLIENT_ID};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A browser that follows the authorize URL's redirects, as a person approving would.
pub fn curl(url: String) -> callside_core::salesforce::Result<()> {
    let status = std::process::Command::new("curl")
        .args([
            "--silent",
            "--location",
            "--max-time",
            "20",
            "--output",
            "/dev/null",
            &url,
        ])
        .status()
        .expect("curl runs");
    assert!(status.success(), "the browser stand-in failed: {status}");
    Ok(())
}

/// Settings for a fake org, a data directory and a default region.
pub fn settings(org: &FakeOrg, data_dir: &std::path::Path, region: &str) -> Settings {
    Settings::from_layers(SettingsInput {
        login_url: Some(org.base_url()),
        client_id: Some(DEMO_CLIENT_ID.into()),
        callback_port: Some(free_port()),
        data_dir: Some(data_dir.to_path_buf()),
        region: Some(region.into()),
        ..SettingsInput::default()
    })
    .unwrap()
}
