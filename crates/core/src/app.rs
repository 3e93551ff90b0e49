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
    ActionStatus, CallDirection, LogCallOutcome, LogCallRequest, LookupResult, LookupSource,
    RecentCall, RecordType, SessionStatus,
};
use crate::phone;
use crate::settings::Settings;
use crate::store::{RecentCallRow, Store};

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

fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn rfc3339_from_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn direction_text(direction: CallDirection) -> &'static str {
    match direction {
        CallDirection::Inbound => "inbound",
        CallDirection::Outbound => "outbound",
    }
}

/// A call log is matched to the recent call it ends when it comes within this time.
const RECENT_CALL_WINDOW_MS: i64 = 12 * 60 * 60 * 1000;

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

    async fn signed_in(&self) -> Result<Arc<Connection>> {
        Ok(self
            .connection()
            .await
            .ok_or(callside_salesforce::Error::NotSignedIn)?)
    }

    /// Who is calling, fresh from Salesforce when reachable, else from the local cache.
    /// This is the command line's lookup; the app pops with [`Callside::pop`].
    pub async fn lookup(&self, input: &str) -> Result<LookupResult> {
        let number = phone::normalize(input, &self.settings.region)?;
        let connection = self.signed_in().await?;
        let fresh = lookup::lookup_live(
            &connection.client,
            &connection.store,
            &number,
            &self.settings.region,
            &self.settings.match_order,
            &now(),
            now_ms(),
        )
        .await;
        self.evict(&connection);
        match fresh {
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

    /// A screen pop, as fast as the data allows. A number seen before answers from the
    /// cache at once (source `cache`) and is refreshed in the background; an unknown one
    /// answers after one search (the first paint), and the best match's related records
    /// follow. Each later, fuller answer (or the error that stopped it) goes to
    /// `on_update` with the number in E.164. The call is added to the recent-calls list.
    pub async fn pop<F>(
        &self,
        input: &str,
        direction: CallDirection,
        on_update: F,
    ) -> Result<LookupResult>
    where
        F: Fn(&str, Result<LookupResult>) + Send + Sync + 'static,
    {
        let number = phone::normalize(input, &self.settings.region)?;
        let connection = self.signed_in().await?;
        let region = self.settings.region.clone();
        let order = self.settings.match_order.clone();
        let limits = self.settings.cache_limits;
        if let Some(mut cached) =
            connection
                .store
                .cached_lookup_within(&number.e164, now_ms(), limits.max_age_ms)?
        {
            cached.source = LookupSource::Cache;
            self.add_recent_call(&connection, &cached, direction);
            let connection = connection.clone();
            tokio::spawn(async move {
                let fresh = lookup::lookup_live(
                    &connection.client,
                    &connection.store,
                    &number,
                    &region,
                    &order,
                    &now(),
                    now_ms(),
                )
                .await;
                on_update(&number.e164, fresh);
            });
            return Ok(cached);
        }
        let picked = connection.store.picked(&number.e164)?;
        let options = lookup::SearchOptions {
            region: &region,
            picked: picked.as_deref(),
            order: &order,
        };
        let mut found = lookup::search(&connection.client, &number, &options, &now()).await?;
        let first_paint = found.result.clone();
        self.add_recent_call(&connection, &first_paint, direction);
        if !lookup::has_related(&first_paint) {
            lookup::save(&connection.store, &found, now_ms())?;
            self.evict(&connection);
            return Ok(first_paint);
        }
        let connection = connection.clone();
        tokio::spawn(async move {
            let outcome = lookup::add_related(&connection.client, &mut found.result).await;
            // Cache what there is either way; the related records come with the next pop.
            if let Err(error) = lookup::save(&connection.store, &found, now_ms()) {
                tracing::warn!("the lookup was not cached: {error}");
            }
            if let Err(error) = connection.store.evict(limits, now_ms()) {
                tracing::warn!("the cache could not be trimmed: {error}");
            }
            let e164 = found.result.number.clone();
            on_update(&e164, outcome.map(|()| found.result));
        });
        Ok(first_paint)
    }

    fn add_recent_call(
        &self,
        connection: &Connection,
        result: &LookupResult,
        direction: CallDirection,
    ) {
        let best = result.matches.first();
        let row = RecentCallRow {
            id: 0,
            e164: result.number.clone(),
            record_id: best.map(|m| m.id.clone()),
            record_type: best.map(|m| m.record_type.api_name().to_string()),
            record_name: best.map(|m| m.name.clone()),
            direction: direction_text(direction).into(),
            started_ms: now_ms(),
            duration_seconds: None,
        };
        if let Err(error) = connection.store.add_recent_call(&row) {
            tracing::warn!("the call was not added to the recent calls: {error}");
        }
    }

    fn evict(&self, connection: &Connection) {
        if let Err(error) = connection.store.evict(self.settings.cache_limits, now_ms()) {
            tracing::warn!("the cache could not be trimmed: {error}");
        }
    }

    /// The most recent calls, newest first.
    pub async fn recent_calls(&self, limit: u32) -> Result<Vec<RecentCall>> {
        let connection = self.signed_in().await?;
        Ok(connection
            .store
            .recent_calls(limit)?
            .into_iter()
            .map(|row| RecentCall {
                number: row.e164,
                record_id: row.record_id,
                record_type: row
                    .record_type
                    .as_deref()
                    .and_then(RecordType::from_api_name),
                name: row.record_name,
                direction: if row.direction == "outbound" {
                    CallDirection::Outbound
                } else {
                    CallDirection::Inbound
                },
                started_at: rfc3339_from_ms(row.started_ms),
                duration_seconds: row.duration_seconds,
            })
            .collect())
    }

    /// Remembers the record the rep picked among several matches for a number; the next
    /// pop of that number puts it first.
    pub async fn remember_pick(&self, input: &str, record_id: &str) -> Result<()> {
        let number = phone::normalize(input, &self.settings.region)?;
        let connection = self.signed_in().await?;
        connection
            .store
            .remember_pick(&number.e164, record_id, now_ms())
    }

    /// Empties this org's cache, remembered picks and recent calls.
    pub async fn clear_cache(&self) -> Result<()> {
        self.signed_in().await?.store.purge_cache()
    }

    /// Logs a call: stored first, then sent. A call that cannot be sent now stays queued.
    pub async fn log_call(&self, request: &LogCallRequest) -> Result<LogCallOutcome> {
        calls::validate(request)?;
        let connection = self
            .connection()
            .await
            .ok_or(callside_salesforce::Error::NotSignedIn)?;
        let action_id = calls::enqueue(&connection.store, request, &today(), &now())?;
        // The call ends when it is logged: its duration goes to the recent-calls list.
        if let Err(error) = connection.store.finish_recent_call(
            &request.who_id,
            request.duration_seconds,
            now_ms(),
            RECENT_CALL_WINDOW_MS,
        ) {
            tracing::warn!("the recent call was not updated: {error}");
        }
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
