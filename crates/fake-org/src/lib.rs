//! A Salesforce-compatible org on 127.0.0.1, for Callside's tests and demo.
//!
//! [`FakeOrg::start`] serves plain HTTP and [`FakeOrg::start_tls`] HTTPS (rustls; see
//! [`tls::generate`] for a test certificate), on one loopback port that is both the
//! login host (OAuth 2.0 web-server flow with PKCE, module `oauth`) and the instance
//! (REST API under `/services/data/vNN.N/`, modules `rest`, `soql`, `sosl`,
//! `composite`), seeded with a small demo data set (module `seed`). State lives in
//! memory and is lost when the server stops. The binary `callside-fake-org` runs the
//! same server as a process (`--port`, `--port-file`, `--tls-cert`/`--tls-key`,
//! `--generate-cert DIR`).
//!
//! # Salesforce behaviour reproduced
//!
//! Paths, JSON shapes, status codes, error codes and headers follow the real API, and
//! are checked against two client libraries nobody here wrote (jsforce 3 and
//! simple-salesforce 1.12.10, `tests/conformance/run`):
//!
//! * **OAuth** (module `oauth`): authorize → `redirect_uri?code=…&state=…`, PKCE S256
//!   (verifiers longer than 128 characters accepted, as jsforce's 171), single-use
//!   10-minute codes, the token response without `expires_in` and with `issued_at` in
//!   epoch milliseconds as a string, refresh (answer without `refresh_token`), revoke,
//!   UserInfo and the identity URL; `{"error","error_description"}` errors.
//! * **REST basics** (module `rest`): any `vNN.N` with or without trailing slashes,
//!   the version list and resource map (with `identity`), 401 `INVALID_SESSION_ID` for
//!   bad tokens, error bodies as a JSON array `[{"message","errorCode","fields"?}]`,
//!   `Sforce-Limit-Info: api-usage=N/M` on every REST answer, `/limits`, 403
//!   `REQUEST_LIMIT_EXCEEDED` once the daily allocation is used up.
//! * **SOQL** (module `soql`): parent paths and child subqueries (`null` when empty),
//!   filters, ordering, `LIMIT`/`OFFSET`, `COUNT()`, date literals, string escapes,
//!   batches and `nextRecordsUrl` paging (`Sforce-Query-Options: batchSize`, 200..2000),
//!   `queryAll` with deleted rows, positioned `MALFORMED_QUERY`/`INVALID_FIELD` errors.
//! * **SOSL** (module `sosl`): `FIND {…} IN … FIELDS RETURNING …` with per-object
//!   field lists, `WHERE`, `ORDER BY`, `LIMIT`; `{"searchRecords": […]}`; phone
//!   matching on digits with the NANP leading `1` ignored.
//! * **Records** (module `store`): standard objects and fields with their API names,
//!   types and lengths; 18-character ids with the real checksum and key prefixes;
//!   server-maintained fields (`Name`, audit dates, `IsClosed`, stage-derived
//!   `Probability`/`ForecastCategoryName`/`IsClosed`/`IsWon`, `Task.AccountId`, …);
//!   DML validation errors (`REQUIRED_FIELD_MISSING`, `INVALID_FIELD`,
//!   `STRING_TOO_LONG`, restricted picklists, `FIELD_INTEGRITY_EXCEPTION`,
//!   `INVALID_CROSS_REFERENCE_KEY`, `CANNOT_UPDATE_CONVERTED_LEAD`, …); create 201
//!   `{"id","success","errors"}` with `Location`, update/delete 204; the recycle bin
//!   (`ENTITY_IS_DELETED`); conditional `If-Modified-Since` (304) and
//!   `If-Unmodified-Since` (412).
//! * **Describe**: describe global, basic info and describe with `fields[]` (type,
//!   length, nillable, createable, updateable, `picklistValues[{active, defaultValue,
//!   label, validFor, value}]`, references), `childRelationships`, the master record
//!   type; `Last-Modified` and `If-Modified-Since` → 304 on describe and describe
//!   global.
//! * **Picklist setup objects**: `OpportunityStage` (`MasterLabel`, `ApiName`,
//!   `DefaultProbability`, `IsClosed`, `IsWon`, `SortOrder`, `IsActive`,
//!   `ForecastCategory`, `ForecastCategoryName`), `LeadStatus` (`MasterLabel`, `ApiName`,
//!   `IsDefault`, `IsConverted`, `SortOrder`) and `TaskStatus`, queryable and
//!   read-only, ids with the shared `01J` prefix, rows matching the picklists.
//! * **Composite** (module `composite`): `POST /composite` with `allOrNone`,
//!   `@{ref.path}` references in URLs and bodies, up to 25 subrequests, rollback with
//!   `PROCESSING_HALTED`, one API request per call; sObject Collections create, update,
//!   delete (up to 200, `allOrNone`, SaveResults with `statusCode` errors,
//!   `ALL_OR_NONE_OPERATION_ROLLED_BACK`) and retrieve.
//!
//! # Known differences from the real API
//!
//! * One port serves login host and instance; HTTP/1.1 only (no HTTP/2; TLS offers
//!   ALPN `http/1.1`); the version list shows 56.0–62.0 but any version is accepted.
//! * OAuth: no login or consent page (the demo user is approved at once); any
//!   `http://localhost:PORT` or `http://127.0.0.1:PORT` callback is accepted; no
//!   `id_token`; `client_secret` is not checked; access tokens never time out (use
//!   [`FakeOrg::expire_all_sessions`]) and refresh tokens never rotate; UserInfo and the
//!   identity URL answer a bad token with 401 JSON (a real org: 403 `Bad_OAuth_Token`).
//! * One user, no sharing, profiles or field-level security; no record types beyond
//!   Master, no validation or duplicate rules, no triggers, no lead conversion, no
//!   undelete, deletes do not cascade; only the objects and fields in module `store`.
//! * SOQL and SOSL are subsets (no aggregates but `COUNT()`, no `GROUP BY`, semi-joins,
//!   `TYPEOF` or `FOR UPDATE`); child subqueries never page; query cursors never
//!   expire; text search matches substrings (the real index matches words) and records
//!   are searchable at once (a real org lags).
//! * Describe is a subset of the real keys; every picklist value is active, `validFor`
//!   is always `null` (no dependent picklists); describe's `Last-Modified` is the server
//!   start; no `ETag`/`If-Match`/`If-None-Match` (Salesforce has them for Accounts).
//! * Composite: subrequests always run in the given order (`collateSubrequests` is
//!   accepted and ignored); the real "at most 5 query or collection subrequests" rule
//!   and governor limits are not enforced; the error codes and messages of whole-call
//!   validation failures (`INVALID_INPUT`, `JSON_PARSER_ERROR`) are our best guess, as
//!   are those of per-record collection errors (`INVALID_TYPE`, `MISSING_ARGUMENT`,
//!   `cannot specify Id in an insert call`, `EXCEEDED_ID_LIMIT`). Read-only setup
//!   objects answer `INVALID_TYPE_FOR_OPERATION` to writes (guessed).
//! * The daily API counter never resets by itself; only `/services/data` calls count
//!   (a composite once); calls refused at the limit are not counted; there is no
//!   concurrent-request limit, no `api-bursts`/`per-app-api-usage` header part.
//!
//! # Test controls (not Salesforce)
//!
//! * The request log ([`FakeOrg::request_log`], [`LoggedRequest`]): method, path,
//!   query, status answered, JSON body of writes, injected fault.
//! * Faults (module `faults`, [`Fault`]): added latency on every route, the next N
//!   matching requests failing with 503 `SERVER_UNAVAILABLE` or a TCP connection
//!   dropped before or after the request is applied, `UNABLE_TO_LOCK_ROW` for the next N
//!   writes; API usage and limit ([`FakeOrg::set_api_usage`],
//!   [`FakeOrg::set_api_limit`]); expiring every session.
//! * The private admin API for a server run as a process (module `admin`):
//!   `/__admin/records/{Type}`, `/__admin/requests`, `/__admin/expire-sessions`,
//!   `/__admin/faults`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State as AxumState};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

