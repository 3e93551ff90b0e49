//! The private admin API for tests that run the fake org as a separate process.
//!
//! Not part of Salesforce and not under `/services`; needs no token, is neither logged
//! nor counted, and is never delayed or faulted:
//!
//! * `GET /__admin/records/{Type}`: JSON array of the current records of an object
//!   (404 for an unknown object),
//! * `POST /__admin/expire-sessions`: invalidates every access token (refresh tokens
//!   stay valid), answers 204,
//! * `GET /__admin/requests`: JSON array of `{"method","path","query","status","body",
//!   "fault"}` of every request received so far, in order; `DELETE` clears it (204),
//! * `GET /__admin/faults`: the faults in force, API usage and limit:
//!   `{"latencyMs","apiUsage","apiLimit","faults":[…]}`,
//! * `POST /__admin/faults` with a JSON object, every key optional, applied in this
//!   order: `"clear": true` (remove latency and rules), `"latencyMs": n`,
//!   `"apiUsage": n`, `"apiLimit": n`, `"expireSessions": true` and `"faults": [{"kind":
//!   "unavailable" | "drop-before-apply" | "drop-after-apply" | "unable-to-lock-row",
//!   "times": n (default 1), "method": "POST", "pathPrefix": "/services/data/…"}]`
//!   (appended to the rules). Answers 200 with the same shape as `GET`; unknown keys or
//!   bad JSON get 400 and change nothing,
//! * `DELETE /__admin/faults`: same as `{"clear": true}`.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::Fault;
use crate::store::{render, ApiError, Schema};
use crate::{api_error, json_response, not_found, Shared};

/// The API version used in `attributes.url` of admin and test-helper records.
const VERSION: &str = "62.0";

/// Current records of an object; `None` for an unknown object.
pub(crate) fn records(shared: &Shared, sobject: &str) -> Option<Vec<Value>> {
    let obj = Schema::get().object(sobject)?;
    let st = shared.lock();
    Some(
        st.store
            .live(obj.name)
            .map(|r| render(obj, r, VERSION, None))
            .collect(),
    )
}

/// The body of `POST /__admin/faults`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultsRequest {
    #[serde(default)]
    clear: bool,
    latency_ms: Option<u64>,
    api_usage: Option<u64>,
    api_limit: Option<u64>,
    #[serde(default)]
    expire_sessions: bool,
    #[serde(default)]
    faults: Vec<Fault>,
}

fn faults_state(shared: &Shared) -> Value {
    let st = shared.lock();
    json!({
        "latencyMs": st.faults.latency.as_millis() as u64,
        "apiUsage": st.api_count,
        "apiLimit": st.api_limit,
        "faults": st.faults.pending(),
    })
}

fn set_faults(shared: &Shared, body: &[u8]) -> Response {
    let req: FaultsRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            return api_error(&ApiError::new(
                400,
                "JSON_PARSER_ERROR",
                format!("bad fault request: {e}"),
            ))
        }
    };
    {
        let mut st = shared.lock();
        if req.clear {
            st.faults.clear();
        }
        if let Some(ms) = req.latency_ms {
            st.faults.latency = std::time::Duration::from_millis(ms);
        }
        if let Some(used) = req.api_usage {
            st.api_count = used;
        }
        if let Some(limit) = req.api_limit {
            st.api_limit = limit;
        }
        if req.expire_sessions {
            st.oauth.expire_access_tokens();
        }
        for f in req.faults {
            st.faults.add(f);
        }
    }
    json_response(StatusCode::OK, &faults_state(shared))
}

pub(crate) fn handle(shared: &Shared, method: &Method, path: &str, body: &[u8]) -> Response {
    let segs: Vec<&str> = path.split('/').collect();
    match (method, segs.as_slice()) {
        (&Method::GET, ["records", ty]) => match records(shared, ty) {
            Some(list) => json_response(StatusCode::OK, &Value::Array(list)),
            None => not_found(),
        },
        (&Method::POST, ["expire-sessions"]) => {
            shared.lock().oauth.expire_access_tokens();
            StatusCode::NO_CONTENT.into_response()
        }
        (&Method::GET, ["requests"]) => {
            let log = shared.lock().log.clone();
            match serde_json::to_value(log) {
                Ok(v) => json_response(StatusCode::OK, &v),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        (&Method::DELETE, ["requests"]) => {
            shared.lock().log.clear();
            StatusCode::NO_CONTENT.into_response()
        }
        (&Method::GET, ["faults"]) => json_response(StatusCode::OK, &faults_state(shared)),
        (&Method::POST, ["faults"]) => set_faults(shared, body),
        (&Method::DELETE, ["faults"]) => {
            shared.lock().faults.clear();
            json_response(StatusCode::OK, &faults_state(shared))
        }
        _ => not_found(),
    }
}
