//! Errors from talking to Salesforce, typed from its `[{message, errorCode, fields}]` bodies.
//!
//! [`Error`] keeps what Salesforce said (status, `errorCode`, message, fields) and its
//! `Display` is a sentence a sales rep understands. [`Error::kind`] sorts every error into
//! an [`ErrorKind`] that callers branch on instead of matching error codes themselves.

use serde::Deserialize;
use serde_json::Value;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No session exists for this org: the user never signed in, or signed out.
    #[error("Not signed in to Salesforce. Sign in first.")]
    NotSignedIn,
    /// The refresh token was refused (revoked or expired): only a new sign-in helps.
    #[error("Your Salesforce session has ended ({0}). Sign in again.")]
    SignInRequired(String),
    /// Salesforce answered with an error body. `code` is Salesforce's `errorCode` (or
    /// `HTTP_<status>` when the body was not an error array) and `message` its own text;
    /// [`Error::kind`] classifies it.
    #[error("{}", api_message(*.status, .code, .message))]
    Api {
        status: u16,
        code: String,
        message: String,
        fields: Vec<String>,
    },
    /// A conditional write was refused (HTTP 412): the record changed in Salesforce after
    /// the version the change was based on. `code` and `message` are Salesforce's own.
    #[error(
        "Someone changed this record in Salesforce after you opened it. Reload it and make your change again."
    )]
    Conflict { code: String, message: String },
    /// The request never got an answer: no network, DNS, refused connection, TLS, or the
    /// connection dropped before the answer was complete.
    #[error("Salesforce could not be reached: {0}")]
    Unreachable(String),
    /// The request was sent but no answer came in time.
    #[error("Salesforce did not answer in time.")]
    Timeout,
    /// Salesforce answered with something we could not read.
    #[error("Unexpected answer from Salesforce: {0}")]
    Decode(String),
    /// The browser sign-in failed (denied consent, wrong state, token endpoint error, timeout).
    #[error("Sign-in failed: {0}")]
    SignIn(String),
    /// The OS keychain refused or is missing.
    #[error("The OS keychain is not available: {0}")]
    Keychain(String),
    /// Settings that make no sense (a malformed login URL, for example).
    #[error("{0}")]
    Config(String),
    /// A request the client refused to send because it could not be right: an object name
    /// or record id that is not one, a `nextRecordsUrl` outside the REST API, more than 25
    /// composite subrequests.
    #[error("Callside built an invalid Salesforce request: {0}")]
    InvalidRequest(String),
}

/// What kind of failure an [`Error`] is, for callers that react differently to each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nobody is signed in, or the refresh token is gone: a new sign-in is needed.
    NotSignedIn,
    /// `INVALID_SESSION_ID` even after a token refresh.
    SessionExpired,
    /// The browser sign-in itself failed.
    SignIn,
    /// `REQUEST_LIMIT_EXCEEDED`: the org's API allocation (or concurrency limit) is used up.
    LimitExceeded,
    /// The data was refused: validation rule, required field, restricted picklist, value
    /// too long, bad reference, duplicate rule, converted lead.
    Validation,
    /// `NOT_FOUND`, `ENTITY_IS_DELETED` or any other 404.
    NotFound,
    /// `UNABLE_TO_LOCK_ROW`: another transaction holds the record; a later try may work.
    LockContention,
    /// HTTP 5xx: Salesforce is down, in maintenance or overloaded.
    Unavailable,
    /// No answer: no network, connection refused or dropped, timeout.
    Transport,
    /// HTTP 412: the record changed since the version a conditional write was based on.
    Conflict,
    /// Any other refusal: malformed query, unknown field, missing permission.
    Refused,
    /// An answer that could not be read.
    Decode,
    /// The OS keychain failed.
    Keychain,
    /// Settings or a request that could not be right.
    Config,
}

/// `errorCode`s that mean "the data you sent is not acceptable".
const VALIDATION_CODES: &[&str] = &[
    "FIELD_CUSTOM_VALIDATION_EXCEPTION",
    "REQUIRED_FIELD_MISSING",
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
    "STRING_TOO_LONG",
    "FIELD_INTEGRITY_EXCEPTION",
    "INVALID_CROSS_REFERENCE_KEY",
    "DUPLICATES_DETECTED",
    "DUPLICATE_VALUE",
    "CANNOT_UPDATE_CONVERTED_LEAD",
    "INVALID_EMAIL_ADDRESS",
    "NUMBER_OUTSIDE_VALID_RANGE",
    "MALFORMED_ID",
];

/// Sorts a Salesforce error response by its status and `errorCode`.
fn api_kind(status: u16, code: &str) -> ErrorKind {
    match code {
        "INVALID_SESSION_ID" => ErrorKind::SessionExpired,
        "REQUEST_LIMIT_EXCEEDED" => ErrorKind::LimitExceeded,
        "UNABLE_TO_LOCK_ROW" => ErrorKind::LockContention,
        "NOT_FOUND" | "ENTITY_IS_DELETED" => ErrorKind::NotFound,
        _ if VALIDATION_CODES.contains(&code) => ErrorKind::Validation,
        _ if status == 401 => ErrorKind::SessionExpired,
        _ if status == 404 => ErrorKind::NotFound,
        _ if status == 412 => ErrorKind::Conflict,
        _ if status >= 500 => ErrorKind::Unavailable,
        _ => ErrorKind::Refused,
    }
}