mod admin;
mod composite;
mod faults;
mod oauth;
mod rest;
mod seed;
mod server;
mod soql;
mod sosl;
mod store;
pub mod tls;

pub use faults::{Fault, FaultKind};
pub use sosl::phone_matches;

/// The consumer key of the one connected app the fake org knows.
pub const DEMO_CLIENT_ID: &str = "CallsideDemoConsumerKey";

/// The daily API request allocation a new fake org starts with (a Developer Edition org).
pub const DEFAULT_DAILY_API_LIMIT: u64 = rest::DAILY_LIMIT;

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    /// The raw (still percent-encoded) query string, if any.
    pub query: Option<String>,
    /// The HTTP status answered; `None` while the request is being handled and when
    /// the connection was dropped without an answer.
    pub status: Option<u16>,
    /// For POST, PUT, PATCH and DELETE: the request body, if it was JSON.
    pub body: Option<Value>,
    /// The injected fault that hit this request, if any: `unavailable`,
    /// `drop-before-apply` or `drop-after-apply`.
    pub fault: Option<FaultKind>,
}

/// Everything the server keeps, behind one mutex.
pub(crate) struct State {
    pub store: store::Store,
    pub oauth: oauth::OAuthState,
    pub log: Vec<LoggedRequest>,
    pub api_count: u64,
    pub api_limit: u64,
    pub cursors: HashMap<String, rest::Cursor>,
    pub next_cursor: u64,
    pub faults: faults::Faults,
}

