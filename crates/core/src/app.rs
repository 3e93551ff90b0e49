//! [`Callside`], the facade the desktop shell and the command line share.

use std::sync::Arc;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use callside_salesforce::oauth::{self, OAuthConfig};
use callside_salesforce::{KeyringStore, MemoryStore, SalesforceClient, StoredSession, TokenStore};

use crate::actions::{self, Action};
use crate::calls;
use crate::connections::{check_alias, Connections, SavedConnection};
use crate::error::{Error, Result};
use crate::lookup;
use crate::model::{
    ActionOutcome, ActionStatus, CallDirection, LogCallOutcome, LogCallRequest, LookupResult,
    LookupSource, NewLead, NewOpportunity, OrgConnection, OutcomeStage, RecentCall, RecordType,
    SessionStatus, Stage, WrapUp,
};
use crate::phone;
use crate::settings::Settings;
use crate::store::{RecentCallRow, Store};
use crate::text::{quoted, Text};

/// A signed-in org: its client and its database.
struct Connection {
    client: SalesforceClient,
    store: Store,
    /// The org's audit trail, written as the signed-in user.
    audit: crate::audit::AuditLog,
}

pub struct Callside {
    settings: Settings,
    tokens: Arc<dyn TokenStore>,
    token_note: String,
    connection: tokio::sync::RwLock<Option<Arc<Connection>>>,
    /// When set, actions are only queued; a later `send_pending` sends them.
    defer_sending: std::sync::atomic::AtomicBool,
    /// Whether the `[field_mapping]` fields were found on the signed-in org's Lead.
    mapping_checked: std::sync::atomic::AtomicBool,
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
            defer_sending: std::sync::atomic::AtomicBool::new(false),
            mapping_checked: std::sync::atomic::AtomicBool::new(false),
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

    /// The org's API usage from the last response (`Sforce-Limit-Info`): used and limit.
    pub async fn api_usage(&self) -> Option<(u64, u64)> {
        let connection = self.connection().await?;
        connection
            .client
            .api_usage()
            .map(|usage| (usage.used, usage.limit))
    }

    /// The org's daily API requests (used, allowed) from `GET /limits`, asked with the
    /// stored session: one cheap request that also shows the session still works.
    pub async fn daily_api_requests(&self) -> Result<Option<(u64, u64)>> {
        let connection = self.signed_in().await?;
        let limits = connection.client.limits().await?;
        Ok(limits.daily_api_requests().map(|limit| {
            (
                u64::try_from(limit.used()).unwrap_or(0),
                u64::try_from(limit.max).unwrap_or(0),
            )
        }))
    }

    /// The Lightning page of a record in the signed-in org.
    pub async fn record_url(&self, record_id: &str) -> Result<String> {
        if !calls::is_record_id(record_id) {
            return Err(Error::InvalidInput(Text::NotARecordId {
                input: quoted(record_id),
            }));
        }
        let connection = self.signed_in().await?;
        let instance = connection.client.session().await.instance_url;
        Ok(format!(
            "{}/lightning/r/{record_id}/view",
            instance.trim_end_matches('/')
        ))
    }

    /// The saved org connections, the active one marked.
    pub fn orgs(&self) -> Result<Vec<OrgConnection>> {
        let connections = Connections::load(&self.settings.data_dir)?;
        Ok(connections
            .connections
            .iter()
            .map(|(alias, saved)| {
                let session = self.tokens.load(&format!("org:{alias}")).ok().flatten();
                OrgConnection {
                    alias: alias.clone(),
                    login_url: saved.login_url.clone(),
                    active: connections.active.as_deref() == Some(alias),
                    signed_in: session.is_some(),
                    username: session.as_ref().map(|s| s.username.clone()),
                    instance_url: session.map(|s| s.instance_url),
                }
            })
            .collect())
    }