fn api_message(status: u16, code: &str, message: &str) -> String {
    match api_kind(status, code) {
        ErrorKind::SessionExpired => "Your Salesforce session has expired. Sign in again.".into(),
        ErrorKind::LimitExceeded => {
            "Your org has used up its Salesforce API requests for now. Try again later.".into()
        }
        ErrorKind::LockContention => {
            "Salesforce is busy with this record right now. Try again in a moment.".into()
        }
        ErrorKind::NotFound => {
            format!("The record no longer exists in Salesforce ({message}).")
        }
        ErrorKind::Validation => format!("Salesforce did not accept the change: {message}"),
        ErrorKind::Unavailable => format!("Salesforce is unavailable right now (HTTP {status})."),
        _ => format!("Salesforce refused the request: {message} ({code})"),
    }
}

impl Error {
    /// The kind of failure, for deciding what to show and whether to try again.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotSignedIn | Error::SignInRequired(_) => ErrorKind::NotSignedIn,
            Error::Api { status, code, .. } => api_kind(*status, code),
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::Unreachable(_) | Error::Timeout => ErrorKind::Transport,
            Error::Decode(_) => ErrorKind::Decode,
            Error::SignIn(_) => ErrorKind::SignIn,
            Error::Keychain(_) => ErrorKind::Keychain,
            Error::Config(_) | Error::InvalidRequest(_) => ErrorKind::Config,
        }
    }

    /// Salesforce's own message, when the error came from a Salesforce answer (for logs
    /// and for a "details" line under the friendly text).
    pub fn salesforce_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. } | Error::Conflict { message, .. } => Some(message),
            _ => None,
        }
    }

    /// Salesforce's `errorCode` (or `HTTP_<status>`), when the error came from an answer.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } | Error::Conflict { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The fields Salesforce named as the cause (validation errors mostly); empty otherwise.
    pub fn fields(&self) -> &[String] {
        match self {
            Error::Api { fields, .. } => fields,
            _ => &[],
        }
    }

    /// True when the failure says nothing about the request itself and a later try may
    /// succeed: no connection, timeouts, server unavailability, lock contention, limits.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Transport
                | ErrorKind::Unavailable
                | ErrorKind::LockContention
                | ErrorKind::LimitExceeded
        )
    }

    /// True when Salesforce could not be reached at all.
    pub fn is_offline(&self) -> bool {
        matches!(self, Error::Unreachable(_) | Error::Timeout)
    }

    /// True when the user must sign in (again) before anything else works.
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::NotSignedIn | ErrorKind::SessionExpired
        )
    }

    pub(crate) fn from_reqwest(error: reqwest::Error) -> Error {
        if error.is_timeout() {
            Error::Timeout
        } else if error.is_decode() {
            Error::Decode(error.to_string())
        } else {
            Error::Unreachable(without_url(&error))
        }
    }

    /// Builds an error from a non-success REST response body. HTTP 412 becomes
    /// [`Error::Conflict`]; everything else [`Error::Api`].
    pub(crate) fn from_response(status: u16, body: &str) -> Error {
        let parsed = serde_json::from_str::<Value>(body).ok();
        Error::from_parts(status, parsed.as_ref(), body)
    }

    /// Builds an error from an already parsed error body (composite subresponses carry
    /// theirs as JSON); `raw` is shown when the body is not an error array.
    pub(crate) fn from_parts(status: u16, body: Option<&Value>, raw: &str) -> Error {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct ApiErrorBody {
            #[serde(default)]
            message: String,
            #[serde(alias = "statusCode")]
            error_code: String,
            #[serde(default)]
            fields: Vec<String>,
        }
        let first = body
            .cloned()
            .and_then(|value| serde_json::from_value::<Vec<ApiErrorBody>>(value).ok())
            .and_then(|errors| errors.into_iter().next());
        let (code, message, fields) = match first {
            Some(error) => (error.error_code, error.message, error.fields),
            None => (
                format!("HTTP_{status}"),
                raw.chars().take(200).collect(),
                Vec::new(),
            ),
        };
        if status == 412 {
            Error::Conflict { code, message }
        } else {
            Error::Api {
                status,
                code,
                message,
                fields,
            }
        }
    }
}

