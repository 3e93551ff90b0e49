//! Errors from talking to Salesforce, typed from its `[{message, errorCode, fields}]` bodies.

use serde::Deserialize;

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
    /// Salesforce answered with an error body.
    #[error("{}", api_message(.status, .code, .message))]
    Api {
        status: u16,
        code: String,
        message: String,
        fields: Vec<String>,
    },
    /// The request never got an answer: no network, DNS, refused connection, TLS.
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
}

fn api_message(status: &u16, code: &str, message: &str) -> String {
    match code {
        "INVALID_SESSION_ID" => "Your Salesforce session has expired. Sign in again.".into(),
        "REQUEST_LIMIT_EXCEEDED" => {
            "Your org has used up its Salesforce API requests for now. Try again later.".into()
        }
        "UNABLE_TO_LOCK_ROW" => {
            "Salesforce is busy with this record right now. Try again in a moment.".into()
        }
        "NOT_FOUND" | "ENTITY_IS_DELETED" => {
            format!("The record no longer exists in Salesforce ({message}).")
        }
        _ if *status >= 500 => format!("Salesforce is unavailable right now (HTTP {status})."),
        _ => format!("Salesforce refused the request: {message} ({code})"),
    }
}

impl Error {
    /// True when the failure says nothing about the request itself and a later try may
    /// succeed: no connection, timeouts, server unavailability, lock contention, limits.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Unreachable(_) | Error::Timeout => true,
            Error::Api { status, code, .. } => {
                *status >= 500 || code == "UNABLE_TO_LOCK_ROW" || code == "REQUEST_LIMIT_EXCEEDED"
            }
            _ => false,
        }
    }

    /// True when Salesforce could not be reached at all.
    pub fn is_offline(&self) -> bool {
        matches!(self, Error::Unreachable(_) | Error::Timeout)
    }

    /// True when the user must sign in (again) before anything else works.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Error::NotSignedIn | Error::SignInRequired(_))
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

    /// Builds an error from a non-success REST response body.
    pub(crate) fn from_response(status: u16, body: &str) -> Error {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct ApiErrorBody {
            message: String,
            error_code: String,
            #[serde(default)]
            fields: Vec<String>,
        }
        match serde_json::from_str::<Vec<ApiErrorBody>>(body) {
            Ok(mut errors) if !errors.is_empty() => {
                let first = errors.remove(0);
                Error::Api {
                    status,
                    code: first.error_code,
                    message: first.message,
                    fields: first.fields,
                }
            }
            _ => Error::Api {
                status,
                code: format!("HTTP_{status}"),
                message: body.chars().take(200).collect(),
                fields: Vec::new(),
            },
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
        assert!(!error.is_transient());
    }

    #[test]
    fn a_body_that_is_not_an_error_array_still_gives_a_readable_error() {
        let error = Error::from_response(503, "<html>Maintenance</html>");
        assert!(error.is_transient(), "503 is worth retrying");
        assert_eq!(
            error.to_string(),
            "Salesforce is unavailable right now (HTTP 503)."
        );
    }
}