    /// Makes a saved connection the active one; no new sign-in is needed while its
    /// refresh token is valid.
    pub fn use_org(&self, alias: &str) -> Result<()> {
        check_alias(alias)?;
        let mut connections = Connections::load(&self.settings.data_dir)?;
        if !connections.connections.contains_key(alias) {
            let known: Vec<&str> = connections.connections.keys().map(String::as_str).collect();
            return Err(Error::InvalidInput(Text::NoSavedOrg {
                alias: quoted(alias),
                saved: if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                },
                name: alias.to_string(),
            }));
        }
        connections.active = Some(alias.to_string());
        connections.save(&self.settings.data_dir)
    }

    /// Queue actions without trying to send them at once (`--no-wait`).
    pub fn defer_sending(&self, defer: bool) {
        self.defer_sending
            .store(defer, std::sync::atomic::Ordering::Relaxed);
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
        if !self.settings.cache_enabled {
            // `cache_enabled = false`: what an earlier run cached goes, nothing new comes.
            store.disable_cache()?;
        }
        store.set_sensitive_fields(&self.settings.sensitive_fields)?;
        let audit = crate::audit::AuditLog::open_for_org(
            &self.settings.data_dir,
            &session.org_id,
            &session.username,
            &self.settings.sensitive_fields,
            self.settings.audit_retention_days,
            now_ms(),
        )?;
        let client = SalesforceClient::new(
            self.oauth_config()?,
            self.tokens.clone(),
            self.settings.session_key(),
            session,
        )?;
        match crate::metrics::ApiRecorder::open(store.path(), now_ms()) {
            Ok(recorder) => client.observe(Arc::new(recorder).observer()),
            Err(error) => tracing::warn!("API requests will not be recorded: {error}"),
        }
        Ok(Connection {
            client,
            store,
            audit,
        })
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
        // The sign-in's own requests are counted in the org's API health once its
        // database is open.
        let requests = std::sync::Mutex::new(Vec::new());
        let session = oauth::sign_in_observed(&self.oauth_config()?, open_browser, &|sample| {
            requests
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(sample.clone())
        })
        .await?;
        if let Err(error) = self.tokens.save(&self.settings.session_key(), &session) {
            tracing::warn!("the session stays in memory only: {error}");
        }
        if let Some(alias) = &self.settings.alias {
            let mut connections = Connections::load(&self.settings.data_dir)?;
            connections.connections.insert(
                alias.clone(),
                SavedConnection {
                    login_url: self.settings.login_url.to_string(),
                    client_id: self.settings.client_id.clone(),
                    callback_port: Some(self.settings.callback_port),
                },
            );
            connections.active = Some(alias.clone());
            connections.save(&self.settings.data_dir)?;
        }
        let connection = self.connect(session)?;
        for sample in requests.into_inner().unwrap_or_else(|e| e.into_inner()) {
            connection.client.report_sample(&sample);
        }
        *self.connection.write().await = Some(Arc::new(connection));
        self.mapping_checked
            .store(false, std::sync::atomic::Ordering::Relaxed);
        if let Err(error) = self.check_field_mapping().await {
            tracing::warn!("{error}");
        }
        if let Err(error) = self.check_account_fields().await {
            tracing::warn!("{error}");
        }
        if let Err(error) = self.check_panels().await {
            tracing::warn!("{error}");
        }
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
            if let Err(error) = connection.client.revoke().await {
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
            &self.settings,
            &now(),
            now_ms(),
        )
        .await;
        self.evict(&connection);
        if let Ok(result) = &fresh {
            let records = result.matches.iter().map(|m| m.id.clone()).collect();
            crate::audit::record_shown(&connection.audit, "lookup", records, now_ms());
        }
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
            let settings = self.settings.clone();
            tokio::spawn(async move {
                let fresh = lookup::lookup_live(
                    &connection.client,
                    &connection.store,
                    &number,
                    &settings,
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
        lookup::keep_recently_created(&connection.store, &mut found, now_ms())?;
        let first_paint = found.result.clone();
        self.add_recent_call(&connection, &first_paint, direction);
        if !lookup::has_related(&first_paint) {
            lookup::save(&connection.store, &found, now_ms())?;
            self.evict(&connection);
            return Ok(first_paint);
        }
        let connection = connection.clone();
        let account_fields = self.settings.account_fields.clone();
        let panels = self.settings.panels.clone();
        tokio::spawn(async move {
            let outcome = lookup::add_related_with_panels(
                &connection.client,
                &mut found.result,
                &account_fields,
                &panels,
            )
            .await;
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
        let shown = result.matches.iter().map(|m| m.id.clone()).collect();
        crate::audit::record_shown(&connection.audit, "pop", shown, now_ms());
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
                record_type: row
                    .record_type
                    .as_deref()
                    .and_then(RecordType::from_api_name),
                name_withheld: row.record_id.is_some() && row.record_name.is_none(),
                name: row.record_name,
                record_id: row.record_id,
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
    /// `input` may also be the term of a search by email address, domain or name.
    pub async fn remember_pick(&self, input: &str, record_id: &str) -> Result<()> {
        let key = crate::search::classify(input, &self.settings.region)?.key();
        let connection = self.signed_in().await?;
        connection.store.remember_pick(&key, record_id, now_ms())
    }

    /// Finds callers by whatever the rep has: a phone number (as [`Callside::lookup`]),
    /// an email address, a domain, or a person's or company's name. Fresh from
    /// Salesforce when reachable (at most two requests), else from the local cache.
    pub async fn search(&self, input: &str) -> Result<crate::model::SearchResult> {
        let term = crate::search::classify(input, &self.settings.region)?;
        if term.kind == crate::model::TermKind::Phone {
            return Ok(crate::search::from_lookup(self.lookup(input).await?));
        }
        let connection = self.signed_in().await?;
        if let Err(error) = self.check_account_fields().await {
            tracing::warn!("{error}");
        }
        let fresh = crate::search::search_live(
            &connection.client,
            &connection.store,
            &term,
            &self.settings,
            &now(),
            now_ms(),
        )
        .await;
        self.evict(&connection);
        if let Ok(result) = &fresh {
            let records = result.matches.iter().map(|m| m.id.clone()).collect();
            crate::audit::record_shown(&connection.audit, "search", records, now_ms());
        }
        match fresh {
            Err(Error::Salesforce(error)) if error.is_offline() => {
                crate::search::cached(&connection.store, &term, &self.settings, now_ms(), i64::MAX)?
                    .ok_or(Error::Salesforce(error))
            }
            other => other,
        }
    }

    /// The search box: [`Callside::pop`] for a phone number; for any other term, a
    /// result cached for it answers at once and is refreshed behind it, else one search
    /// paints and the best match's related records follow. Later answers go to
    /// `on_update` with the result's `term` (a number's E.164).
    pub async fn search_pop<F>(
        &self,
        input: &str,
        direction: CallDirection,
        on_update: F,
    ) -> Result<crate::model::SearchResult>
    where
        F: Fn(&str, Result<crate::model::SearchResult>) + Send + Sync + 'static,
    {
        let term = crate::search::classify(input, &self.settings.region)?;
        if term.kind == crate::model::TermKind::Phone {
            let first = self
                .pop(input, direction, move |e164, update| {
                    on_update(e164, update.map(crate::search::from_lookup))
                })
                .await?;
            return Ok(crate::search::from_lookup(first));
        }
        let connection = self.signed_in().await?;
        let settings = self.settings.clone();
        let max_age = settings.cache_limits.max_age_ms;
        if let Some(cached) =
            crate::search::cached(&connection.store, &term, &settings, now_ms(), max_age)?
        {
            let records = cached.matches.iter().map(|m| m.id.clone()).collect();
            crate::audit::record_shown(&connection.audit, "search", records, now_ms());
            let connection = connection.clone();
            tokio::spawn(async move {
                let fresh = crate::search::search_live(
                    &connection.client,
                    &connection.store,
                    &term,
                    &settings,
                    &now(),
                    now_ms(),
                )
                .await;
                on_update(&term.text, fresh);
            });
            return Ok(cached);
        }
        let mut found = crate::search::first_paint(
            &connection.client,
            &connection.store,
            &term,
            &settings,
            &now(),
        )
        .await?;
        let first_paint = found.result.clone();
        let records = first_paint.matches.iter().map(|m| m.id.clone()).collect();
        crate::audit::record_shown(&connection.audit, "search", records, now_ms());
        if first_paint.related_loaded {
            crate::search::save(&connection.store, &found, &settings, now_ms())?;
            self.evict(&connection);
            return Ok(first_paint);
        }
        let connection = connection.clone();
        tokio::spawn(async move {
            let outcome =
                crate::search::add_related(&connection.client, &mut found, &settings).await;
            // Cache what there is either way; the related records come with the next search.
            if let Err(error) = crate::search::save(&connection.store, &found, &settings, now_ms())
            {
                tracing::warn!("the search was not cached: {error}");
            }
            if let Err(error) = connection.store.evict(settings.cache_limits, now_ms()) {
                tracing::warn!("the cache could not be trimmed: {error}");
            }
            on_update(&term.text, outcome.map(|()| found.result));
        });
        Ok(first_paint)
    }

    /// The account behind a contact, an account, or a lead (the account named like the
    /// lead's company, or at its website's domain): its parent, the parent's other
    /// children, its own children and its open opportunities across all its contacts.
    /// None when there is no such account.
    pub async fn account_hierarchy(
        &self,
        record_id: &str,
    ) -> Result<Option<crate::model::AccountHierarchy>> {
        if !calls::is_record_id(record_id) {
            return Err(Error::InvalidInput(Text::NotARecordId {
                input: quoted(record_id),
            }));
        }
        let connection = self.signed_in().await?;
        crate::search::hierarchy_for(&connection.client, &connection.store, record_id).await
    }

    /// Checks the custom account fields the settings map (`account_fields`) against the
    /// Account's describe: one request per sign-in. Unreachable Salesforce is no failure.
    pub async fn check_account_fields(&self) -> Result<()> {
        let connection = self.signed_in().await?;
        match crate::account::check_fields(&connection.client, &self.settings.account_fields).await
        {
            Err(Error::Salesforce(error)) if error.is_offline() => Ok(()),
            other => other.map(drop),
        }
    }

    /// Checks the industry panels against the org's describes (one request per panel
    /// object, the first time per sign-in); names each object or field missing or not
    /// readable. Offline, nothing is said.
    pub async fn check_panels(&self) -> Result<()> {
        let connection = self.signed_in().await?;
        match crate::panels::check(&connection.client, &self.settings.panels).await {
            Err(Error::Salesforce(error)) if error.is_offline() => Ok(()),
            other => other,
        }
    }

    /// Call metrics of the signed-in org over `[since_ms, until_ms)` (hours and days at
    /// the system's UTC offset), and the calls they count.
    pub async fn call_stats(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<(crate::metrics::CallStats, Vec<crate::metrics::CallRow>)> {
        let connection = self.signed_in().await?;
        let offset = crate::metrics::local_offset();
        crate::metrics::stats_for(connection.store.path(), since_ms, until_ms, offset)
    }

    /// API health of the signed-in org: each endpoint family's requests, latency and
    /// errors over the last hour and day, and the daily usage against the limit.
    pub async fn api_health(&self) -> Result<crate::metrics::ApiHealth> {
        let connection = self.signed_in().await?;
        crate::metrics::api_health(
            connection.store.path(),
            now_ms(),
            self.settings.api_warning_percent,
        )
    }

    /// Empties this org's cache, remembered picks and recent calls.
    pub async fn clear_cache(&self) -> Result<()> {
        self.signed_in().await?.store.purge_cache()
    }

    /// Queues an action durably, then tries to send it once.
    async fn submit(&self, connection: &Connection, action: Action) -> Result<ActionOutcome> {
        self.settings.check_action(action.kind())?;
        let action_id = actions::enqueue(&connection.store, &action, &now())?;
        let item = connection
            .store
            .outbox_item(&action_id)?
            .ok_or_else(|| Error::Storage("a queued action vanished".into()))?;
        // Earlier actions on the same record go first.
        let outcome = if self
            .defer_sending
            .load(std::sync::atomic::Ordering::Relaxed)
            || connection.store.has_earlier_pending(&action_id)?
        {
            actions::stored_outcome(&item)
        } else {
            actions::send(
                &connection.client,
                &connection.store,
                &item,
                &now(),
                now_ms(),
                jitter(),
            )
            .await?
        };
        crate::audit::record_outcomes(
            &connection.audit,
            &connection.store,
            std::slice::from_ref(&outcome),
            now_ms(),
        );
        Ok(outcome)
    }

    /// Logs a call: stored first, then sent. A call that cannot be sent now stays queued.
    pub async fn log_call(&self, request: &LogCallRequest) -> Result<LogCallOutcome> {
        let outcome = self.log_call_action(request).await?;
        Ok(LogCallOutcome {
            action_id: outcome.action_id,
            status: outcome.status,
            task_id: outcome.record_id,
            message: outcome.message,
            message_text: outcome.message_text,
        })
    }

    /// [`Callside::log_call`], answering with the outbox's outcome.
    pub async fn log_call_action(&self, request: &LogCallRequest) -> Result<ActionOutcome> {
        calls::validate(request)?;
        self.settings.check_action(calls::LOG_CALL)?;
        let connection = self.signed_in().await?;
        // The call ends when it is logged: its duration goes to the recent-calls list.
        if let Err(error) = connection.store.finish_recent_call(
            &request.who_id,
            request.duration_seconds,
            now_ms(),
            RECENT_CALL_WINDOW_MS,
        ) {
            tracing::warn!("the recent call was not updated: {error}");
        }
        let mapping = &self.settings.field_mapping;
        if mapping.call_outcome.is_some() || mapping.next_steps.is_some() {
            // A mapped field the org lacks would fail every call log: say so now.
            self.check_field_mapping().await?;
        }
        let action = Action::LogCall(calls::payload(request, &today(), mapping));
        self.submit(&connection, action).await
    }

    /// The `LastModifiedDate` of a record as last cached, for conflict detection; none
    /// while an earlier change of ours to the record is still queued (it will move the
    /// date itself).
    fn cached_last_modified(&self, connection: &Connection, id: &str) -> Option<String> {
        if connection.store.has_pending_for(id).unwrap_or(true) {
            return None;
        }
        connection
            .store
            .cached_field(id, "LastModifiedDate")
            .ok()
            .flatten()
    }

    /// Rates a lead Hot, Warm or Cold.
    pub async fn rate_lead(&self, lead_id: &str, rating: &str) -> Result<ActionOutcome> {
        check_id(lead_id, "00Q", "Lead")?;
        let rating = actions::RATINGS
            .iter()
            .find(|r| r.eq_ignore_ascii_case(rating.trim()))
            .ok_or_else(|| {
                Error::InvalidInput(Text::NotARating {
                    input: quoted(rating),
                })
            })?;
        let connection = self.signed_in().await?;
        let action = Action::RateLead(actions::RateLead {
            lead_id: lead_id.to_string(),
            rating: rating.to_string(),
            if_unmodified_since: self.cached_last_modified(&connection, lead_id),
        });
        self.submit(&connection, action).await
    }

    /// The org's active Lead statuses, in order (the brief's four when the org cannot be
    /// asked).
    pub async fn lead_statuses(&self) -> Result<Vec<String>> {
        let connection = self.signed_in().await?;
        Ok(match connection.client.describe("Lead").await {
            Ok(describe) => describe
                .active_picklist_values("Status")
                .iter()
                .map(|v| v.value.clone())
                .collect(),
            Err(error) if error.is_offline() => actions::FALLBACK_LEAD_STATUSES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            Err(error) => return Err(error.into()),
        })
    }

    /// Sets a lead's status to one of the org's active values.
    pub async fn set_lead_status(&self, lead_id: &str, status: &str) -> Result<ActionOutcome> {
        check_id(lead_id, "00Q", "Lead")?;
        self.settings.check_action("set_lead_status")?;
        let statuses = self.lead_statuses().await?;
        let status = statuses
            .iter()
            .find(|s| s.eq_ignore_ascii_case(status.trim()))
            .ok_or_else(|| {
                Error::InvalidInput(Text::NotALeadStatus {
                    input: quoted(status),
                    choices: statuses.join(", "),
                })
            })?
            .clone();
        let connection = self.signed_in().await?;
        let action = Action::SetLeadStatus(actions::SetLeadStatus {
            lead_id: lead_id.to_string(),
            status,
            if_unmodified_since: self.cached_last_modified(&connection, lead_id),
        });
        self.submit(&connection, action).await
    }

    /// The org's active opportunity stages in order, with default probability and
    /// whether each closes the opportunity.
    pub async fn stages(&self) -> Result<Vec<Stage>> {
        let connection = self.signed_in().await?;
        let page = connection
            .client
            .query(
                "SELECT ApiName, MasterLabel, DefaultProbability, IsClosed, IsWon, SortOrder \
                 FROM OpportunityStage WHERE IsActive = true ORDER BY SortOrder",
            )
            .await?;
        Ok(page
            .records
            .iter()
            .filter_map(|r| {
                Some(Stage {
                    name: r
                        .get("ApiName")
                        .or_else(|| r.get("MasterLabel"))?
                        .as_str()?
                        .to_string(),
                    probability: r.get("DefaultProbability").and_then(|p| p.as_f64()),
                    closed: r.get("IsClosed").and_then(|v| v.as_bool()).unwrap_or(false),
                    won: r.get("IsWon").and_then(|v| v.as_bool()).unwrap_or(false),
                })
            })
            .collect())
    }

    /// Moves an opportunity to a stage (`None`: the next stage after its current one).
    /// Closing stages (won or lost) need `confirm_closing`.
    pub async fn set_stage(
        &self,
        opportunity_id: &str,
        stage: Option<&str>,
        confirm_closing: bool,
    ) -> Result<ActionOutcome> {
        self.settings.check_action("set_stage")?;
        let connection = self.signed_in().await?;
        let action = self
            .stage_action(&connection, opportunity_id, stage, confirm_closing)
            .await?;
        self.submit(&connection, action).await
    }

    /// The stage change [`Callside::set_stage`] queues, checked.
    async fn stage_action(
        &self,
        connection: &Connection,
        opportunity_id: &str,
        stage: Option<&str>,
        confirm_closing: bool,
    ) -> Result<Action> {
        check_id(opportunity_id, "006", "Opportunity")?;
        let stages = self.stages().await?;
        let target = match stage {
            Some(name) => stages
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| not_a_stage(name, &stages))?,
            None => {
                let current = connection
                    .client
                    .get("Opportunity", opportunity_id, Some(&["StageName"]))
                    .await?;
                let current = current
                    .get("StageName")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                let position = stages
                    .iter()
                    .position(|s| s.name == current)
                    .ok_or_else(|| {
                        Error::InvalidInput(Text::StageNotActive {
                            stage: quoted(current),
                        })
                    })?;
                if stages[position].closed {
                    return Err(Error::InvalidInput(Text::OpportunityClosed {
                        stage: current.to_string(),
                    }));
                }
                stages
                    .get(position + 1)
                    .ok_or(Error::InvalidInput(Text::OpportunityAtLastStage))?
            }
        };
        if target.closed && !confirm_closing {
            let stage = target.name.clone();
            return Err(Error::InvalidInput(if target.won {
                Text::ConfirmClosingWon { stage }
            } else {
                Text::ConfirmClosingLost { stage }
            }));
        }
        Ok(Action::SetStage(actions::SetStage {
            opportunity_id: opportunity_id.to_string(),
            stage: target.name.clone(),
            probability: target.probability,
            if_unmodified_since: self.cached_last_modified(connection, opportunity_id),
        }))
    }

    /// Creates a lead for an unknown caller (LeadSource "Phone Call"); the next call from
    /// the number pops it from the cache, before Salesforce's search index has it.
    pub async fn create_lead(&self, request: &NewLead) -> Result<ActionOutcome> {
        let number = phone::normalize(&request.phone, &self.settings.region)?;
        let last_name = request.last_name.trim();
        let company = request.company.trim();
        if last_name.is_empty() || company.is_empty() {
            return Err(Error::InvalidInput(Text::LeadNeedsNameAndCompany));
        }
        if last_name.chars().count() > 80 || company.chars().count() > 255 {
            return Err(Error::InvalidInput(Text::LeadNameTooLong));
        }
        let first_name = request
            .first_name
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty());
        if first_name.is_some_and(|f| f.chars().count() > 40) {
            return Err(Error::InvalidInput(Text::FirstNameTooLong));
        }
        let connection = self.signed_in().await?;
        let action = Action::CreateLead(actions::CreateLead {
            phone: request.phone.trim().chars().take(40).collect(),
            e164: number.e164,
            last_name: last_name.to_string(),
            company: company.to_string(),
            first_name: first_name.map(str::to_string),
            assignment_rules: request
                .assignment_rules
                .unwrap_or(self.settings.lead_assignment_rules),
        });
        self.submit(&connection, action).await
    }

    /// Schedules a follow-up task for a person (due date YYYY-MM-DD).
    pub async fn schedule_follow_up(
        &self,
        who_id: &str,
        what_id: Option<&str>,
        subject: &str,
        due_date: &str,
        priority: &str,
    ) -> Result<ActionOutcome> {
        let action = follow_up_action(who_id, what_id, subject, due_date, priority)?;
        let connection = self.signed_in().await?;
        self.submit(&connection, action).await
    }

    /// A call's wrap-up: the call log, and optionally a follow-up and an opportunity's
    /// new stage (from a call outcome or named). All are checked first, then queued in
    /// one transaction, then sent together in one composite request.
    pub async fn wrap_up(&self, wrap_up: &WrapUp) -> Result<Vec<ActionOutcome>> {
        calls::validate(&wrap_up.call)?;
        self.settings.check_action(calls::LOG_CALL)?;
        if wrap_up.follow_up.is_some() {
            self.settings.check_action("follow_up")?;
        }
        if wrap_up.stage.is_some() {
            self.settings.check_action("set_stage")?;
        }
        let connection = self.signed_in().await?;
        let mapping = &self.settings.field_mapping;
        if mapping.call_outcome.is_some() || mapping.next_steps.is_some() {
            self.check_field_mapping().await?;
        }
        let mut queued = vec![Action::LogCall(calls::payload(
            &wrap_up.call,
            &today(),
            mapping,
        ))];
        if let Some(follow_up) = &wrap_up.follow_up {
            queued.push(follow_up_action(
                &wrap_up.call.who_id,
                wrap_up.call.what_id.as_deref(),
                &follow_up.subject,
                &follow_up.due_date,
                &follow_up.priority,
            )?);
        }
        if let Some(change) = &wrap_up.stage {
            let stage = match (&change.stage, &change.outcome) {
                (Some(stage), _) => Some(stage.clone()),
                (None, Some(outcome)) => Some(self.outcome_stage(outcome)?),
                (None, None) => None,
            };
            queued.push(
                self.stage_action(
                    &connection,
                    &change.opportunity_id,
                    stage.as_deref(),
                    change.confirm_closing,
                )
                .await?,
            );
        }
        if let Err(error) = connection.store.finish_recent_call(
            &wrap_up.call.who_id,
            wrap_up.call.duration_seconds,
            now_ms(),
            RECENT_CALL_WINDOW_MS,
        ) {
            tracing::warn!("the recent call was not updated: {error}");
        }
        let ids = actions::enqueue_all(&connection.store, &queued, &now())?;
        let deferred = self
            .defer_sending
            .load(std::sync::atomic::Ordering::Relaxed);
        if !deferred {
            self.send_pending().await?;
        }
        let mut outcomes = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(item) = connection.store.outbox_item(&id)? {
                outcomes.push(actions::stored_outcome(&item));
            }
        }
        // Sent or tried, they are in the trail already (send_pending); deferred, not yet.
        if deferred {
            crate::audit::record_outcomes(
                &connection.audit,
                &connection.store,
                &outcomes,
                now_ms(),
            );
        }
        Ok(outcomes)
    }
}

/// A follow-up Task for a person (due date YYYY-MM-DD), checked.
fn follow_up_action(
    who_id: &str,
    what_id: Option<&str>,
    subject: &str,
    due_date: &str,
    priority: &str,
) -> Result<Action> {
    {
        if !(who_id.starts_with("00Q") || who_id.starts_with("003")) || !calls::is_record_id(who_id)
        {
            return Err(Error::InvalidInput(Text::NotALeadOrContactId {
                input: quoted(who_id),
            }));
        }
        if time::Date::parse(
            due_date,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_err()
        {
            return Err(Error::InvalidInput(Text::NotADate {
                input: quoted(due_date),
            }));
        }
        let priority = ["High", "Normal", "Low"]
            .into_iter()
            .find(|p| p.eq_ignore_ascii_case(priority.trim()))
            .ok_or(Error::InvalidInput(Text::PriorityChoices))?;
        let subject = subject.trim();
        if subject.is_empty() || subject.chars().count() > calls::MAX_SUBJECT {
            return Err(Error::InvalidInput(Text::FollowUpSubject));
        }
        Ok(Action::FollowUp(actions::FollowUp {
            who_id: who_id.to_string(),
            what_id: what_id
                .map(str::to_string)
                .filter(|_| who_id.starts_with("003")),
            subject: subject.to_string(),
            due_date: due_date.to_string(),
            priority: priority.to_string(),
        }))
    }
}

impl Callside {
    /// The call outcomes and the stage each moves an opportunity to.
    pub fn outcomes(&self) -> Vec<OutcomeStage> {
        self.settings
            .outcome_stages
            .iter()
            .map(|(outcome, stage)| OutcomeStage {
                outcome: outcome.clone(),
                stage: stage.clone(),
            })
            .collect()
    }

    /// Records a call's outcome on an opportunity: moves it to the outcome's stage
    /// (through [`Callside::set_stage`]; a closing stage needs `confirm_closing`).
    pub async fn record_outcome(
        &self,
        opportunity_id: &str,
        outcome: &str,
        confirm_closing: bool,
    ) -> Result<ActionOutcome> {
        check_id(opportunity_id, "006", "Opportunity")?;
        let stage = self.outcome_stage(outcome)?;
        self.set_stage(opportunity_id, Some(&stage), confirm_closing)
            .await
    }

    /// The stage a call outcome moves an opportunity to.
    fn outcome_stage(&self, outcome: &str) -> Result<String> {
        let (_, stage) = self
            .settings
            .outcome_stages
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(outcome.trim()))
            .ok_or_else(|| {
                Error::InvalidInput(Text::NotACallOutcome {
                    input: quoted(outcome),
                    choices: self
                        .settings
                        .outcome_stages
                        .iter()
                        .map(|(name, _)| name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            })?;
        Ok(stage.clone())
    }

    /// Creates an opportunity from a call (LeadSource "Phone Call", Type "New
    /// Customer"), with a completed call Task related to it.
    pub async fn create_opportunity(&self, request: &NewOpportunity) -> Result<ActionOutcome> {
        self.settings.check_action("create_opportunity")?;
        check_id(&request.account_id, "001", "Account")?;
        if let Some(contact) = &request.contact_id {
            check_id(contact, "003", "Contact")?;
        }
        let name = request.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(Error::InvalidInput(Text::OpportunityNameLength));
        }
        actions::check_date(request.close_date.trim())?;
        if let Some(amount) = request.amount {
            if !(0.0..1e16).contains(&amount) {
                return Err(Error::InvalidInput(Text::NotAnAmount {
                    input: amount.to_string(),
                }));
            }
        }
        let optional = |text: &Option<String>| {
            text.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let next_step = optional(&request.next_step);
        if next_step.as_ref().is_some_and(|t| t.chars().count() > 255) {
            return Err(Error::InvalidInput(Text::NextStepTooLong));
        }
        let description = optional(&request.description);
        if description
            .as_ref()
            .is_some_and(|t| t.chars().count() > calls::MAX_NOTES)
        {
            return Err(Error::InvalidInput(Text::DescriptionTooLong {
                max: calls::MAX_NOTES.to_string(),
            }));
        }
        let wanted = request.stage.as_deref().unwrap_or("Prospecting").trim();
        let stages = self.stages().await?;
        let stage = stages
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| not_a_stage(wanted, &stages))?;
        let connection = self.signed_in().await?;
        let action = Action::CreateOpportunity(actions::CreateOpportunity {
            account_id: request.account_id.clone(),
            name: name.to_string(),
            close_date: request.close_date.trim().to_string(),
            stage: stage.name.clone(),
            amount: request.amount,
            contact_id: request.contact_id.clone(),
            next_step,
            description,
        });
        self.submit(&connection, action).await
    }

    /// Schedules a demo: an Event (Type "Meeting") with a Lead or Contact, starting at
    /// `start` (RFC 3339) for `minutes`.
    pub async fn schedule_demo(
        &self,
        who_id: &str,
        what_id: Option<&str>,
        start: &str,
        minutes: u32,
        subject: &str,
    ) -> Result<ActionOutcome> {
        if !(who_id.starts_with("00Q") || who_id.starts_with("003")) || !calls::is_record_id(who_id)
        {
            return Err(Error::InvalidInput(Text::NotALeadOrContactId {
                input: quoted(who_id),
            }));
        }
        if let Some(what) = what_id {
            if !calls::is_record_id(what) {
                return Err(Error::InvalidInput(Text::NotARecordId {
                    input: quoted(what),
                }));
            }
            if who_id.starts_with("00Q") {
                return Err(Error::InvalidInput(Text::DemoWithLead));
            }
        }
        let start = actions::check_start(start)?;
        if !(1..=1440).contains(&minutes) {
            return Err(Error::InvalidInput(Text::DemoLength));
        }
        let subject = subject.trim();
        if subject.is_empty() || subject.chars().count() > calls::MAX_SUBJECT {
            return Err(Error::InvalidInput(Text::DemoSubject));
        }
        let connection = self.signed_in().await?;
        let action = Action::ScheduleDemo(actions::ScheduleDemo {
            who_id: who_id.to_string(),
            what_id: what_id.map(str::to_string),
            start,
            minutes,
            subject: subject.to_string(),
        });
        self.submit(&connection, action).await
    }

    /// Checks that the `[field_mapping]` fields exist on the org's Lead (and can be
    /// written); once per sign-in. Unreachable Salesforce is no failure: the check is
    /// made again next time.
    pub async fn check_field_mapping(&self) -> Result<()> {
        use std::sync::atomic::Ordering;
        if self.mapping_checked.load(Ordering::Relaxed) {
            return Ok(());
        }
        let connection = self.signed_in().await?;
        let describe = match connection.client.describe("Lead").await {
            Ok(describe) => describe,
            Err(error) if error.is_offline() => return Ok(()),
            Err(error) => return Err(error.into()),
        };
        let mapping = &self.settings.field_mapping;
        for (key, field) in [
            ("qualification_notes", &mapping.qualification_notes),
            ("next_action", &mapping.next_action),
        ] {
            match describe.field(field) {
                None => {
                    return Err(Error::Config(format!(
                        "The Lead has no field {field:?} (field_mapping.{key} in the config file); ask your admin for the field's API name, such as Next_Steps__c."
                    )))
                }
                Some(found) if !found.updateable => {
                    return Err(Error::Config(format!(
                        "The Lead field {field:?} (field_mapping.{key} in the config file) cannot be written by you."
                    )))
                }
                Some(_) => {}
            }
        }
        let task_fields: Vec<(&str, &String)> = [
            ("call_outcome", &mapping.call_outcome),
            ("next_steps", &mapping.next_steps),
        ]
        .into_iter()
        .filter_map(|(key, field)| field.as_ref().map(|f| (key, f)))
        .collect();
        if !task_fields.is_empty() {
            let describe = match connection.client.describe("Task").await {
                Ok(describe) => describe,
                Err(error) if error.is_offline() => return Ok(()),
                Err(error) => return Err(error.into()),
            };
            for (key, field) in task_fields {
                match describe.field(field) {
                    None => {
                        return Err(Error::Config(format!(
                            "The Task has no field {field:?} (field_mapping.{key}); ask your admin for the field's API name, such as Call_Outcome__c."
                        )))
                    }
                    Some(found) if !found.createable => {
                        return Err(Error::Config(format!(
                            "The Task field {field:?} (field_mapping.{key}) cannot be written by you."
                        )))
                    }
                    Some(_) => {}
                }
            }
        }
        self.mapping_checked.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Writes qualification notes and the next action to the Lead fields the settings map
    /// them to; when both go to one field they are joined as "notes\n\nNext: action".
    pub async fn qualify_lead(
        &self,
        lead_id: &str,
        notes: Option<&str>,
        next_action: Option<&str>,
    ) -> Result<ActionOutcome> {
        check_id(lead_id, "00Q", "Lead")?;
        self.settings.check_action("qualify_lead")?;
        let notes = notes.map(str::trim).filter(|t| !t.is_empty());
        let next_action = next_action.map(str::trim).filter(|t| !t.is_empty());
        if notes.is_none() && next_action.is_none() {
            return Err(Error::InvalidInput(Text::QualificationEmpty));
        }
        let mapping = &self.settings.field_mapping;
        let mut fields = std::collections::BTreeMap::<String, String>::new();
        if let Some(notes) = notes {
            fields.insert(mapping.qualification_notes.clone(), notes.to_string());
        }
        if let Some(action) = next_action {
            let field = &mapping.next_action;
            let value = match fields.get(field) {
                Some(notes) => format!(
                    "{notes}

Next: {action}"
                ),
                None if field.eq_ignore_ascii_case(&mapping.qualification_notes) => {
                    format!("Next: {action}")
                }
                None => action.to_string(),
            };
            fields.insert(field.clone(), value);
        }
        for (field, value) in &fields {
            if value.chars().count() > calls::MAX_NOTES {
                return Err(Error::InvalidInput(Text::LeadFieldTooLong {
                    field: field.to_string(),
                    length: value.chars().count().to_string(),
                    max: calls::MAX_NOTES.to_string(),
                }));
            }
        }
        self.check_field_mapping().await?;
        let connection = self.signed_in().await?;
        let action = Action::QualifyLead(actions::QualifyLead {
            lead_id: lead_id.to_string(),
            fields,
            if_unmodified_since: self.cached_last_modified(&connection, lead_id),
        });
        self.submit(&connection, action).await
    }

    /// Makes a user (a 005 id) the owner of a lead.
    pub async fn assign_lead(&self, lead_id: &str, user_id: &str) -> Result<ActionOutcome> {
        check_id(lead_id, "00Q", "Lead")?;
        check_id(user_id, "005", "User")?;
        let connection = self.signed_in().await?;
        let action = Action::AssignLead(actions::AssignLead {
            lead_id: lead_id.to_string(),
            owner_id: user_id.to_string(),
            if_unmodified_since: self.cached_last_modified(&connection, lead_id),
        });
        self.submit(&connection, action).await
    }

    /// Sends the pending actions that are due, oldest first and each record's in order.
    ///
    /// Actions that are one write each go together in one composite request (one API
    /// call for a whole wrap-up, or for everything queued while offline), at most one per
    /// record per request; the others go one by one.
    pub async fn send_pending(&self) -> Result<Vec<ActionOutcome>> {
        let Some(connection) = self.connection().await else {
            return Ok(Vec::new());
        };
        let mut outcomes = Vec::new();
        let mut held_back = std::collections::HashSet::new();
        let mut done = std::collections::HashSet::new();
        loop {
            // One round, in queue order.
            let mut keys = std::collections::HashSet::new();
            let mut together = Vec::new();
            let mut alone = Vec::new();
            for item in connection.store.due(now_ms())? {
                if done.contains(&item.id) {
                    continue;
                }
                let key = connection.store.record_key(&item.id)?.unwrap_or_default();
                if !key.is_empty() && held_back.contains(&key) {
                    continue;
                }
                // Changes to one record go at most one per request, in order.
                if !key.is_empty() && actions::changes_a_record(&item) && !keys.insert(key.clone())
                {
                    continue;
                }
                if actions::travels_together(&item) && together.len() < actions::MAX_TOGETHER {
                    together.push((item, key));
                } else {
                    alone.push((item, key));
                }
            }
            if together.is_empty() && alone.is_empty() {
                break;
            }
            if together.len() == 1 {
                alone.insert(0, together.pop().expect("one action"));
            }
            let mut sent = Vec::new();
            if !together.is_empty() {
                let items: Vec<_> = together.iter().map(|(item, _)| item.clone()).collect();
                let results = actions::send_together(
                    &connection.client,
                    &connection.store,
                    &items,
                    &now(),
                    now_ms(),
                    jitter(),
                )
                .await?;
                sent.extend(together.into_iter().map(|(_, key)| key).zip(results));
            }
            for (item, key) in alone {
                let outcome = actions::send(
                    &connection.client,
                    &connection.store,
                    &item,
                    &now(),
                    now_ms(),
                    jitter(),
                )
                .await?;
                sent.push((key, outcome));
            }
            for (key, outcome) in sent {
                if outcome.status == ActionStatus::Pending && !key.is_empty() {
                    held_back.insert(key);
                }
                done.insert(outcome.action_id.clone());
                outcomes.push(outcome);
            }
        }
        crate::audit::record_outcomes(&connection.audit, &connection.store, &outcomes, now_ms());
        Ok(outcomes)
    }

    /// Sends an update that met a newer change in Salesforce (a conflict) again, over
    /// that change: the rep saw Salesforce's value and chose theirs. A change made in
    /// Salesforce after the conflict is still not overwritten.
    pub async fn overwrite_action(&self, action_id: &str) -> Result<Vec<ActionOutcome>> {
        let connection = self.signed_in().await?;
        let item = connection
            .store
            .outbox_item(action_id)?
            .filter(|item| item.status == ActionStatus::Failed)
            .ok_or_else(|| {
                Error::InvalidInput(Text::NoRefusedAction {
                    id: action_id.to_string(),
                })
            })?;
        let conflict = actions::stored_outcome(&item).conflict.ok_or_else(|| {
            Error::InvalidInput(Text::NoConflict {
                id: action_id.to_string(),
            })
        })?;
        let action = actions::Action::from_stored(&item)?;
        let updated = actions::with_precondition(&action, conflict.modified_at)
            .ok_or(Error::InvalidInput(Text::OnlyChangesOverwrite))?;
        connection
            .store
            .requeue(action_id, Some(&actions::payload_of(&updated)?), &now())?;
        self.send_pending().await
    }

    /// Makes one failed or waiting action (or every pending one) due now and sends.
    pub async fn retry_outbox(&self, action_id: Option<&str>) -> Result<Vec<ActionOutcome>> {
        let connection = self.signed_in().await?;
        match action_id {
            Some(id) => {
                if !connection.store.requeue(id, None, &now())? {
                    return Err(Error::InvalidInput(Text::NoUnsentAction {
                        id: id.to_string(),
                    }));
                }
            }
            None => {
                connection.store.requeue_all_pending(&now())?;
            }
        }
        self.send_pending().await
    }

    /// Removes an unsent action from the outbox.
    pub async fn discard_action(&self, action_id: &str) -> Result<()> {
        let connection = self.signed_in().await?;
        if let Some(item) = connection.store.discard(action_id)? {
            if let Err(error) = connection.audit.action_discarded(&item, now_ms()) {
                tracing::warn!("the audit trail was not written: {error}");
            }
            Ok(())
        } else {
            Err(Error::InvalidInput(Text::NoUnsentActionToDiscard {
                id: action_id.to_string(),
            }))
        }
    }

    /// The outbox, newest first.
    pub async fn outbox(&self, limit: u32) -> Result<Vec<ActionOutcome>> {
        let connection = self.signed_in().await?;
        Ok(connection
            .store
            .outbox(limit)?
            .iter()
            .map(actions::stored_outcome)
            .collect())
    }

    /// A queued action as stored.
    pub async fn action(&self, action_id: &str) -> Result<Option<ActionOutcome>> {
        let Some(connection) = self.connection().await else {
            return Ok(None);
        };
        Ok(connection
            .store
            .outbox_item(action_id)?
            .as_ref()
            .map(actions::stored_outcome))
    }
}

fn not_a_stage(name: &str, stages: &[crate::model::Stage]) -> Error {
    Error::InvalidInput(Text::NotAStage {
        input: quoted(name),
        choices: stages
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn check_id(id: &str, prefix: &str, object: &str) -> Result<()> {
    if id.starts_with(prefix) && calls::is_record_id(id) {
        Ok(())
    } else {
        let input = quoted(id);
        Err(Error::InvalidInput(match object {
            "Opportunity" => Text::NotAnOpportunityId { input },
            "Lead" => Text::NotALeadId { input },
            "Contact" => Text::NotAContactId { input },
            "Account" => Text::NotAnAccountId { input },
            "User" => Text::NotAUserId { input },
            _ => Text::NotARecordId { input },
        }))
    }
}

fn jitter() -> f64 {
    f64::from(uuid::Uuid::new_v4().as_bytes()[0]) / 255.0
}
