//! The local call-event endpoint, for softphones and dialers that can make an HTTP
//! request when a call rings, is answered or ends:
//!
//! ```text
//! POST http://127.0.0.1:7719/v1/call-events
//! Authorization: Bearer <the token in <data dir>/events-token>
//! {"event": "ringing" | "answered" | "ended", "number": "...", "direction": "inbound" | "outbound"}
//! ```
//!
//! It listens on 127.0.0.1 only, on `CALLSIDE_EVENTS_PORT` (default 7719), and answers
//! 202 `{"accepted": true}`; 401 without the token, 400 for a body it cannot use, 413
//! for a body over 4 KiB; errors are `{"error": "..."}`. The token is 32 random bytes in
//! hex, made on the first start and kept in a file only the user can read; it is not a
//! Salesforce credential, it only keeps other local programs and web pages from popping
//! calls. The number is passed on as written; the core normalizes it when the UI pops it.

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use callside_core::CallDirection;
use serde_json::{json, Value};

use crate::ipc::{CallEvent, CallEventKind};
use crate::MAX_NUMBER_INPUT;

/// The environment variable that sets the port.
pub const PORT_VAR: &str = "CALLSIDE_EVENTS_PORT";
pub const DEFAULT_PORT: u16 = 7719;
/// The token's file, in the data directory.
pub const TOKEN_FILE: &str = "events-token";
pub const PATH: &str = "/v1/call-events";
/// The largest request body read.
pub const MAX_BODY: usize = 4096;

/// The port from `CALLSIDE_EVENTS_PORT` (unset or empty: 7719).
pub fn port_from(value: Option<&str>) -> Result<u16, String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_PORT),
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 => Ok(port),
            _ => Err(format!(
                "{PORT_VAR} must be a port number from 1 to 65535, not {text:?}"
            )),
        },
    }
}

pub fn token_path(data_dir: &Path) -> PathBuf {
    data_dir.join(TOKEN_FILE)
}

/// A token the endpoint accepts: 32 to 512 visible ASCII characters (the app writes 64
/// hex digits; an administrator may put in one of their own).
fn usable_token(text: &str) -> bool {
    (32..=512).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic())
}

/// Reads the token from `<data dir>/events-token`, making the file (0600) and the
/// directory (0700) when they are not there, or when the file holds no usable token.
pub fn load_or_create_token(data_dir: &Path) -> io::Result<String> {
    let path = token_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) if usable_token(text.trim()) => {
            make_private(&path)?;
            return Ok(text.trim().to_string());
        }
        Ok(_) => {
            tracing::warn!(
                "{} holds no usable token; writing a new one",
                path.display()
            );
            std::fs::remove_file(&path)?;
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    create_private_dir(data_dir)?;
    let token = new_token();
    match create_private_file(&path) {
        Ok(mut file) => {
            file.write_all(token.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            Ok(token)
        }
        // Another start made it first: use theirs.
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(&path)?;
            if usable_token(text.trim()) {
                Ok(text.trim().to_string())
            } else {
                Err(io::Error::other(format!(
                    "{} holds no usable token",
                    path.display()
                )))
            }
        }
        Err(error) => Err(error),
    }
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Takes group and other access away from a token file that has it.
#[cfg(unix)]
fn make_private(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!(
            "{} could be read by other users; making it private",
            path.display()
        );
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// A request the endpoint refuses: the status and a message for whoever sent it.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Checks `Authorization: Bearer <token>` (in constant time for the token).
pub fn check_authorization(headers: &HeaderMap, token: &str) -> Result<(), Refusal> {
    let unauthorized = |message: &str| Refusal::new(StatusCode::UNAUTHORIZED, message);
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("An Authorization: Bearer <token> header is required; the token is in the events-token file in Callside's data directory."))?;
    let value = value
        .to_str()
        .map_err(|_| unauthorized("The Authorization header is not a bearer token."))?;
    let presented = match value.trim().split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => {
            return Err(unauthorized(
                "The Authorization header is not a bearer token.",
            ))
        }
    };
    if same_secret(presented.as_bytes(), token.as_bytes()) {
        Ok(())
    } else {
        Err(unauthorized(
            "The token is not this Callside's events token.",
        ))
    }
}

