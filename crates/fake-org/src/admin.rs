//! The private admin API for tests that run the fake org as a separate process.
//!
//! Not part of Salesforce and not under `/services`; needs no token and is neither
//! logged nor counted:
//!
//! * `GET /__admin/records/{Type}`: JSON array of the current records of an object
//!   (404 for an unknown object),
//! * `POST /__admin/expire-sessions`: invalidates every access token (refresh tokens
//!   stay valid), answers 204,
//! * `GET /__admin/requests`: JSON array of `{"method","path","query"}` of every
//!   request received so far, in order.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::store::{render, Schema};
use crate::{json_response, not_found, Shared};

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

pub(crate) fn handle(shared: &Shared, method: &Method, path: &str) -> Response {
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
        _ => not_found(),
    }
}
