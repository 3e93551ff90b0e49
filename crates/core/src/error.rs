//! The core's errors, each with a message fit to show a sales rep, and a code the user
//! interfaces branch on.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user gave something unusable (not a phone number, an over-long note...).
    /// Input quoted in the message is shortened, so pasting a page into a field gives a
    /// message a person can read.
    #[error("{}", shorten_quoted(.0))]
    InvalidInput(String),
    #[error(transparent)]
    Salesforce(#[from] callside_salesforce::Error),
    /// The local database failed.
    #[error("The local database failed: {0}")]
    Storage(String),
    /// The settings are incomplete or contradictory.
    #[error("{0}")]
    Config(String),
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        Error::Storage(error.to_string())
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(error: rusqlite_migration::Error) -> Self {
        Error::Storage(error.to_string())
    }
}

/// What kind of failure an error is, for user interfaces that react differently to each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    NotSignedIn,
    SessionExpired,
    Offline,
    InvalidInput,
    Salesforce,
    Internal,
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        use callside_salesforce::Error as Sf;
        match self {
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Config(_) => ErrorCode::InvalidInput,
            Error::Storage(_) => ErrorCode::Internal,
            Error::Salesforce(error) => {
                use callside_salesforce::error::ErrorKind;
                match (error, error.kind()) {
                    (Sf::NotSignedIn, _) => ErrorCode::NotSignedIn,
                    (_, ErrorKind::NotSignedIn | ErrorKind::SessionExpired) => {
                        ErrorCode::SessionExpired
                    }
                    (_, ErrorKind::Transport) => ErrorCode::Offline,
                    (_, ErrorKind::Config) => ErrorCode::InvalidInput,
                    (_, ErrorKind::Decode) => ErrorCode::Internal,
                    _ => ErrorCode::Salesforce,
                }
            }
        }
    }
}

/// At most this many characters of a quoted input are shown in a message.
const SHOWN_CHARS: usize = 40;

/// Shortens each double-quoted part of `message` (as `{:?}` writes it) to
/// [`SHOWN_CHARS`] characters and an ellipsis.
fn shorten_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(512));
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '"' {
            continue;
        }
        let mut kept = 0;
        let mut escaped = false;
        for c in chars.by_ref() {
            let closing = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            if closing {
                if kept > SHOWN_CHARS {
                    out.push('…');
                }
                out.push('"');
                break;
            }
            kept += 1;
            if kept <= SHOWN_CHARS {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod shorten_tests {
    use super::*;

    #[test]
    fn long_quoted_input_is_shortened_and_short_input_kept() {
        let long = format!("{:?} is not a rating.", "x".repeat(1000));
        let shown = Error::InvalidInput(long).to_string();
        assert_eq!(shown, format!("\"{}…\" is not a rating.", "x".repeat(40)));
        let short = Error::InvalidInput("\"Lukewarm\" is not a rating.".into()).to_string();
        assert_eq!(short, "\"Lukewarm\" is not a rating.");
        let escaped = Error::InvalidInput(format!("{:?} x", "a\"b")).to_string();
        assert_eq!(escaped, "\"a\\\"b\" x");
    }
}
