//! REST calls against one signed-in org.
//!
//! Every call carries a timeout. A call refused with `INVALID_SESSION_ID` (401) refreshes
//! the access token once and is retried once; concurrent failures share one refresh.
//! Calls that are safe to repeat are retried after transient failures as the client's
//! [`RetryPolicy`] says (see [`crate::retry`]). The API usage Salesforce reports on every
//! answer is kept and can be watched ([`SalesforceClient::watch_api_usage`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{
    HeaderMap, ACCEPT, DATE, IF_MODIFIED_SINCE, IF_UNMODIFIED_SINCE, LAST_MODIFIED,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::watch;

use crate::composite::{
    CompositeRequest, CompositeResponse, CompositeSubrequest, CompositeSubresponse, MAX_SUBREQUESTS,
};
use crate::describe::SObjectDescribe;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::oauth::{self, OAuthConfig};
use crate::retry::{Failure, RetryPolicy};
use crate::token_store::{StoredSession, TokenStore};
use crate::{http_date, API_VERSION};

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

/// A describe answer kept for the life of the client, with what is needed to ask
/// Salesforce whether it changed.
struct CachedDescribe {
    describe: Arc<SObjectDescribe>,
    /// `Last-Modified` of the answer, else its `Date`: the `If-Modified-Since` value.
    validator: Option<String>,
}

/// (API version, object name in lower case).
type DescribeKey = (String, String);

/// A client for one org and one signed-in user.
pub struct SalesforceClient {
    http: reqwest::Client,
    oauth: OAuthConfig,
    store: Arc<dyn TokenStore>,
    store_key: String,
    session: tokio::sync::RwLock<StoredSession>,
    refresh_gate: tokio::sync::Mutex<()>,
    usage: watch::Sender<Option<ApiUsage>>,
    retry: RetryPolicy,
    request_timeout: Duration,
    describes: Mutex<HashMap<DescribeKey, Arc<CachedDescribe>>>,
    /// Told of every request's family, duration and outcome ([`crate::health`]).
    observer: std::sync::RwLock<Option<crate::health::Observer>>,
}

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The Assignment Rule header (lower case, as `HeaderName` wants it). Salesforce runs
/// the active assignment rules on every Lead, Case or Account created or updated through
/// the REST API unless this says `FALSE`.
pub const AUTO_ASSIGN: &str = "sforce-auto-assign";

impl Call<'_> {
    fn family(&self) -> crate::health::Family {
        crate::health::Family::of(&self.method, &self.path)
    }
}

/// One REST request, kept whole so it can be sent again.
struct Call<'a> {
    method: Method,
    /// From `/services/data/` on.
    path: String,
    query: Vec<(&'a str, &'a str)>,
    body: Option<&'a Value>,
    headers: Vec<(reqwest::header::HeaderName, String)>,
}

impl<'a> Call<'a> {
    fn new(method: Method, path: String) -> Call<'a> {
        Call {
            method,
            path,
            query: Vec::new(),
            body: None,
            headers: Vec::new(),
        }
    }

    fn query(mut self, name: &'a str, value: &'a str) -> Self {
        self.query.push((name, value));
        self
    }

    fn body(mut self, body: &'a Value) -> Self {
        self.body = Some(body);
        self
    }

    fn header(mut self, name: reqwest::header::HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Reads may be repeated after they reached Salesforce; writes may not.
    fn idempotent(&self) -> bool {
        self.method == Method::GET || self.method == Method::HEAD
    }
}

/// A successful (2xx or 304) answer.
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T> {
        serde_json::from_str(&self.body).map_err(|e| Error::Decode(format!("{what}: {e}")))
    }
}