fn same_secret(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads a request body: `{"event": "ringing" | "answered" | "ended", "number": "...",
/// "direction": "inbound" | "outbound"}`. `number` is required for `ringing`;
/// `direction` defaults to inbound; other fields are ignored.
pub fn parse_request(body: &[u8]) -> Result<CallEvent, Refusal> {
    const EXAMPLE: &str =
        r#"{"event": "ringing", "number": "+1 720 555 0111", "direction": "inbound"}"#;
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        Refusal::bad_request(format!(
            "The body is not valid JSON ({error}); send {EXAMPLE}"
        ))
    })?;
    let Value::Object(fields) = value else {
        return Err(Refusal::bad_request(format!(
            "The body must be a JSON object such as {EXAMPLE}"
        )));
    };
    let text = |name: &str| -> Result<Option<&str>, Refusal> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.as_str())),
            Some(_) => Err(Refusal::bad_request(format!("\"{name}\" must be a string"))),
        }
    };
    let kind = match text("event")? {
        Some("ringing") => CallEventKind::Ringing,
        Some("answered") => CallEventKind::Answered,
        Some("ended") => CallEventKind::Ended,
        Some(other) => {
            return Err(Refusal::bad_request(format!(
                "Unknown event {:?}; expected \"ringing\", \"answered\" or \"ended\"",
                other.chars().take(32).collect::<String>()
            )))
        }
        None => {
            return Err(Refusal::bad_request(
                "\"event\" is required: \"ringing\", \"answered\" or \"ended\"",
            ))
        }
    };
    let direction = match text("direction")? {
        None | Some("inbound") => CallDirection::Inbound,
        Some("outbound") => CallDirection::Outbound,
        Some(_) => {
            return Err(Refusal::bad_request(
                "\"direction\" must be \"inbound\" or \"outbound\"",
            ))
        }
    };
    let number = text("number")?.unwrap_or("").trim().to_string();
    if kind == CallEventKind::Ringing && number.is_empty() {
        return Err(Refusal::bad_request(
            "\"number\" is required for a ringing call",
        ));
    }
    if number.chars().count() > MAX_NUMBER_INPUT {
        return Err(Refusal::bad_request(
            "\"number\" is too long to be a phone number",
        ));
    }
    Ok(CallEvent {
        kind,
        number,
        direction,
    })
}

/// Where accepted events go.
pub type Sink = Arc<dyn Fn(CallEvent) + Send + Sync>;

#[derive(Clone)]
struct Endpoint {
    token: Arc<str>,
    sink: Sink,
}

/// The endpoint's routes; other paths answer 404.
pub fn router(token: String, sink: Sink) -> Router {
    Router::new()
        .route(PATH, post(post_call_event))
        .fallback(|| async {
            Refusal::new(
                StatusCode::NOT_FOUND,
                format!("Not found; Callside takes call events at POST {PATH}"),
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(Endpoint {
            token: token.into(),
            sink,
        })
}

async fn post_call_event(
    State(endpoint): State<Endpoint>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    check_authorization(&headers, &endpoint.token)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("The body is larger than {MAX_BODY} bytes"),
            )
        } else {
            Refusal::new(rejection.status(), rejection.body_text())
        }
    })?;
    let event = parse_request(&body)?;
    (endpoint.sink)(event);
    Ok((StatusCode::ACCEPTED, Json(json!({ "accepted": true }))).into_response())
}

