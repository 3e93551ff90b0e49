//! REST calls against one signed-in org.
//!
//! Every call carries a timeout. A call refused with `INVALID_SESSION_ID` (401) refreshes
//! the access token once and is retried once; concurrent failures share one refresh.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::oauth::{self, OAuthConfig};
use crate::token_store::{StoredSession, TokenStore};
use crate::API_VERSION;

/// API usage as reported by the `Sforce-Limit-Info` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiUsage {
    pub used: u64,
    pub limit: u64,
}

impl ApiUsage {
    /// Reads `api-usage=N/M` out of a `Sforce-Limit-Info` value, ignoring other parts.
    pub fn parse(header: &str) -> Option<ApiUsage> {
        header.split(';').find_map(|part| {
            let value = part.trim().strip_prefix("api-usage=")?;
            let (used, limit) = value.split_once('/')?;
            Some(ApiUsage {
                used: used.trim().parse().ok()?,
                limit: limit.trim().parse().ok()?,
            })
        })
    }
}

/// One page of a SOQL query result.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    pub total_size: u64,
    pub done: bool,
    pub records: Vec<Value>,
    #[serde(default)]
    pub next_records_url: Option<String>,
}

#[derive(Deserialize)]
struct SearchResponse {
    #[serde(rename = "searchRecords", default)]
    search_records: Vec<Value>,
}

#[derive(Deserialize)]
struct SaveResult {
    id: String,
}

/// A client for one org and one signed-in user.
pub struct SalesforceClient {
    http: reqwest::Client,
    oauth: OAuthConfig,
    store: Arc<dyn TokenStore>,
    store_key: String,
    session: tokio::sync::RwLock<StoredSession>,
    refresh_gate: tokio::sync::Mutex<()>,
    usage: Mutex<Option<ApiUsage>>,
}

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl SalesforceClient {
    pub fn new(
        oauth: OAuthConfig,
        store: Arc<dyn TokenStore>,
        store_key: String,
        session: StoredSession,
    ) -> Result<SalesforceClient> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("Callside/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(SalesforceClient {
            http,
            oauth,
            store,
            store_key,
            session: tokio::sync::RwLock::new(session),
            refresh_gate: tokio::sync::Mutex::new(()),
            usage: Mutex::new(None),
        })
    }

    /// The current session (tokens included; keep it inside the process).
    pub async fn session(&self) -> StoredSession {
        self.session.read().await.clone()
    }

    /// API usage from the most recent response, if any came.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        *self.usage.lock().unwrap()
    }

    /// `GET /query?q=`: the first page of a SOQL query.
    pub async fn query(&self, soql: &str) -> Result<QueryResult> {
        let body = self
            .send(Method::GET, &self.data_path("query"), &[("q", soql)], None)
            .await?;
        serde_json::from_str(&body).map_err(|e| Error::Decode(format!("query result: {e}")))
    }

    /// `GET /search?q=`: the records a SOSL search returns, all types mixed.
    pub async fn search(&self, sosl: &str) -> Result<Vec<Value>> {
        let body = self
            .send(Method::GET, &self.data_path("search"), &[("q", sosl)], None)
            .await?;
        let response: SearchResponse = serde_json::from_str(&body)
            .map_err(|e| Error::Decode(format!("search result: {e}")))?;
        Ok(response.search_records)
    }

    /// `POST /sobjects/{Type}`: creates a record and returns its id.
    pub async fn create(&self, sobject: &str, fields: &Value) -> Result<String> {
        let body = self
            .send(
                Method::POST,
                &self.data_path(&format!("sobjects/{sobject}")),
                &[],
                Some(fields),
            )
            .await?;
        let saved: SaveResult =
            serde_json::from_str(&body).map_err(|e| Error::Decode(format!("save result: {e}")))?;
        Ok(saved.id)
    }

    fn data_path(&self, resource: &str) -> String {
        format!("/services/data/v{API_VERSION}/{resource}")
    }

    /// Sends one request, refreshing the session once if Salesforce says it expired.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<String> {
        let mut refreshed = false;
        loop {
            let session = self.session().await;
            let url = format!("{}{path}", session.instance_url.trim_end_matches('/'));
            let mut request = self
                .http
                .request(method.clone(), url)
                .bearer_auth(session.access_token.expose())
                .header("Accept", "application/json");
            if !query.is_empty() {
                request = request.query(query);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let started = std::time::Instant::now();
            let response = request.send().await.map_err(Error::from_reqwest)?;
            let status = response.status().as_u16();
            if let Some(usage) = response
                .headers()
                .get("Sforce-Limit-Info")
                .and_then(|value| value.to_str().ok())
                .and_then(ApiUsage::parse)
            {
                *self.usage.lock().unwrap() = Some(usage);
            }
            let text = response.text().await.map_err(Error::from_reqwest)?;
            tracing::debug!(%method, path, status, elapsed_ms = started.elapsed().as_millis() as u64, "salesforce request");
            if (200..300).contains(&status) {
                return Ok(text);
            }
            let error = Error::from_response(status, &text);
            let session_expired = matches!(&error, Error::Api { code, .. } if code == "INVALID_SESSION_ID")
                || status == 401;
            if session_expired && !refreshed {
                self.refresh_after_failure(&session).await?;
                refreshed = true;
                continue;
            }
            return Err(error);
        }
    }

    /// Refreshes the access token unless another request already did since `failed` was used.
    async fn refresh_after_failure(&self, failed: &StoredSession) -> Result<()> {
        let _gate = self.refresh_gate.lock().await;
        let current = self.session().await;
        if current.access_token != failed.access_token {
            return Ok(());
        }
        let Some(refresh_token) = current.refresh_token.clone() else {
            return Err(Error::SignInRequired(
                "the session has no refresh token".into(),
            ));
        };
        tracing::info!("access token expired; refreshing");
        let refreshed = oauth::refresh(&self.oauth, &refresh_token).await?;
        let mut updated = current;
        updated.access_token = refreshed.access_token;
        if let Some(rotated) = refreshed.refresh_token {
            updated.refresh_token = Some(rotated);
        }
        if !refreshed.instance_url.is_empty() {
            updated.instance_url = refreshed.instance_url;
        }
        if let Err(error) = self.store.save(&self.store_key, &updated) {
            tracing::warn!("the refreshed session stays in memory only: {error}");
        }
        *self.session.write().await = updated;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_api_usage_from_every_known_header_form() {
        assert_eq!(
            ApiUsage::parse("api-usage=18/5000"),
            Some(ApiUsage {
                used: 18,
                limit: 5000
            })
        );
        assert_eq!(
            ApiUsage::parse("api-usage=25/5000; per-app-api-usage=17/250(appName=sample)"),
            Some(ApiUsage {
                used: 25,
                limit: 5000
            })
        );
        assert_eq!(ApiUsage::parse("per-app-api-usage=1/2"), None);
        assert_eq!(ApiUsage::parse("api-usage=x/5000"), None);
    }
}