impl SalesforceClient {
    /// A client for the org and user of `session`. A refreshed session is saved to
    /// `store` under `store_key`. Retries follow [`RetryPolicy::default`] and each request
    /// times out after 30 s until changed with the `with_` methods.
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
            usage: watch::Sender::new(None),
            retry: RetryPolicy::default(),
            request_timeout: REQUEST_TIMEOUT,
            describes: Mutex::new(HashMap::new()),
            observer: std::sync::RwLock::new(None),
        })
    }

    /// Reports every request from now on to `observer` ([`crate::health`]).
    pub fn observe(&self, observer: crate::health::Observer) {
        *self.observer.write().unwrap_or_else(|e| e.into_inner()) = Some(observer);
    }

    /// Tells the observer about a request made for this session outside the client (the
    /// sign-in's, which come before the client exists).
    pub fn report_sample(&self, sample: &crate::health::RequestSample) {
        let observer = self
            .observer
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(observer) = observer {
            observer(sample);
        }
    }

    /// Revokes the session at the login server: the refresh token (which ends its access
    /// tokens too), else the access token.
    pub async fn revoke(&self) -> Result<()> {
        let session = self.session().await;
        let token = session
            .refresh_token
            .as_ref()
            .unwrap_or(&session.access_token);
        let started = std::time::Instant::now();
        let revoked = oauth::revoke(&self.oauth, token).await;
        self.report_sample(&oauth::auth_sample(started, revoked.as_ref().err()));
        revoked
    }

    /// Tells the observer about one request (see [`crate::health`]).
    fn report(
        &self,
        family: crate::health::Family,
        started: std::time::Instant,
        status: u16,
        failure: Option<&Error>,
    ) {
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let error_code = match failure {
            Some(error) => crate::health::error_code_of(error, status),
            None => None,
        };
        self.report_sample(&crate::health::RequestSample {
            family,
            at_ms: crate::health::now_ms() - elapsed_ms as i64,
            elapsed_ms,
            status,
            error_code,
            usage: *self.usage.borrow(),
        });
    }

    /// Replaces the retry policy ([`RetryPolicy::default`] unless set).
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the timeout of each single request (30 s unless set).
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The current session (tokens included; keep it inside the process).
    pub async fn session(&self) -> StoredSession {
        self.session.read().await.clone()
    }

    /// API usage from the most recent response, if any came.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        *self.usage.borrow()
    }

    /// A receiver that sees every change of [`SalesforceClient::api_usage`], for a live
    /// display; `changed().await` wakes up when a response reports a new figure.
    pub fn watch_api_usage(&self) -> watch::Receiver<Option<ApiUsage>> {
        self.usage.subscribe()
    }

    /// `GET /query?q=`: the first page of a SOQL query.
    pub async fn query(&self, soql: &str) -> Result<QueryResult> {
        self.query_page(
            Call::new(Method::GET, data_path("query")).query("q", soql),
            None,
        )
        .await
    }

    /// The first page of a SOQL query, asking for pages of `batch_size` records
    /// (`Sforce-Query-Options: batchSize=N`; Salesforce accepts 200 to 2,000 and treats
    /// the number as a wish, not a promise).
    pub async fn query_with_batch_size(&self, soql: &str, batch_size: u16) -> Result<QueryResult> {
        self.query_page(
            Call::new(Method::GET, data_path("query")).query("q", soql),
            Some(batch_size),
        )
        .await
    }

    /// The page behind a `nextRecordsUrl` of an earlier page.
    pub async fn query_more(&self, next_records_url: &str) -> Result<QueryResult> {
        self.query_page(
            Call::new(Method::GET, next_page_path(next_records_url)?),
            None,
        )
        .await
    }

    /// Every record of a SOQL query: the first page and every page behind
    /// `nextRecordsUrl`, in one [`QueryResult`] with `done` set. (Not Salesforce's
    /// `queryAll` resource: deleted and archived rows are not included.)
    pub async fn query_all(&self, soql: &str) -> Result<QueryResult> {
        self.collect_pages(soql, None).await
    }

    /// [`SalesforceClient::query_all`] with pages of `batch_size` records.
    pub async fn query_all_with_batch_size(
        &self,
        soql: &str,
        batch_size: u16,
    ) -> Result<QueryResult> {
        self.collect_pages(soql, Some(batch_size)).await
    }

    async fn collect_pages(&self, soql: &str, batch_size: Option<u16>) -> Result<QueryResult> {
        let first = self
            .query_page(
                Call::new(Method::GET, data_path("query")).query("q", soql),
                batch_size,
            )
            .await?;
        let mut all = QueryResult {
            total_size: first.total_size,
            done: true,
            records: first.records,
            next_records_url: None,
        };
        let mut next = if first.done {
            None
        } else {
            first.next_records_url
        };
        while let Some(url) = next {
            let page = self
                .query_page(Call::new(Method::GET, next_page_path(&url)?), batch_size)
                .await?;
            all.records.extend(page.records);
            next = if page.done {
                None
            } else {
                page.next_records_url
            };
        }
        Ok(all)
    }

    async fn query_page(&self, call: Call<'_>, batch_size: Option<u16>) -> Result<QueryResult> {
        let call = match batch_size {
            Some(size) => call.header(
                reqwest::header::HeaderName::from_static("sforce-query-options"),
                format!("batchSize={size}"),
            ),
            None => call,
        };
        self.send(call).await?.json("query result")
    }

    /// `GET /search?q=`: the records a SOSL search returns, all types mixed.
    pub async fn search(&self, sosl: &str) -> Result<Vec<Value>> {
        let reply = self
            .send(Call::new(Method::GET, data_path("search")).query("q", sosl))
            .await?;
        let response: SearchResponse = reply.json("search result")?;
        Ok(response.search_records)
    }

    /// `POST /sobjects/{Type}`: creates a record and returns its id.
    pub async fn create(&self, sobject: &str, fields: &Value) -> Result<String> {
        self.create_with(sobject, fields, &[]).await
    }

    /// [`SalesforceClient::create`] with request headers, such as
    /// [`AUTO_ASSIGN`]`: FALSE`.
    pub async fn create_with(
        &self,
        sobject: &str,
        fields: &Value,
        headers: &[(&'static str, &str)],
    ) -> Result<String> {
        check_name("object name", sobject)?;
        let mut call =
            Call::new(Method::POST, data_path(&format!("sobjects/{sobject}"))).body(fields);
        for (name, value) in headers {
            call = call.header(
                reqwest::header::HeaderName::from_static(name),
                value.to_string(),
            );
        }
        let reply = self.send(call).await?;
        let saved: SaveResult = reply.json("save result")?;
        Ok(saved.id)
    }

    /// `GET /sobjects/{Type}/{id}`: one record, with every field or only `fields`.
    pub async fn get(&self, sobject: &str, id: &str, fields: Option<&[&str]>) -> Result<Value> {
        let path = record_path(sobject, id)?;
        let list = fields.map(|fields| fields.join(","));
        let mut call = Call::new(Method::GET, path);
        if let Some(list) = &list {
            call = call.query("fields", list);
        }
        self.send(call).await?.json("record")
    }

    /// `PATCH /sobjects/{Type}/{id}`: changes the given fields.
    ///
    /// With `if_unmodified_since` (the record's `LastModifiedDate` exactly as Salesforce
    /// returned it, e.g. `2026-11-25T10:00:00.000+0000`) the change is made only if
    /// nobody changed the record since; otherwise Salesforce answers 412 and this returns
    /// [`Error::Conflict`].
    pub async fn update(
        &self,
        sobject: &str,
        id: &str,
        fields: &Value,
        if_unmodified_since: Option<&str>,
    ) -> Result<()> {
        self.update_with(sobject, id, fields, if_unmodified_since, &[])
            .await
    }

    /// [`SalesforceClient::update`] with request headers, such as
    /// [`AUTO_ASSIGN`]`: FALSE` (header names in lower case).
    pub async fn update_with(
        &self,
        sobject: &str,
        id: &str,
        fields: &Value,
        if_unmodified_since: Option<&str>,
        headers: &[(&'static str, &str)],
    ) -> Result<()> {
        let path = record_path(sobject, id)?;
        let mut call = Call::new(Method::PATCH, path).body(fields);
        for (name, value) in headers {
            call = call.header(
                reqwest::header::HeaderName::from_static(name),
                value.to_string(),
            );
        }
        if let Some(last_modified) = if_unmodified_since {
            let since = http_date::from_salesforce(last_modified).ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "{last_modified:?} is not a Salesforce datetime like 2026-11-25T10:00:00.000+0000"
                ))
            })?;
            call = call.header(IF_UNMODIFIED_SINCE, since);
        }
        self.send(call).await.map(drop)
    }

    /// `DELETE /sobjects/{Type}/{id}`: moves the record to the recycle bin.
    pub async fn delete(&self, sobject: &str, id: &str) -> Result<()> {
        let path = record_path(sobject, id)?;
        self.send(Call::new(Method::DELETE, path)).await.map(drop)
    }

    /// `GET /sobjects/{Type}/describe`, asked once per object and API version for the
    /// life of this client: later calls answer from memory without a request.
    pub async fn describe(&self, sobject: &str) -> Result<Arc<SObjectDescribe>> {
        check_name("object name", sobject)?;
        if let Some(cached) = self.cached_describe(sobject) {
            return Ok(cached.describe.clone());
        }
        self.fetch_describe(sobject, None).await
    }

    /// The describe of `sobject` if this client already holds it; never a request.
    pub fn describe_in_memory(&self, sobject: &str) -> Option<Arc<SObjectDescribe>> {
        self.cached_describe(sobject)
            .map(|cached| cached.describe.clone())
    }

    /// Asks Salesforce whether a cached describe is still current (`If-Modified-Since`)
    /// and replaces it if not; fetches it if it was not cached.
    pub async fn revalidate_describe(&self, sobject: &str) -> Result<Arc<SObjectDescribe>> {
        check_name("object name", sobject)?;
        let cached = self.cached_describe(sobject);
        self.fetch_describe(sobject, cached).await
    }

    /// Drops every cached describe (after a sign-in to another org, for instance).
    pub fn forget_describes(&self) {
        self.describes.lock().unwrap().clear();
    }

    fn describe_key(sobject: &str) -> DescribeKey {
        (API_VERSION.to_string(), sobject.to_ascii_lowercase())
    }

    fn cached_describe(&self, sobject: &str) -> Option<Arc<CachedDescribe>> {
        self.describes
            .lock()
            .unwrap()
            .get(&Self::describe_key(sobject))
            .cloned()
    }

    async fn fetch_describe(
        &self,
        sobject: &str,
        cached: Option<Arc<CachedDescribe>>,
    ) -> Result<Arc<SObjectDescribe>> {
        let mut call = Call::new(
            Method::GET,
            data_path(&format!("sobjects/{sobject}/describe")),
        );
        if let Some(validator) = cached.as_ref().and_then(|c| c.validator.clone()) {
            call = call.header(IF_MODIFIED_SINCE, validator);
        }
        let reply = self.send(call).await?;
        if reply.status == 304 {
            if let Some(cached) = cached {
                return Ok(cached.describe.clone());
            }
        }
        let raw: Value = reply.json("describe")?;
        let describe = Arc::new(
            SObjectDescribe::from_json(raw).map_err(|e| Error::Decode(format!("describe: {e}")))?,
        );
        let validator = [LAST_MODIFIED, DATE].iter().find_map(|name| {
            reply
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
        });
        self.describes.lock().unwrap().insert(
            Self::describe_key(sobject),
            Arc::new(CachedDescribe {
                describe: describe.clone(),
                validator,
            }),
        );
        Ok(describe)
    }

    /// `GET /limits`: the org's allocations and what remains of them.
    pub async fn limits(&self) -> Result<Limits> {
        let reply = self
            .send(Call::new(Method::GET, data_path("limits")))
            .await?;
        let value: Value = reply.json("limits")?;
        Ok(Limits::from_json(&value))
    }

    /// `POST /composite`: up to 25 subrequests in one API call, run in the order given;
    /// later ones may use earlier results through [`crate::composite::reference`]. With
    /// `all_or_none`, one failure rolls back them all. The answer has one subresponse per
    /// subrequest; a failed subrequest is a subresponse with an error body, not an `Err`.
    pub async fn composite(
        &self,
        all_or_none: bool,
        subrequests: Vec<CompositeSubrequest>,
    ) -> Result<Vec<CompositeSubresponse>> {
        if subrequests.is_empty() || subrequests.len() > MAX_SUBREQUESTS {
            return Err(Error::InvalidRequest(format!(
                "a composite call takes 1 to {MAX_SUBREQUESTS} subrequests, not {}",
                subrequests.len()
            )));
        }
        if let Some(bad) = subrequests
            .iter()
            .find(|r| !r.url.starts_with("/services/data/"))
        {
            return Err(Error::InvalidRequest(format!(
                "composite subrequest {} does not name a REST path",
                bad.reference_id
            )));
        }
        let body = serde_json::to_value(CompositeRequest {
            all_or_none,
            collate_subrequests: false,
            composite_request: &subrequests,
        })
        .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let reply = self
            .send(Call::new(Method::POST, data_path("composite")).body(&body))
            .await?;
        let response: CompositeResponse = reply.json("composite result")?;
        Ok(response.composite_response)
    }

    /// Sends one call, retrying it as the retry policy allows.
    async fn send(&self, call: Call<'_>) -> Result<Reply> {
        self.retry
            .run(call.idempotent(), || self.attempt(&call))
            .await
    }

    /// One attempt: sends the call, refreshing the session once if Salesforce says it
    /// expired.
    async fn attempt(&self, call: &Call<'_>) -> std::result::Result<Reply, Failure> {
        let mut refreshed = false;
        loop {
            let session = self.session().await;
            let url = format!(
                "{}{}",
                session.instance_url.trim_end_matches('/'),
                call.path
            );
            let mut request = self
                .http
                .request(call.method.clone(), url)
                .timeout(self.request_timeout)
                .bearer_auth(session.access_token.expose())
                .header(ACCEPT, "application/json");
            for (name, value) in &call.headers {
                request = request.header(name, value);
            }
            if !call.query.is_empty() {
                request = request.query(&call.query);
            }
            if let Some(body) = call.body {
                request = request.json(body);
            }
            let started = std::time::Instant::now();
            let response = match request.send().await {
                Ok(response) => response,
                Err(error) => {
                    // A connect error means no byte of the request left this machine.
                    let never_sent = error.is_connect();
                    let error = Error::from_reqwest(error);
                    self.report(call.family(), started, 0, Some(&error));
                    return Err(Failure { error, never_sent });
                }
            };
            let status = response.status().as_u16();
            if let Some(usage) = response
                .headers()
                .get("Sforce-Limit-Info")
                .and_then(|value| value.to_str().ok())
                .and_then(ApiUsage::parse)
            {
                self.usage.send_if_modified(|current| {
                    let changed = *current != Some(usage);
                    *current = Some(usage);
                    changed
                });
            }
            let headers = response.headers().clone();
            let text = response.text().await.map_err(Error::from_reqwest)?;
            tracing::debug!(method = %call.method, path = call.path, status, elapsed_ms = started.elapsed().as_millis() as u64, "salesforce request");
            if (200..300).contains(&status) || status == 304 {
                self.report(call.family(), started, status, None);
                return Ok(Reply {
                    status,
                    headers,
                    body: text,
                });
            }
            let error = Error::from_response(status, &text);
            self.report(call.family(), started, status, Some(&error));
            if status == 401 && !refreshed {
                self.refresh_after_failure(&session).await?;
                refreshed = true;
                continue;
            }
            return Err(error.into());
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
        let started = std::time::Instant::now();
        let refreshed = oauth::refresh(&self.oauth, &refresh_token).await;
        self.report_sample(&oauth::auth_sample(started, refreshed.as_ref().err()));
        let refreshed = refreshed?;
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

fn data_path(resource: &str) -> String {
    format!("/services/data/v{API_VERSION}/{resource}")
}

/// Object names and record ids go into URL paths, so only letters, digits and `_` pass.
fn check_name(what: &str, value: &str) -> Result<()> {
    let valid = !value.is_empty()
        && value.len() <= 255
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "{value:?} is not a valid {what}"
        )))
    }
}

