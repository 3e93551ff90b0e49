//! The Salesforce client against the fake org over real HTTP on 127.0.0.1.
//!
//! One test binary; each module covers one part of the client.

mod composite;
mod queries;
mod records;
mod retries;
mod session;

use std::sync::Arc;
use std::time::Duration;

use callside_fake_org::{FakeOrg, LoggedRequest, DEMO_CLIENT_ID};
use callside_salesforce::oauth::{self, OAuthConfig};
use callside_salesforce::{
    Error, MemoryStore, RetryPolicy, SalesforceClient, StoredSession, API_VERSION,
};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn config(org: &FakeOrg) -> OAuthConfig {
    OAuthConfig {
        login_url: org.base_url().parse().unwrap(),
        client_id: DEMO_CLIENT_ID.into(),
        callback_port: free_port(),
        timeout: Duration::from_secs(20),
    }
}

/// A browser that follows the authorize URL's redirects, as a person approving would.
pub fn curl(url: &str) -> callside_salesforce::Result<()> {
    let status = std::process::Command::new("curl")
        .args([
            "--silent",
            "--location",
            "--max-time",
            "20",
            "--output",
            "/dev/null",
            url,
        ])
        .status()
        .map_err(|e| Error::SignIn(e.to_string()))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::SignIn(format!("curl: {status}")))
    }
}

pub async fn signed_in(org: &FakeOrg) -> (OAuthConfig, StoredSession) {
    let config = config(org);
    let session = oauth::sign_in(&config, |url| curl(&url)).await.unwrap();
    (config, session)
}

/// Retries that wait milliseconds, not seconds.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().with_delays(Duration::from_millis(10), Duration::from_millis(40))
}

/// A signed-in client of `org` with quick retries.
pub async fn client(org: &FakeOrg) -> SalesforceClient {
    let (config, session) = signed_in(org).await;
    SalesforceClient::new(
        config,
        Arc::new(MemoryStore::default()),
        "key".into(),
        session,
    )
    .unwrap()
    .with_retry_policy(quick_retries())
}

pub fn token_requests(org: &FakeOrg) -> usize {
    org.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/services/oauth2/token")
        .count()
}

/// `/services/data/vNN.N/{resource}` as this client sends it.
pub fn rest_path(resource: &str) -> String {
    format!("/services/data/v{API_VERSION}/{resource}")
}

/// The requests the org received with `method` on exactly `path`.
pub fn requests_to(org: &FakeOrg, method: &str, path: &str) -> Vec<LoggedRequest> {
    org.request_log()
        .into_iter()
        .filter(|r| r.method == method && r.path.trim_end_matches('/') == path)
        .collect()
}

/// The REST requests (under `/services/data/`) the org received.
pub fn rest_requests(org: &FakeOrg) -> Vec<LoggedRequest> {
    org.request_log()
        .into_iter()
        .filter(|r| r.path.starts_with("/services/data/"))
        .collect()
}

/// The id of the first seeded Lead (by name) with its `LastModifiedDate`.
pub async fn first_lead(client: &SalesforceClient) -> (String, String) {
    let result = client
        .query("SELECT Id, LastModifiedDate FROM Lead ORDER BY Name LIMIT 1")
        .await
        .unwrap();
    let lead = &result.records[0];
    (
        lead["Id"].as_str().unwrap().to_string(),
        lead["LastModifiedDate"].as_str().unwrap().to_string(),
    )
}
