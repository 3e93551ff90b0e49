//! The core's errors, each with a message fit to show a sales rep, and a code the user
//! interfaces branch on.

use serde::Serialize;

use crate::text::Text;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user gave something unusable (not a phone number, an over-long note...).
    /// Input quoted in the message is shortened ([`crate::text::quoted`]), so pasting a
    /// page into a field gives a message a person can read.
    #[error("{0}")]
    InvalidInput(Text),
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

impl Error {
    /// The message as a [`Text`] (key and values) where it has one: the UI shows it in
    /// the rep's language. Salesforce's own messages and the settings' problems (for
    /// administrators) have none and are shown as written.
    pub fn text(&self) -> Option<Text> {
        use callside_salesforce::Error as Sf;
        Some(match self {
            Error::InvalidInput(text) => text.clone(),
            Error::Storage(detail) => Text::DatabaseFailed {
                detail: detail.clone(),
            },
            Error::Config(_) => return None,
            Error::Salesforce(error) => match error {
                Sf::NotSignedIn => Text::NotSignedIn,
                Sf::SignInRequired(detail) => Text::SessionEnded {
                    detail: detail.clone(),
                },
                Sf::Unreachable(detail) => Text::Unreachable {
                    detail: detail.clone(),
                },
                Sf::Timeout => Text::TimedOut,
                Sf::Decode(detail) => Text::UnexpectedAnswer {
                    detail: detail.clone(),
                },
                Sf::SignIn(detail) => Text::SignInFailed {
                    detail: detail.clone(),
                },
                Sf::Keychain(detail) => Text::KeychainUnavailable {
                    detail: detail.clone(),
                },
                Sf::Conflict { .. } => Text::RecordChanged,
                Sf::Api {
                    status,
                    code,
                    message,
                    ..
                } => {
                    use callside_salesforce::error::ErrorKind;
                    match error.kind() {
                        ErrorKind::SessionExpired => Text::SessionExpired,
                        ErrorKind::LimitExceeded => Text::ApiLimitReached,
                        ErrorKind::LockContention => Text::RecordBusy,
                        ErrorKind::NotFound => Text::RecordGone {
                            message: message.clone(),
                        },
                        ErrorKind::Validation => Text::ChangeNotAccepted {
                            message: message.clone(),
                        },
                        ErrorKind::Unavailable => Text::SalesforceUnavailable {
                            status: status.to_string(),
                        },
                        _ => Text::RequestRefused {
                            message: message.clone(),
                            code: code.clone(),
                        },
                    }
                }
                _ => return None,
            },
        })
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn input_errors_read_as_their_text_and_carry_it() {
        let error = Error::InvalidInput(Text::NotARating {
            input: crate::text::quoted(&"x".repeat(1000)),
        });
        assert_eq!(
            error.to_string(),
            format!(
                "\"{}…\" is not a rating; use Hot, Warm or Cold.",
                "x".repeat(40)
            )
        );
        assert_eq!(error.text().unwrap().key(), "NotARating");
        assert_eq!(error.code(), ErrorCode::InvalidInput);
    }

    #[test]
    fn salesforce_errors_of_the_client_have_texts_and_salesforces_own_do_not() {
        let offline = Error::Salesforce(callside_salesforce::Error::Timeout);
        assert_eq!(offline.text(), Some(Text::TimedOut));
        assert_eq!(offline.to_string(), Text::TimedOut.to_string());
        let ended = Error::Salesforce(callside_salesforce::Error::SignInRequired("expired".into()));
        assert_eq!(ended.to_string(), ended.text().unwrap().to_string());
        let refused = Error::Salesforce(callside_salesforce::Error::Api {
            status: 400,
            code: "FIELD_CUSTOM_VALIDATION_EXCEPTION".into(),
            message: "Close date required".into(),
            fields: Vec::new(),
        });
        // Salesforce's own words go in as a value; the text around them is Callside's.
        let text = refused.text().unwrap();
        assert_eq!(text.key(), "ChangeNotAccepted");
        assert_eq!(text.to_string(), refused.to_string());
        let settings = Error::Config("enabled_actions lists \"dance\"".into());
        assert_eq!(settings.text(), None);
    }
}