fn record_path(sobject: &str, id: &str) -> Result<String> {
    check_name("object name", sobject)?;
    check_name("record id", id)?;
    Ok(data_path(&format!("sobjects/{sobject}/{id}")))
}

/// A `nextRecordsUrl` must stay on the REST API of the same instance: the access token
/// goes with it.
fn next_page_path(next_records_url: &str) -> Result<String> {
    let path_is_safe = next_records_url.starts_with("/services/data/")
        && !next_records_url.contains("..")
        && !next_records_url.contains(['?', '#', '@', '\\'])
        && !next_records_url.chars().any(char::is_whitespace);
    if path_is_safe {
        Ok(next_records_url.to_string())
    } else {
        Err(Error::InvalidRequest(format!(
            "{next_records_url:?} is not a query page of this org"
        )))
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

    #[test]
    fn names_that_could_change_a_url_path_are_refused() {
        assert!(record_path("Lead", "00Q000000000001AAA").is_ok());
        assert!(record_path("Custom_Object__c", "a01000000000001").is_ok());
        for (sobject, id) in [
            ("Lead", "../limits"),
            ("Lead/x", "00Q"),
            ("Lead", ""),
            ("", "00Q"),
            ("Lead", "00Q?fields=Id"),
            ("Lead", "00Q%2F"),
        ] {
            assert!(
                matches!(record_path(sobject, id), Err(Error::InvalidRequest(_))),
                "{sobject} {id}"
            );
        }
    }

    #[test]
    fn next_page_urls_must_stay_on_the_rest_api() {
        assert!(next_page_path("/services/data/v62.0/query/01gDm0000000001AAA-2000").is_ok());
        for url in [
            "https://elsewhere.example/services/data/v62.0/query/x",
            "//elsewhere.example/services/data/",
            "/services/data/../../oauth2/revoke",
            "/services/data/v62.0/query?q=x",
            "/services/oauth2/userinfo",
        ] {
            assert!(next_page_path(url).is_err(), "{url}");
        }
    }
}