/// Serves the endpoint on 127.0.0.1:`port` until the app ends. A port that is taken
/// only costs the endpoint: the app keeps working.
pub async fn serve(port: u16, token: String, sink: Sink) {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::warn!(
                "the call-event endpoint is off: {address} is not available ({error}); set {PORT_VAR} to a free port"
            );
            return;
        }
    };
    tracing::info!("call events are accepted at http://{address}{PATH}");
    if let Err(error) = axum::serve(listener, router(token, sink)).await {
        tracing::warn!("the call-event endpoint stopped: {error}");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn event(kind: CallEventKind, number: &str, direction: CallDirection) -> CallEvent {
        CallEvent {
            kind,
            number: number.into(),
            direction,
        }
    }

    #[test]
    fn the_port_comes_from_the_environment() {
        assert_eq!(port_from(None), Ok(7719));
        assert_eq!(port_from(Some(" ")), Ok(7719));
        assert_eq!(port_from(Some("8123")), Ok(8123));
        for bad in ["0", "65536", "http", "-1"] {
            assert!(
                port_from(Some(bad)).unwrap_err().contains(PORT_VAR),
                "{bad}"
            );
        }
    }

    #[test]
    fn requests_are_read_with_defaults() {
        assert_eq!(
            parse_request(
                br#"{"event":"ringing","number":"+1 720 555 0111","direction":"outbound"}"#
            ),
            Ok(event(
                CallEventKind::Ringing,
                "+1 720 555 0111",
                CallDirection::Outbound
            ))
        );
        assert_eq!(
            parse_request(br#"{"event":"ringing","number":" 7205550111 ","callId":42}"#),
            Ok(event(
                CallEventKind::Ringing,
                "7205550111",
                CallDirection::Inbound
            ))
        );
        assert_eq!(
            parse_request(br#"{"event":"answered"}"#),
            Ok(event(CallEventKind::Answered, "", CallDirection::Inbound))
        );
        assert_eq!(
            parse_request(br#"{"event":"ended","number":"1","direction":null}"#),
            Ok(event(CallEventKind::Ended, "1", CallDirection::Inbound))
        );
        // Garbage numbers are the core's to refuse, in the UI.
        assert_eq!(
            parse_request(br#"{"event":"ringing","number":"hello"}"#)
                .unwrap()
                .number,
            "hello"
        );
    }

    #[test]
    fn unusable_requests_say_what_is_wrong() {
        let long = format!(r#"{{"event":"ringing","number":"{}"}}"#, "1".repeat(65));
        for (body, why) in [
            (&b"not json"[..], "not valid JSON"),
            (b"", "not valid JSON"),
            (b"[1]", "JSON object"),
            (b"\"ringing\"", "JSON object"),
            (br#"{"number":"1"}"#, "\"event\" is required"),
            (
                br#"{"event":"hangup","number":"1"}"#,
                "Unknown event \"hangup\"",
            ),
            (br#"{"event":"RINGING","number":"1"}"#, "Unknown event"),
            (br#"{"event":7}"#, "\"event\" must be a string"),
            (br#"{"event":"ringing"}"#, "\"number\" is required"),
            (
                br#"{"event":"ringing","number":"  "}"#,
                "\"number\" is required",
            ),
            (
                br#"{"event":"ringing","number":7205550111}"#,
                "\"number\" must be a string",
            ),
            (
                br#"{"event":"ringing","number":"1","direction":"in"}"#,
                "\"direction\" must be",
            ),
            (long.as_bytes(), "too long"),
        ] {
            let refusal = parse_request(body).expect_err(&String::from_utf8_lossy(body));
            assert_eq!(refusal.status, StatusCode::BAD_REQUEST);
            assert!(
                refusal.message.contains(why),
                "{}: {}",
                String::from_utf8_lossy(body),
                refusal.message
            );
        }
    }

    #[test]
    fn only_the_bearer_token_is_accepted() {
        let headers = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            headers
        };
        assert!(check_authorization(&headers(&format!("Bearer {TOKEN}")), TOKEN).is_ok());
        assert!(check_authorization(&headers(&format!("bearer  {TOKEN} ")), TOKEN).is_ok());
        for value in [
            format!("Basic {TOKEN}"),
            TOKEN.to_string(),
            "Bearer".to_string(),
            "Bearer ".to_string(),
            format!("Bearer {}", &TOKEN[1..]),
            format!("Bearer {}0", &TOKEN[1..]),
            format!("Bearer {TOKEN}x"),
        ] {
            let refusal = check_authorization(&headers(&value), TOKEN).expect_err(&value);
            assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
        }
        let refusal = check_authorization(&HeaderMap::new(), TOKEN).unwrap_err();
        assert!(refusal.message.contains("events-token"));
    }

    #[test]
    fn the_token_is_made_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("new").join("data");
        let token = load_or_create_token(&data_dir).unwrap();
        assert_eq!(token.len(), 64);
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(load_or_create_token(&data_dir).unwrap(), token);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(load_or_create_token(other.path()).unwrap(), token);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            let path = token_path(&data_dir);
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&data_dir), 0o700);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(load_or_create_token(&data_dir).unwrap(), token);
            assert_eq!(mode(&path), 0o600);
        }
        // A file without a usable token is replaced.
        std::fs::write(token_path(&data_dir), "short\n").unwrap();
        let replaced = load_or_create_token(&data_dir).unwrap();
        assert_eq!(replaced.len(), 64);
        assert_ne!(replaced, token);
    }

    struct Sent {
        sink: Sink,
        events: Arc<Mutex<Vec<CallEvent>>>,
    }

    fn collecting() -> Sent {
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        Sent {
            sink: Arc::new(move |event| seen.lock().unwrap().push(event)),
            events,
        }
    }

    async fn send(
        sink: &Sink,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let response = router(TOKEN.into(), sink.clone())
            .oneshot(request.body(body.into()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    #[tokio::test]
    async fn the_endpoint_accepts_events_with_the_token() {
        let sent = collecting();
        let bearer = format!("Bearer {TOKEN}");
        let (status, body) = send(
            &sent.sink,
            "POST",
            PATH,
            Some(&bearer),
            r#"{"event":"ringing","number":"+17205550111","direction":"inbound"}"#,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        assert_eq!(body, json!({ "accepted": true }));
        assert_eq!(
            *sent.events.lock().unwrap(),
            vec![event(
                CallEventKind::Ringing,
                "+17205550111",
                CallDirection::Inbound
            )]
        );
    }

    /// Sends a POST and checks that it is refused with `status` and a message about `why`.
    async fn refused(
        sink: &Sink,
        path: &str,
        authorization: Option<&str>,
        body: String,
        status: StatusCode,
        why: &str,
    ) {
        let (got, answer) = send(sink, "POST", path, authorization, body).await;
        assert_eq!(got, status, "{path} {authorization:?}: {answer}");
        let message = answer["error"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{path} {authorization:?}: {answer}");
    }

    #[tokio::test]
    async fn the_endpoint_refuses_with_json_errors_and_sends_nothing() {
        let sent = collecting();
        let sink = &sent.sink;
        let bearer = format!("Bearer {TOKEN}");
        let good = Some(bearer.as_str());
        let ringing = || r#"{"event":"ringing","number":"+17205550111"}"#.to_string();
        use StatusCode as S;
        refused(
            sink,
            PATH,
            None,
            ringing(),
            S::UNAUTHORIZED,
            "Authorization",
        )
        .await;
        let wrong = Some("Bearer nope");
        refused(
            sink,
            PATH,
            wrong,
            ringing(),
            S::UNAUTHORIZED,
            "not this Callside",
        )
        .await;
        // The token is checked before the body is looked at.
        let huge = "x".repeat(MAX_BODY + 1);
        refused(sink, PATH, wrong, huge, S::UNAUTHORIZED, "token").await;
        refused(
            sink,
            PATH,
            good,
            "{".into(),
            S::BAD_REQUEST,
            "not valid JSON",
        )
        .await;
        let dialing = r#"{"event":"dialing","number":"1"}"#.to_string();
        refused(sink, PATH, good, dialing, S::BAD_REQUEST, "Unknown event").await;
        let padded = format!(
            r#"{{"event":"ringing","number":"1","pad":"{}"}}"#,
            "x".repeat(MAX_BODY)
        );
        refused(
            sink,
            PATH,
            good,
            padded,
            S::PAYLOAD_TOO_LARGE,
            "larger than 4096",
        )
        .await;
        let elsewhere = "/v1/other";
        refused(
            sink,
            elsewhere,
            good,
            ringing(),
            S::NOT_FOUND,
            "POST /v1/call-events",
        )
        .await;
        let (status, _) = send(sink, "GET", PATH, good, "").await;
        assert_eq!(status, S::METHOD_NOT_ALLOWED);
        assert!(sent.events.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_taken_port_only_turns_the_endpoint_off() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        // Returns (with a warning) instead of failing or serving.
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            serve(port, TOKEN.into(), collecting().sink),
        )
        .await
        .expect("serve returns when the port is taken");
    }
}
