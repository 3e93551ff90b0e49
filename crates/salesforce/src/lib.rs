//! Callside's Salesforce client.
//!
//! It knows the wire: the OAuth 2.0 authorization-code flow with PKCE and a loopback
//! redirect ([`oauth`]), REST calls with one token refresh on an expired session
//! ([`client`]), Salesforce's error bodies as typed errors ([`error`]), escaping of every
//! value placed in SOQL or SOSL ([`escape`]) and where tokens live ([`token_store`]).
//! It knows nothing of callers, caches or windows.

pub mod client;
pub mod error;
pub mod escape;
pub mod oauth;
pub mod secret;
pub mod token_store;

pub use client::{ApiUsage, QueryResult, SalesforceClient};
pub use error::{Error, Result};
pub use oauth::{Identity, OAuthConfig};
pub use secret::Sensitive;
pub use token_store::{KeyringStore, MemoryStore, StoredSession, TokenStore};

/// The REST API version Callside speaks.
pub const API_VERSION: &str = "62.0";