pub(crate) struct Shared {
    pub base_url: String,
    /// When the org's metadata last changed (the server start, to the second): the
    /// date describe calls compare `If-Modified-Since` with.
    pub schema_modified: OffsetDateTime,
    state: Mutex<State>,
    /// Held while a REST call runs, so that a composite request is one transaction
    /// that no other call can interleave with (and roll back underneath).
    gate: Mutex<()>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn gate(&self) -> MutexGuard<'_, ()> {
        self.gate.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake org. Cloning is cheap; all clones talk to the same server, which
/// runs until the tokio runtime that started it shuts down.
#[derive(Clone)]
pub struct FakeOrg {
    shared: Arc<Shared>,
    port: u16,
}

impl std::fmt::Debug for FakeOrg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeOrg")
            .field("base_url", &self.shared.base_url)
            .finish()
    }
}

impl FakeOrg {
    /// Binds `127.0.0.1:port` (0 = any free port), seeds the demo data and serves plain
    /// HTTP in a tokio task.
    pub async fn start(port: u16) -> std::io::Result<FakeOrg> {
        FakeOrg::launch(port, None).await
    }

    /// Like [`FakeOrg::start`], but serves HTTPS with the given certificate chain (PEM,
    /// leaf first) and private key (PEM); `instance_url`, the identity URL and every
    /// other absolute URL then use `https://127.0.0.1:PORT`. [`tls::generate`] makes a
    /// certificate for 127.0.0.1 and localhost. Bad PEM gives an `InvalidInput` error.
    pub async fn start_tls(port: u16, cert_pem: &str, key_pem: &str) -> std::io::Result<FakeOrg> {
        let config = server::tls_config(cert_pem, key_pem)?;
        FakeOrg::launch(port, Some(config)).await
    }

