//! The core's errors, each with a message fit to show a sales rep, and a code the user
//! interfaces branch on.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user gave something unusable (not a phone number, an over-long note...).
    #[error("{0}")]
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
