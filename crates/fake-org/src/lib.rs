//! A Salesforce-compatible org over HTTP on 127.0.0.1, for Callside's tests and demo.
//!
//! [`FakeOrg::start`] serves, on one loopback port, both the login host (OAuth 2.0
//! web-server flow with PKCE, module `oauth`) and the instance (REST API under
//! `/services/data/vNN.N/`, module `rest`), seeded with a small demo data set (module
//! `seed`). Paths, JSON shapes, status codes, error codes and headers follow the real
//! API; the differences that matter are documented on the modules. State lives in
//! memory and is lost when the server stops.
//!
//! Besides the Salesforce surface there is a private admin API for tests that run the
//! server as a separate process (module `admin`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Request, State as AxumState};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Serialize;
use serde_json::Value;

mod admin;
mod oauth;
mod rest;
mod seed;
mod soql;
mod sosl;
mod store;

pub use sosl::phone_matches;

/// The consumer key of the one connected app the fake org knows.
pub const DEMO_CLIENT_ID: &str = "CallsideDemoConsumerKey";

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    /// The raw (still percent-encoded) query string, if any.
    pub query: Option<String>,
}

/// Everything the server keeps, behind one mutex.
pub(crate) struct State {
    pub store: store::Store,
    pub oauth: oauth::OAuthState,
    pub log: Vec<LoggedRequest>,
    pub api_count: u64,
    pub cursors: HashMap<String, rest::Cursor>,
    pub next_cursor: u64,
}

pub(crate) struct Shared {
    pub base_url: String,
    state: Mutex<State>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
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
    /// Binds `127.0.0.1:port` (0 = any free port), seeds the demo data and serves in a
    /// tokio task.
    pub async fn start(port: u16) -> std::io::Result<FakeOrg> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let port = listener.local_addr()?.port();
        let base_url = format!("http://127.0.0.1:{port}");
        let mut store = store::Store::new();
        seed::seed(&mut store, store::now());
        let shared = Arc::new(Shared {
            base_url,
            state: Mutex::new(State {
                store,
                oauth: oauth::OAuthState::default(),
                log: Vec::new(),
                api_count: 0,
                cursors: HashMap::new(),
                next_cursor: 0,
            }),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("fake org server stopped: {e}");
            }
        });
        tracing::debug!("fake org listening on {}", shared.base_url);
        Ok(FakeOrg { shared, port })
    }

    /// `http://127.0.0.1:PORT`: the login URL and the instance URL.
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

    /// Invalidates every access token issued so far; refresh tokens stay valid.
    pub fn expire_all_sessions(&self) {
        self.shared.lock().oauth.expire_access_tokens();
    }

    /// Every request received (except the admin API), in order.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.lock().log.clone()
    }

    /// REST calls under `/services/data/vNN.N/` counted against the daily limit.
    pub fn api_request_count(&self) -> u64 {
        self.shared.lock().api_count
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
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    if !path.starts_with("/__admin") {
        shared.lock().log.push(LoggedRequest {
            method: parts.method.to_string(),
            path: path.clone(),
            query: query.clone(),
        });
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
    route(
        &shared,
        &parts.method,
        &path,
        query.as_deref(),
        &parts.headers,
        &body,
    )
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
                admin::handle(shared, method, admin_path)
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
