//! Saved org connections: an alias each, one active. Kept in `connections.json` in the
//! data directory (no secrets: the tokens of each connection are in the keychain, under
//! the connection's session key).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::{quoted, Text};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedConnection {
    pub login_url: String,
    pub client_id: Option<String>,
    pub callback_port: Option<u16>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Connections {
    pub active: Option<String>,
    pub connections: BTreeMap<String, SavedConnection>,
}

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("connections.json")
}

/// Checks an alias: letters, digits, `-`, `_` and `.`, at most 64.
pub fn check_alias(alias: &str) -> Result<()> {
    let ok = !alias.is_empty()
        && alias.len() <= 64
        && alias
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(Text::NotAnAlias {
            input: quoted(alias),
        }))
    }
}

impl Connections {
    pub fn load(data_dir: &Path) -> Result<Connections> {
        match std::fs::read_to_string(path(data_dir)) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| Error::Config(format!("{}: {e}", path(data_dir).display()))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok(Connections::default())
            }
            Err(error) => Err(Error::Config(format!(
                "{}: {error}",
                path(data_dir).display()
            ))),
        }
    }

    /// Writes the file atomically (a temporary file renamed over it).
    pub fn save(&self, data_dir: &Path) -> Result<()> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| Error::Storage(format!("cannot create {}: {e}", data_dir.display())))?;
        let temporary = data_dir.join("connections.json.tmp");
        let json = serde_json::to_string_pretty(self).map_err(|e| Error::Storage(e.to_string()))?;
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::rename(&temporary, path(data_dir)))
            .map_err(|e| Error::Storage(format!("cannot save the org connections: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_round_trip_and_aliases_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Connections::load(dir.path()).unwrap(),
            Connections::default()
        );
        let mut connections = Connections::default();
        connections.connections.insert(
            "acme-sandbox".into(),
            SavedConnection {
                login_url: "https://test.salesforce.com".into(),
                client_id: Some("3MVG".into()),
                callback_port: None,
            },
        );
        connections.active = Some("acme-sandbox".into());
        connections.save(dir.path()).unwrap();
        assert_eq!(Connections::load(dir.path()).unwrap(), connections);
        assert!(check_alias("acme_prod.2").is_ok());
        assert!(check_alias("../x").is_err());
        assert!(check_alias("").is_err());
    }
}
