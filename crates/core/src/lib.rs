//! Callside's domain, free of any user interface.
//!
//! [`Callside`] is the facade both the desktop shell and the command-line companion
//! use: sign in and out, look a caller up by phone number, log a call. Underneath:
//! [`settings`] (flags, environment, config file; the administrator's [`policy`]),
//! [`phone`] (normalization with libphonenumber's metadata), [`lookup`] (one SOSL search, local verification, ranking,
//! related records), [`store`] (the per-org SQLite database: cache and outbox) and
//! [`calls`] (the call-log action and its outbox).

pub mod account;
pub mod actions;
pub mod app;
pub mod audit;
pub mod calls;
pub mod connections;
pub mod doctor;
pub mod error;
pub mod lookup;
pub mod metrics;
pub mod model;
pub mod panels;
pub mod phone;
pub mod policy;
pub mod search;
pub mod settings;
pub mod store;
pub mod text;

pub use app::Callside;
pub use callside_salesforce as salesforce;
pub use error::{Error, ErrorCode, Result};
pub use model::*;
pub use settings::{Settings, SettingsInput};
pub use text::Text;
