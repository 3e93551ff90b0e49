//! [`Callside`], the facade the desktop shell and the command line share.

use std::sync::Arc;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use callside_salesforce::oauth::{self, OAuthConfig};
use callside_salesforce::{KeyringStore, MemoryStore, SalesforceClient, StoredSession, TokenStore};

use crate::calls;
use crate::error::{Error, Result};
use crate::lookup;
use crate::model::{
    ActionStatus, LogCallOutcome, LogCallRequest, LookupResult, LookupSource, SessionStatus,
};
use crate::phone;
use crate::settings::Settings;
use crate::store::Store;

/// A signed-in org: its client and its database.
struct Connection {
    client: SalesforceClient,
    store: Store,
}

pub struct Callside {
    settings: Settings,
    tokens: Arc<dyn TokenStore>,
    token_note: String,
    connection: tokio::sync::RwLock<Option<Arc<Connection>>>,
}

/// The OS keychain when it answers; otherwise memory only, with the reason.
pub fn system_token_store() -> (Arc<dyn TokenStore>, String) {
    let keychain = KeyringStore;
    match keychain.probe() {
        Ok(()) => {
            let note = keychain.describe();
            (Arc::new(keychain), note)
        }
        Err(error) => {
            tracing::warn!("tokens will stay in memory only: {error}");
            (
                Arc::new(MemoryStore::default()),
                format!("memory only ({error})"),
            )
        }
    }
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

fn today() -> String {
    let date = OffsetDateTime::now_local()
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl Callside {
    /// Opens Callside with the given token store, resuming a stored session if there is one.
    pub fn open(
        settings: Settings,
        tokens: Arc<dyn TokenStore>,
        token_note: String,
    ) -> Result<Callside> {
        let callside = Callside {
            settings,
            tokens,
            token_note,
            connection: tokio::sync::RwLock::new(None),
        };
        match callside.tokens.load(&callside.settings.session_key()) {
            Ok(Some(session)) => {
                let connection = callside.connect(session)?;
                *callside.connection.try_write().expect("no other user yet") =
                    Some(Arc::new(connection));
            }
            Ok(None) => {}
            Err(error) => tracing::warn!("no stored session could be read: {error}"),
        }
        Ok(callside)
    }

    /// Opens Callside with the OS keychain (or memory only when there is none).
    pub fn open_with_system_keychain(settings: Settings) -> Result<Callside> {
        let (tokens, note) = system_token_store();
        Callside::open(settings, tokens, note)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn oauth_config(&self) -> Result<OAuthConfig> {
        let client_id = self.settings.client_id.clone().ok_or_else(|| {
            Error::Config(
                "No connected-app client id is configured: pass --client-id, set CALLSIDE_CLIENT_ID, or add client_id to the config file.".into(),
            )
        })?;
        Ok(OAuthConfig {
            login_url: self.settings.login_url.clone(),
            client_id,
            callback_port: self.settings.callback_port,
            timeout: self.settings.sign_in_timeout,
        })
    }

    fn connect(&self, session: StoredSession) -> Result<Connection> {
        let store = Store::open_for_org(&self.settings.data_dir, &session.org_id)?;
        let client = SalesforceClient::new(
            self.oauth_config()?,
            self.tokens.clone(),
            self.settings.session_key(),
            session,
        )?;
        Ok(Connection { client, store })
    }

    async fn connection(&self) -> Option<Arc<Connection>> {
        self.connection.read().await.clone()
    }

    pub async fn status(&self) -> SessionStatus {
        let mut status = SessionStatus {
            signed_in: false,
            user_name: None,
            username: None,
            org_id: None,
            instance_url: None,
            login_url: self.settings.login_url.to_string(),
            keychain: self.token_note.clone(),
        };
        if let Some(connection) = self.connection().await {
            let session = connection.client.session().await;
            status.signed_in = true;
            status.user_name = Some(session.user_name);
            status.username = Some(session.username);
            status.org_id = Some(session.org_id);
            status.instance_url = Some(session.instance_url);
        }
        status
    }

    /// Signs in through the system browser.
    pub async fn sign_in(&self) -> Result<SessionStatus> {
        self.sign_in_with(oauth::open_system_browser).await
    }

    /// Signs in, handing the authorize URL to `open_browser`.
    pub async fn sign_in_with<F>(&self, open_browser: F) -> Result<SessionStatus>
    where
        F: FnOnce(String) -> callside_salesforce::Result<()> + Send + 'static,
    {
        let session = oauth::sign_in(&self.oauth_config()?, open_browser).await?;
        if let Err(error) = self.tokens.save(&self.settings.session_key(), &session) {
            tracing::warn!("the session stays in memory only: {error}");
        }
        let connection = self.connect(session)?;
        *self.connection.write().await = Some(Arc::new(connection));
        if let Err(error) = self.send_pending().await {
            tracing::warn!("queued actions were not sent after sign-in: {error}");
        }
        Ok(self.status().await)
    }

    /// Signs out: revokes the refresh token, forgets the session and empties the cache.
    /// Queued actions stay, to be sent after the next sign-in.
    pub async fn sign_out(&self) -> Result<SessionStatus> {
        let connection = self.connection.write().await.take();
        if let Some(connection) = connection {
            let session = connection.client.session().await;
            let token = session
                .refresh_token
                .as_ref()
                .unwrap_or(&session.access_token);
            if let Err(error) = oauth::revoke(&self.oauth_config()?, token).await {
                tracing::warn!("the token could not be revoked: {error}");
            }
            connection.store.purge_cache()?;
        }
        self.tokens.delete(&self.settings.session_key())?;
        Ok(self.status().await)
    }

    /// Who is calling: Salesforce when reachable, else the local cache.
    pub async fn lookup(&self, input: &str) -> Result<LookupResult> {
        let number = phone::normalize(input, &self.settings.region)?;
        let connection = self
            .connection()
            .await
            .ok_or(callside_salesforce::Error::NotSignedIn)?;
        match lookup::lookup_live(
            &connection.client,
            &connection.store,
            &number,
            &self.settings.region,
            &now(),
        )
        .await
        {
            Ok(result) => Ok(result),
            Err(Error::Salesforce(error)) if error.is_offline() => {
                match connection.store.cached_lookup(&number.e164)? {
                    Some(mut cached) => {
                        cached.source = LookupSource::Cache;
                        Ok(cached)
                    }
                    None => Err(Error::Salesforce(error)),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Logs a call: stored first, then sent. A call that cannot be sent now stays queued.
    pub async fn log_call(&self, request: &LogCallRequest) -> Result<LogCallOutcome> {
        calls::validate(request)?;
        let connection = self
            .connection()
            .await
            .ok_or(callside_salesforce::Error::NotSignedIn)?;
        let action_id = calls::enqueue(&connection.store, request, &today(), &now())?;
        let item = connection
            .store
            .outbox_item(&action_id)?
            .ok_or_else(|| Error::Storage("a queued action vanished".into()))?;
        calls::send(&connection.client, &connection.store, &item, &now()).await
    }

    /// Sends every pending action, oldest first; stops at the first one that stays
    /// pending, since the others would meet the same fate.
    pub async fn send_pending(&self) -> Result<Vec<LogCallOutcome>> {
        let Some(connection) = self.connection().await else {
            return Ok(Vec::new());
        };
        let mut outcomes = Vec::new();
        for item in connection.store.pending()? {
            let outcome = calls::send(&connection.client, &connection.store, &item, &now()).await?;
            let stop = outcome.status == ActionStatus::Pending;
            outcomes.push(outcome);
            if stop {
                break;
            }
        }
        Ok(outcomes)
    }

    /// A queued action as stored.
    pub async fn action(&self, action_id: &str) -> Result<Option<LogCallOutcome>> {
        let Some(connection) = self.connection().await else {
            return Ok(None);
        };
        Ok(connection
            .store
            .outbox_item(action_id)?
            .as_ref()
            .map(calls::stored_outcome))
    }
}