    async fn launch(
        port: u16,
        tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    ) -> std::io::Result<FakeOrg> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let port = listener.local_addr()?.port();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://127.0.0.1:{port}");
        let now = store::now();
        let mut store = store::Store::new();
        seed::seed(&mut store, now);
        let schema_modified = now.replace_nanosecond(0).unwrap_or(now);
        let shared = Arc::new(Shared {
            base_url,
            schema_modified,
            state: Mutex::new(State {
                store,
                oauth: oauth::OAuthState::default(),
                log: Vec::new(),
                api_count: 0,
                api_limit: rest::DAILY_LIMIT,
                cursors: HashMap::new(),
                next_cursor: 0,
                faults: faults::Faults::default(),
            }),
            gate: Mutex::new(()),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        server::spawn(listener, app, tls);
        tracing::debug!("fake org listening on {}", shared.base_url);
        Ok(FakeOrg { shared, port })
    }

    /// `http://127.0.0.1:PORT` (`https://…` when started with TLS): the login URL and
    /// the instance URL.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The current (not deleted) records of an object, in creation order, each with
    /// `attributes` and every field.
    pub fn records(&self, sobject: &str) -> Vec<Value> {
        admin::records(&self.shared, sobject).unwrap_or_default()
    }

    /// Changes a record as a colleague would in Salesforce's own UI (validated, with a
    /// new `LastModifiedDate`); the error is Salesforce's message.
    pub fn edit(&self, sobject: &str, id: &str, fields: Value) -> Result<(), String> {
        let obj = store::Schema::get()
            .object(sobject)
            .ok_or_else(|| format!("no object {sobject}"))?;
        let Value::Object(body) = fields else {
            return Err("fields must be a JSON object".into());
        };
        self.shared
            .lock()
            .store
            .update(obj, id, &body, store::now(), None)
            .map_err(|e| format!("{e:?}"))
    }

    /// Invalidates every access token issued so far; refresh tokens stay valid.
    pub fn expire_all_sessions(&self) {
        self.shared.lock().oauth.expire_access_tokens();
    }

    /// Every request received (except the admin API), in order.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.lock().log.clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_request_log(&self) {
        self.shared.lock().log.clear();
    }

    /// REST calls under `/services/data/vNN.N/` counted against the daily limit (a
    /// composite call counts once).
    pub fn api_request_count(&self) -> u64 {
        self.shared.lock().api_count
    }

    /// Sets the API requests used so far today, as `Sforce-Limit-Info` and `/limits`
    /// report them. At or past the limit, REST calls get 403 `REQUEST_LIMIT_EXCEEDED`.
    pub fn set_api_usage(&self, used: u64) {
        self.shared.lock().api_count = used;
    }

    /// Sets the daily API request allocation (default [`DEFAULT_DAILY_API_LIMIT`]).
    pub fn set_api_limit(&self, limit: u64) {
        self.shared.lock().api_limit = limit;
    }

    /// The daily API request allocation.
    pub fn api_limit(&self) -> u64 {
        self.shared.lock().api_limit
    }

    /// Delays every request (except the admin API) by `latency` before it is handled.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().faults.latency = latency;
    }

    /// Makes SOSL miss records created less than `lag` ago, as Salesforce's search index
    /// does for a few minutes after a record is created.
    pub fn set_search_index_lag(&self, lag: Duration) {
        self.shared.lock().faults.search_index_lag = lag;
    }

    /// Adds a fault rule (see [`Fault`]); rules are consulted in the order added.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.add(fault);
    }

    /// The next `n` DML writes fail with 400 `UNABLE_TO_LOCK_ROW`.
    pub fn lock_next_writes(&self, n: u32) {
        self.inject(Fault::unable_to_lock_row(n));
    }

    /// The fault rules not yet used up.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.pending()
    }

    /// Removes the latency and every fault rule (API usage and sessions stay as they are).
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }
}

/// JSON with Salesforce's content type.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

pub(crate) fn api_error(e: &store::ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(status, &e.body())
}

/// 401 `INVALID_SESSION_ID`, as for an expired or revoked token.
pub(crate) fn invalid_session() -> Response {
    let mut resp = api_error(&store::ApiError::new(
        401,
        "INVALID_SESSION_ID",
        "Session expired or invalid",
    ));
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Token"),
    );
    resp
}

pub(crate) fn not_found() -> Response {
    api_error(&store::ApiError::not_found())
}

