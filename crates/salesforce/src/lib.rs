//! Callside's Salesforce client.
//!
//! It knows the wire: the OAuth 2.0 authorization-code flow with PKCE and a loopback
//! redirect ([`oauth`]), REST calls with one token refresh on an expired session and
//! retries where they are safe ([`client`], [`retry`]), records, describes, limits and
//! composite calls ([`describe`], [`limits`], [`composite`]), Salesforce's error bodies
//! as typed errors ([`error`]), escaping of every value placed in SOQL or SOSL
//! ([`escape`]) and where tokens live ([`token_store`]).
//! It knows nothing of callers, caches or windows.

pub mod client;
pub mod composite;
pub mod describe;
pub mod error;
pub mod escape;
pub mod health;
mod http_date;
pub mod limits;
pub mod oauth;
pub mod retry;
pub mod secret;
pub mod token_store;

pub use client::{ApiUsage, QueryResult, SalesforceClient, AUTO_ASSIGN};
pub use composite::{CompositeMethod, CompositeSubrequest, CompositeSubresponse};
pub use describe::{FieldDescribe, PicklistValue, SObjectDescribe};
pub use error::{Error, ErrorKind, Result};
pub use limits::{Limit, Limits};
pub use oauth::{Identity, OAuthConfig};
pub use retry::{RetryPolicy, RetryTimer, TokioTimer};
pub use secret::Sensitive;
pub use token_store::{KeyringStore, MemoryStore, StoredSession, TokenStore};

/// The REST API version Callside speaks.
pub const API_VERSION: &str = "62.0";
