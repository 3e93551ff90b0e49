//! Where a signed-in session's tokens live: the OS keychain, or memory only.
//!
//! Tokens never go to files, logs or the webview. On Linux the keychain is the Secret
//! Service (GNOME Keyring, KWallet); the `keyring` crate's silent in-memory fallback is
//! not compiled in, so a missing keychain is an error the app can report.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::secret::Sensitive;

/// The keychain service name under which Callside keeps its entries.
pub const KEYCHAIN_SERVICE: &str = "callside";

/// Everything needed to resume a session without a new sign-in. Stored as one keychain
/// secret, so it is not `Serialize` itself: `StoredSession::to_secret` is the only way
/// out.
#[derive(Clone, Debug)]
pub struct StoredSession {
    pub access_token: Sensitive<String>,
    pub refresh_token: Option<Sensitive<String>>,
    pub instance_url: String,
    pub identity_url: String,
    pub user_id: String,
    pub org_id: String,
    pub user_name: String,
    pub username: String,
}

#[derive(Serialize, Deserialize)]
struct SessionRecord {
    access_token: String,
    refresh_token: Option<String>,
    instance_url: String,
    identity_url: String,
    user_id: String,
    org_id: String,
    user_name: String,
    username: String,
}

impl StoredSession {
    fn to_secret(&self) -> String {
        let record = SessionRecord {
            access_token: self.access_token.expose().clone(),
            refresh_token: self.refresh_token.as_ref().map(|t| t.expose().clone()),
            instance_url: self.instance_url.clone(),
            identity_url: self.identity_url.clone(),
            user_id: self.user_id.clone(),
            org_id: self.org_id.clone(),
            user_name: self.user_name.clone(),
            username: self.username.clone(),
        };
        serde_json::to_string(&record).expect("a session record always serializes")
    }

    fn from_secret(secret: &str) -> Result<StoredSession> {
        let record: SessionRecord = serde_json::from_str(secret)
            .map_err(|e| Error::Keychain(format!("the stored session is unreadable: {e}")))?;
        Ok(StoredSession {
            access_token: Sensitive::new(record.access_token),
            refresh_token: record.refresh_token.map(Sensitive::new),
            instance_url: record.instance_url,
            identity_url: record.identity_url,
            user_id: record.user_id,
            org_id: record.org_id,
            user_name: record.user_name,
            username: record.username,
        })
    }
}

/// A place for sessions, keyed by connection (one key per login URL and client id).
pub trait TokenStore: Send + Sync {
    fn load(&self, key: &str) -> Result<Option<StoredSession>>;
    fn save(&self, key: &str, session: &StoredSession) -> Result<()>;
    fn delete(&self, key: &str) -> Result<()>;
    /// A short description for status displays ("Secret Service", "memory only").
    fn describe(&self) -> String;
}

/// The OS keychain through the `keyring` crate.
#[derive(Debug, Default)]
pub struct KeyringStore;

impl KeyringStore {
    fn entry(key: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(KEYCHAIN_SERVICE, key).map_err(keychain_error)
    }

    /// Checks that the keychain answers at all (a read of an entry that need not exist).
    pub fn probe(&self) -> Result<()> {
        self.load("callside-probe").map(|_| ())
    }
}

fn keychain_error(error: keyring::Error) -> Error {
    Error::Keychain(error.to_string())
}

impl TokenStore for KeyringStore {
    fn load(&self, key: &str) -> Result<Option<StoredSession>> {
        match Self::entry(key)?.get_password() {
            Ok(secret) => StoredSession::from_secret(&secret).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(other) => Err(keychain_error(other)),
        }
    }

    fn save(&self, key: &str, session: &StoredSession) -> Result<()> {
        Self::entry(key)?
            .set_password(&session.to_secret())
            .map_err(keychain_error)
    }

    fn delete(&self, key: &str) -> Result<()> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(other) => Err(keychain_error(other)),
        }
    }

    fn describe(&self) -> String {
        if cfg!(target_os = "linux") {
            "Secret Service".into()
        } else if cfg!(target_os = "macos") {
            "macOS Keychain".into()
        } else {
            "Windows Credential Manager".into()
        }
    }
}

/// Sessions kept only for the life of the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: Mutex<HashMap<String, StoredSession>>,
}

impl TokenStore for MemoryStore {
    fn load(&self, key: &str) -> Result<Option<StoredSession>> {
        Ok(self.sessions.lock().unwrap().get(key).cloned())
    }

    fn save(&self, key: &str, session: &StoredSession) -> Result<()> {
        self.sessions
            .lock()
            .unwrap()
            .insert(key.to_string(), session.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<()> {
        self.sessions.lock().unwrap().remove(key);
        Ok(())
    }

    fn describe(&self) -> String {
        "memory only".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> StoredSession {
        StoredSession {
            access_token: Sensitive::new("00D!access".into()),
            refresh_token: Some(Sensitive::new("refresh".into())),
            instance_url: "https://example.my.salesforce.com".into(),
            identity_url: "https://login.salesforce.com/id/00D/005".into(),
            user_id: "005".into(),
            org_id: "00D".into(),
            user_name: "Riley".into(),
            username: "riley@example.com".into(),
        }
    }

    #[test]
    fn a_stored_session_round_trips_through_its_secret_form() {
        let secret = session().to_secret();
        let back = StoredSession::from_secret(&secret).unwrap();
        assert_eq!(back.access_token.expose(), "00D!access");
        assert_eq!(back.refresh_token.unwrap().expose(), "refresh");
        assert_eq!(back.org_id, "00D");
    }

    #[test]
    fn debug_output_of_a_session_hides_its_tokens() {
        let printed = format!("{:?}", session());
        assert!(!printed.contains("00D!access") && !printed.contains("\"refresh\""));
    }

    #[test]
    fn memory_store_saves_loads_and_deletes() {
        let store = MemoryStore::default();
        assert!(store.load("k").unwrap().is_none());
        store.save("k", &session()).unwrap();
        assert_eq!(store.load("k").unwrap().unwrap().user_name, "Riley");
        store.delete("k").unwrap();
        assert!(store.load("k").unwrap().is_none());
    }
}