fn method_not_allowed(method: &Method, allowed: &str) -> Response {
    api_error(&store::ApiError::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    ))
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, req: Request) -> Response {
    let control = req.extensions().get::<server::ConnControl>().cloned();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let admin = path.starts_with("/__admin");
    if !admin {
        let latency = shared.lock().faults.latency;
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }
    let body = match axum::body::to_bytes(body, 32 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            return api_error(&store::ApiError::new(
                413,
                "REQUEST_ENTITY_TOO_LARGE",
                "Request body too large",
            ))
        }
    };
    if admin {
        return route(
            &shared,
            &parts.method,
            &path,
            query.as_deref(),
            &parts.headers,
            &body,
        );
    }
    let is_write = matches!(
        parts.method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let logged_body = if is_write {
        serde_json::from_slice::<Value>(&body).ok()
    } else {
        None
    };
    let (entry, fault) = {
        let mut st = shared.lock();
        let fault = st.faults.take_http(parts.method.as_str(), &path);
        st.log.push(LoggedRequest {
            method: parts.method.to_string(),
            path: path.clone(),
            query: query.clone(),
            status: None,
            body: logged_body,
            fault,
        });
        (st.log.len() - 1, fault)
    };
    let record_status = |status: Option<u16>| {
        if let Some(e) = shared.lock().log.get_mut(entry) {
            e.status = status;
        }
    };
    let drop_connection = || async {
        match &control {
            Some(c) => {
                c.kill();
                // The connection task drops this future together with the socket.
                std::future::pending::<Response>().await
            }
            None => api_error(&store::ApiError::new(
                500,
                "UNKNOWN_EXCEPTION",
                "the connection cannot be dropped",
            )),
        }
    };
    match fault {
        Some(FaultKind::Unavailable) => {
            record_status(Some(503));
            return server_unavailable();
        }
        Some(FaultKind::DropBeforeApply) => return drop_connection().await,
        _ => {}
    }
    let resp = route(
        &shared,
        &parts.method,
        &path,
        query.as_deref(),
        &parts.headers,
        &body,
    );
    if fault == Some(FaultKind::DropAfterApply) {
        return drop_connection().await;
    }
    record_status(Some(resp.status().as_u16()));
    resp
}

/// 503 `SERVER_UNAVAILABLE`, as during maintenance or an overload.
fn server_unavailable() -> Response {
    api_error(&store::ApiError::new(
        503,
        "SERVER_UNAVAILABLE",
        "Server temporarily unavailable. Please try again later.",
    ))
}

fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let trimmed = path.trim_end_matches('/');
    match trimmed {
        "" => {
            if method == Method::GET || method == Method::HEAD {
                home(shared)
            } else {
                method_not_allowed(method, "GET")
            }
        }
        "/services/oauth2/authorize" => match *method {
            Method::GET => oauth::authorize(shared, query),
            Method::POST => {
                let q = std::str::from_utf8(body).ok();
                oauth::authorize(shared, q.or(query))
            }
            _ => method_not_allowed(method, "GET,POST"),
        },
        "/services/oauth2/token" => match *method {
            Method::POST => oauth::token(shared, headers, body),
            _ => method_not_allowed(method, "POST"),
        },
        "/services/oauth2/revoke" => match *method {
            Method::POST | Method::GET => oauth::revoke(shared, query, body),
            _ => method_not_allowed(method, "GET,POST"),
        },
        "/services/oauth2/userinfo" => match *method {
            Method::GET | Method::POST => oauth::userinfo(shared, headers, query),
            _ => method_not_allowed(method, "GET,POST"),
        },
        "/services/data" => rest::versions(shared, method),
        _ => {
            if let Some(rest_path) = path.strip_prefix("/services/data/") {
                rest::handle(shared, method, rest_path, query, headers, body)
            } else if let Some(id_path) = trimmed.strip_prefix("/id/") {
                match id_path.split_once('/') {
                    Some((org, user)) if !user.contains('/') && *method == Method::GET => {
                        oauth::identity(shared, org, user, headers, query)
                    }
                    _ => not_found(),
                }
            } else if let Some(admin_path) = trimmed.strip_prefix("/__admin/") {
                admin::handle(shared, method, admin_path, body)
            } else {
                not_found()
            }
        }
    }
}

fn home(shared: &Shared) -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>Callside Demo Org</title></head><body>\
         <h1>Callside Demo Org</h1>\
         <p>A Salesforce-compatible demo org. Log in from Callside with the login URL \
         <code>{base}</code>; the connected app's client id is <code>{DEMO_CLIENT_ID}</code>.</p>\
         </body></html>\n",
        base = shared.base_url
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html;charset=UTF-8")],
        body,
    )
        .into_response()
}