/// reqwest's messages include the URL, whose query string may hold SOQL with a caller's
/// details; keep the kind of failure only.
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "<url>");
    }
    if error.is_connect() {
        format!("connection failed ({text})")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str, message: &str) -> Error {
        Error::from_response(
            status,
            &serde_json::json!([{"message": message, "errorCode": code}]).to_string(),
        )
    }

    #[test]
    fn reads_the_first_error_of_a_salesforce_error_array() {
        let body = r#"[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]"#;
        let error = Error::from_response(400, body);
        match &error {
            Error::Api {
                status,
                code,
                fields,
                ..
            } => {
                assert_eq!(*status, 400);
                assert_eq!(code, "REQUIRED_FIELD_MISSING");
                assert_eq!(fields, &vec!["LastName".to_string()]);
            }
            other => panic!("expected an API error, got {other:?}"),
        }
        assert!(error.to_string().contains("Required fields are missing"));
        assert_eq!(error.kind(), ErrorKind::Validation);
        assert_eq!(error.fields(), ["LastName".to_string()]);
        assert!(!error.is_transient());
    }

    #[test]
    fn a_body_that_is_not_an_error_array_still_gives_a_readable_error() {
        let error = Error::from_response(503, "<html>Maintenance</html>");
        assert!(error.is_transient(), "503 is worth retrying");
        assert_eq!(error.kind(), ErrorKind::Unavailable);
        assert_eq!(
            error.to_string(),
            "Salesforce is unavailable right now (HTTP 503)."
        );
        assert_eq!(error.error_code(), Some("HTTP_503"));
    }

    #[test]
    fn every_documented_error_code_lands_in_its_kind() {
        let table: &[(u16, &str, ErrorKind)] = &[
            (401, "INVALID_SESSION_ID", ErrorKind::SessionExpired),
            (403, "REQUEST_LIMIT_EXCEEDED", ErrorKind::LimitExceeded),
            (
                400,
                "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                ErrorKind::Validation,
            ),
            (400, "REQUIRED_FIELD_MISSING", ErrorKind::Validation),
            (
                400,
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                ErrorKind::Validation,
            ),
            (400, "STRING_TOO_LONG", ErrorKind::Validation),
            (400, "FIELD_INTEGRITY_EXCEPTION", ErrorKind::Validation),
            (400, "INVALID_CROSS_REFERENCE_KEY", ErrorKind::Validation),
            (404, "NOT_FOUND", ErrorKind::NotFound),
            (404, "ENTITY_IS_DELETED", ErrorKind::NotFound),
            (400, "UNABLE_TO_LOCK_ROW", ErrorKind::LockContention),
            (500, "UNKNOWN_EXCEPTION", ErrorKind::Unavailable),
            (503, "SERVER_UNAVAILABLE", ErrorKind::Unavailable),
            (412, "PRECONDITION_FAILED", ErrorKind::Conflict),
            (400, "MALFORMED_QUERY", ErrorKind::Refused),
            (403, "INSUFFICIENT_ACCESS", ErrorKind::Refused),
        ];
        for (status, code, expected) in table {
            let error = api(*status, code, "Salesforce's own words");
            assert_eq!(error.kind(), *expected, "{status} {code}");
            assert_eq!(error.error_code(), Some(*code));
            assert_eq!(
                error.salesforce_message(),
                Some("Salesforce's own words"),
                "{code}: Salesforce's message stays available"
            );
            assert!(
                !error.to_string().contains(&format!("{code})")) || *expected == ErrorKind::Refused,
                "{code}: a rep does not read error codes: {error}"
            );
        }
        assert_eq!(Error::Timeout.kind(), ErrorKind::Transport);
        assert_eq!(Error::Unreachable("x".into()).kind(), ErrorKind::Transport);
        assert_eq!(Error::NotSignedIn.kind(), ErrorKind::NotSignedIn);
    }

    #[test]
    fn validation_errors_show_salesforces_message_to_the_rep() {
        let error = api(
            400,
            "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "Close Date cannot be in the past",
        );
        assert_eq!(
            error.to_string(),
            "Salesforce did not accept the change: Close Date cannot be in the past"
        );
    }

    #[test]
    fn a_412_is_a_conflict_that_keeps_salesforces_message() {
        let error = api(412, "PRECONDITION_FAILED", "modified since");
        match &error {
            Error::Conflict { code, message } => {
                assert_eq!(code, "PRECONDITION_FAILED");
                assert_eq!(message, "modified since");
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert!(
            !error.is_transient(),
            "trying the same write again cannot help"
        );
        assert!(error.to_string().contains("Reload"), "{error}");
    }

    #[test]
    fn an_expired_session_that_survived_a_refresh_needs_a_sign_in() {
        assert!(api(401, "INVALID_SESSION_ID", "Session expired or invalid").needs_sign_in());
        assert!(Error::SignInRequired("revoked".into()).needs_sign_in());
        assert!(!api(400, "MALFORMED_QUERY", "bad").needs_sign_in());
    }

    #[test]
    fn collection_errors_use_status_code_instead_of_error_code() {
        let body = serde_json::json!([{"statusCode": "REQUIRED_FIELD_MISSING", "message": "m", "fields": ["Subject"]}]);
        let error = Error::from_parts(400, Some(&body), "");
        assert_eq!(error.kind(), ErrorKind::Validation);
        assert_eq!(error.fields(), ["Subject".to_string()]);
    }
}
