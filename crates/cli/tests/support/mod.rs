//! Runs the `callside` binary against a fake org, with settings from the environment as
//! documented and the demo org's browser stand-in.

#![allow(dead_code)] // each test binary uses its own part

use std::path::Path;
use std::process::{Output, Stdio};

use callside_fake_org::{FakeOrg, DEMO_CLIENT_ID};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Cli {
    pub org: FakeOrg,
    pub data_dir: tempfile::TempDir,
    pub callback_port: u16,
}

impl Cli {
    pub async fn new() -> Cli {
        Cli {
            org: FakeOrg::start(0).await.unwrap(),
            data_dir: tempfile::tempdir().unwrap(),
            callback_port: free_port(),
        }
    }

    /// `callside ARGS`, ready to spawn.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_callside"));
        command
            .args(args)
            .env("CALLSIDE_LOGIN_URL", self.org.base_url())
            .env("CALLSIDE_CLIENT_ID", DEMO_CLIENT_ID)
            .env("CALLSIDE_CALLBACK_PORT", self.callback_port.to_string())
            .env("CALLSIDE_DATA_DIR", self.data_dir.path())
            .env("CALLSIDE_CONFIG", self.data_dir.path().join("none.toml"))
            .env(
                "CALLSIDE_POLICY",
                self.data_dir.path().join("no-policy.toml"),
            )
            .env("CALLSIDE_REGION", "US")
            .env(
                "BROWSER",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/support/headless-browser"),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs `callside ARGS` to the end.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().await.unwrap()
    }
}
