//! The per-org SQLite database: the caller cache (derived; may be purged at any time)
//! and the outbox (ground truth for the rep's actions until Salesforce confirms them).
//!
//! One file per org under `<data dir>/orgs/<org id>/callside.sqlite`, in WAL mode, with
//! schema migrations from `rusqlite_migration`, readable by the user only.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};

use crate::error::{Error, Result};
use crate::model::{ActionStatus, LookupResult, SearchResult};

const MIGRATIONS: &[&str] = &[
    // 1: cache of lookups and records, and the outbox.
    "CREATE TABLE cached_record (
         id TEXT PRIMARY KEY,
         sobject TEXT NOT NULL,
         name TEXT NOT NULL,
         fields_json TEXT NOT NULL,
         fetched_at TEXT NOT NULL
     );
     CREATE TABLE cached_record_phone (
         e164 TEXT NOT NULL,
         record_id TEXT NOT NULL REFERENCES cached_record(id) ON DELETE CASCADE,
         PRIMARY KEY (e164, record_id)
     );
     CREATE TABLE cached_lookup (
         e164 TEXT PRIMARY KEY,
         result_json TEXT NOT NULL,
         fetched_at TEXT NOT NULL
     );
     CREATE TABLE outbox (
         id TEXT PRIMARY KEY,
         kind TEXT NOT NULL,
         payload_json TEXT NOT NULL,
         status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
         attempts INTEGER NOT NULL DEFAULT 0,
         result_id TEXT,
         last_error TEXT,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL
     );
     CREATE INDEX outbox_status ON outbox(status, created_at);",
    // 2: bounded cache (least recently used first out), remembered picks, recent calls.
    "ALTER TABLE cached_record ADD COLUMN last_used_ms INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE cached_record ADD COLUMN fetched_ms INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE cached_lookup ADD COLUMN fetched_ms INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX cached_record_lru ON cached_record(last_used_ms);
     CREATE INDEX cached_record_phone_record ON cached_record_phone(record_id);
     CREATE TABLE number_pick (
         e164 TEXT PRIMARY KEY,
         record_id TEXT NOT NULL,
         picked_ms INTEGER NOT NULL
     );
     CREATE TABLE recent_call (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         e164 TEXT NOT NULL,
         record_id TEXT,
         record_type TEXT,
         record_name TEXT,
         direction TEXT NOT NULL,
         started_ms INTEGER NOT NULL,
         duration_seconds INTEGER
     );
     CREATE INDEX recent_call_started ON recent_call(started_ms);",
    // 3: per-record ordering and backoff of the outbox.
    "ALTER TABLE outbox ADD COLUMN record_key TEXT NOT NULL DEFAULT '';
     ALTER TABLE outbox ADD COLUMN next_attempt_ms INTEGER NOT NULL DEFAULT 0;",
    // 4: records Callside created, which Salesforce's search index may not show yet.
    "CREATE TABLE created_record (
         record_id TEXT PRIMARY KEY,
         e164 TEXT NOT NULL,
         created_ms INTEGER NOT NULL
     );
     CREATE INDEX created_record_number ON created_record(e164);",
    // 5: what Salesforce held when an update met a newer change (a 412), for the rep.
    // Whether the last attempt may have reached Salesforce without an answer (then a
    // create is looked up by its key before it is sent again).
    "ALTER TABLE outbox ADD COLUMN conflict_json TEXT;
     ALTER TABLE outbox ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0;
     UPDATE outbox SET uncertain = 1 WHERE attempts > 0 AND status != 'sent';",
    // 6: results of searches by email address, domain or name (cache).
    "CREATE TABLE cached_search (
         key TEXT PRIMARY KEY,
         result_json TEXT NOT NULL,
         fetched_ms INTEGER NOT NULL
     );",
    // 7: every Salesforce request's family, duration and outcome, for API health
    // (crate::metrics::ApiRecorder; kept two days).
    "CREATE TABLE api_request (
         at_ms INTEGER NOT NULL,
         family TEXT NOT NULL,
         elapsed_ms INTEGER NOT NULL,
         status INTEGER NOT NULL,
         error_code TEXT,
         used INTEGER,
         api_limit INTEGER
     );
     CREATE INDEX api_request_at ON api_request(at_ms);",
    // 8: facts about the cache itself: which fields it was written without.
    "CREATE TABLE cache_meta (
         key TEXT PRIMARY KEY,
         value TEXT NOT NULL
     );",
    // 9: the last error as a Text (JSON: key and values), for the UI's languages.
    "ALTER TABLE outbox ADD COLUMN last_error_text TEXT;",
];

/// At most this many search results are cached (the newest stay).
pub const MAX_CACHED_SEARCHES: u32 = 500;

/// How much the cache may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheLimits {
    pub max_records: u64,
    pub max_age_ms: i64,
}

impl Default for CacheLimits {
    fn default() -> Self {
        CacheLimits {
            max_records: 5_000,
            max_age_ms: 30 * 24 * 60 * 60 * 1000,
        }
    }
}

/// One entry of the recent-calls list.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentCallRow {
    pub id: i64,
    pub e164: String,
    pub record_id: Option<String>,
    pub record_type: Option<String>,
    pub record_name: Option<String>,
    pub direction: String,
    pub started_ms: i64,
    pub duration_seconds: Option<u32>,
}

/// One queued action.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxItem {
    pub id: String,
    pub kind: String,
    pub payload_json: String,
    pub status: ActionStatus,
    pub attempts: u32,
    pub result_id: Option<String>,
    pub last_error: Option<String>,
    /// `last_error` as a [`crate::text::Text`] (JSON), where it has one.
    pub last_error_text: Option<String>,
    /// The record as Salesforce held it when this update was refused as a conflict.
    pub conflict_json: Option<String>,
    /// The last attempt got no answer (or the app stopped during it): it may have
    /// reached Salesforce.
    pub uncertain: bool,
}

/// A record as cached, with the E.164 numbers it answers to.
pub struct CachedRecord<'a> {
    pub id: &'a str,
    pub sobject: &'a str,
    pub name: &'a str,
    pub fields: &'a serde_json::Value,
    pub phones: Vec<String>,
}

pub struct Store {
    connection: Mutex<Connection>,
    path: PathBuf,
    /// False when the settings forbid caching (`cache_enabled = false`): the cache
    /// tables are emptied and every write to them is skipped; the outbox is unaffected.
    caching: std::sync::atomic::AtomicBool,
    /// Fields the administrator marks sensitive: their values are left out of the cache
    /// (`crate::audit::cache_record_fields`, `cache_result_json`).
    sensitive: std::sync::RwLock<Vec<String>>,
}

/// The database path of one org.
pub fn org_database_path(data_dir: &Path, org_id: &str) -> Result<PathBuf> {
    if org_id.is_empty() || !org_id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::Storage(format!("unexpected org id {org_id:?}")));
    }
    Ok(data_dir.join("orgs").join(org_id).join("callside.sqlite"))
}

fn status_text(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::Pending => "pending",
        ActionStatus::Sent => "sent",
        ActionStatus::Failed => "failed",
    }
}

fn status_from_text(text: &str) -> ActionStatus {
    match text {
        "sent" => ActionStatus::Sent,
        "failed" => ActionStatus::Failed,
        _ => ActionStatus::Pending,
    }
}

impl Store {
    /// Opens (creating if needed) the database of one org.
    pub fn open_for_org(data_dir: &Path, org_id: &str) -> Result<Store> {
        Store::open(&org_database_path(data_dir, org_id)?)
    }

    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent() {
            create_private_dir(parent)?;
        }
        let mut connection = Connection::open(path)?;
        restrict_to_owner(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        // What the cache deletes (a purge on sign-out, evicted records, values of fields
        // that became sensitive) is overwritten, not left in free pages of the file.
        connection.pragma_update(None, "secure_delete", "ON")?;
        // The cache may lose its last writes in a power loss (it is derived data); the
        // outbox may not: its writes go through `durably`, which syncs each commit.
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
            .to_latest(&mut connection)?;
        Ok(Store {
            connection: Mutex::new(connection),
            path: path.to_path_buf(),
            caching: std::sync::atomic::AtomicBool::new(true),
            sensitive: std::sync::RwLock::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Turns the cache off for this store: empties it (cached records and lookups,
    /// picks, recent calls, created records) and writes nothing to it from now on.
    pub fn disable_cache(&self) -> Result<()> {
        self.caching
            .store(false, std::sync::atomic::Ordering::Relaxed);
        self.purge_cache()
    }

    /// Leaves the values of these fields (API names) out of everything cached from now on.
    /// When the list differs from the one the cache was written with, the cache is
    /// emptied, so that nothing an earlier run kept of a newly sensitive field stays.
    pub fn set_sensitive_fields(&self, fields: &[String]) -> Result<()> {
        *self.sensitive.write().unwrap_or_else(|e| e.into_inner()) = fields.to_vec();
        let mut listed: Vec<&str> = fields.iter().map(String::as_str).collect();
        listed.sort_unstable();
        listed.dedup();
        let listed = listed.join(",");
        let mut connection = self.connection.lock().unwrap();
        let written_with: Option<String> = connection
            .query_row(
                "SELECT value FROM cache_meta WHERE key = 'sensitive_fields'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        if written_with.as_deref().unwrap_or("") == listed {
            return Ok(());
        }
        // The cached records, results and picks go; the recent calls stay (the call
        // metrics count them), without their names when names are now withheld.
        let transaction = connection.transaction()?;
        transaction.execute_batch(
            "DELETE FROM cached_lookup; DELETE FROM cached_record_phone; DELETE FROM cached_record;
             DELETE FROM cached_search; DELETE FROM number_pick;",
        )?;
        if crate::audit::names_withheld(fields) {
            transaction.execute("UPDATE recent_call SET record_name = NULL", [])?;
        }
        transaction.execute(
            "INSERT INTO cache_meta (key, value) VALUES ('sensitive_fields', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![listed],
        )?;
        transaction.commit()?;
        empty_write_ahead_log(&connection);
        Ok(())
    }

    fn sensitive_fields(&self) -> Vec<String> {
        self.sensitive
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether callers' names stay out of the cache ([`crate::audit::names_withheld`]).
    fn names_withheld(&self) -> bool {
        crate::audit::names_withheld(&self.sensitive_fields())
    }

    /// Whether a search key (`kind:text`, [`crate::search::Term::key`]) is itself a
    /// sensitive value: a name when names are withheld, an address when `Email` is
    /// sensitive. Such a search's result and pick are not kept.
    fn key_withheld(&self, key: &str) -> bool {
        let sensitive = self.sensitive_fields();
        match key.split_once(':') {
            Some(("name", _)) => crate::audit::names_withheld(&sensitive),
            Some(("email", _)) => crate::audit::is_sensitive_field(&sensitive, "Email"),
            _ => false,
        }
    }

    /// Whether the cache may be written and read.
    pub fn caching(&self) -> bool {
        self.caching.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stores a lookup's result and the records it showed, replacing older copies.
    /// Records that no longer answer to the number (deleted or merged in Salesforce, or
    /// their number changed) lose their link to it.
    pub fn save_lookup(
        &self,
        result: &LookupResult,
        records: &[CachedRecord<'_>],
        now_ms: i64,
    ) -> Result<()> {
        self.save_lookups(&[(result, records)], now_ms)
    }

    /// [`Store::save_lookup`] for many lookups in one transaction.
    pub fn save_lookups(
        &self,
        lookups: &[(&LookupResult, &[CachedRecord<'_>])],
        now_ms: i64,
    ) -> Result<()> {
        if !self.caching() {
            return Ok(());
        }
        let sensitive = self.sensitive_fields();
        let mut connection = self.connection.lock().unwrap();
        let transaction = connection.transaction()?;
        for (result, records) in lookups {
            save_one(&transaction, result, records, now_ms, &sensitive)?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// The last result fetched for a number, if any and not older than `max_age_ms`; a
    /// hit counts as a use of its records for the least-recently-used order.
    pub fn cached_lookup_within(
        &self,
        e164: &str,
        now_ms: i64,
        max_age_ms: i64,
    ) -> Result<Option<LookupResult>> {
        if !self.caching() {
            return Ok(None);
        }
        let connection = self.connection.lock().unwrap();
        let json: Option<String> = connection
            .query_row(
                "SELECT result_json FROM cached_lookup WHERE e164 = ?1 AND fetched_ms >= ?2",
                params![e164, now_ms.saturating_sub(max_age_ms)],
                |row| row.get(0),
            )
            .optional()?;
        if json.is_some() {
            connection.execute(
                "UPDATE cached_record SET last_used_ms = ?2
                 WHERE id IN (SELECT record_id FROM cached_record_phone WHERE e164 = ?1)",
                params![e164, now_ms],
            )?;
        }
        drop(connection);
        decode_lookup(json)
    }

    /// The last result fetched for a number, whatever its age.
    pub fn cached_lookup(&self, e164: &str) -> Result<Option<LookupResult>> {
        if !self.caching() {
            return Ok(None);
        }
        let connection = self.connection.lock().unwrap();
        let json: Option<String> = connection
            .query_row(
                "SELECT result_json FROM cached_lookup WHERE e164 = ?1",
                params![e164],
                |row| row.get(0),
            )
            .optional()?;
        drop(connection);
        decode_lookup(json)
    }

    /// Applies the limits: entries older than the age limit go, then the least recently
    /// used records beyond the count limit, each with the lookups that showed them.
    /// Returns how many records were removed.
    pub fn evict(&self, limits: CacheLimits, now_ms: i64) -> Result<u64> {
        let mut connection = self.connection.lock().unwrap();
        let transaction = connection.transaction()?;
        let cutoff = now_ms.saturating_sub(limits.max_age_ms);
        transaction.execute(
            "DELETE FROM cached_lookup WHERE fetched_ms < ?1",
            params![cutoff],
        )?;
        transaction.execute(
            "DELETE FROM cached_search WHERE fetched_ms < ?1",
            params![cutoff],
        )?;
        transaction.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS evicted (id TEXT PRIMARY KEY); DELETE FROM evicted;",
        )?;
        transaction.execute(
            "INSERT INTO evicted (id) SELECT id FROM cached_record WHERE fetched_ms < ?1",
            params![cutoff],
        )?;
        let count: u64 = transaction.query_row(
            "SELECT COUNT(*) FROM cached_record WHERE id NOT IN (SELECT id FROM evicted)",
            [],
            |row| row.get(0),
        )?;
        if count > limits.max_records {
            transaction.execute(
                "INSERT INTO evicted (id) SELECT id FROM cached_record
                 WHERE id NOT IN (SELECT id FROM evicted)
                 ORDER BY last_used_ms ASC, id LIMIT ?1",
                params![count - limits.max_records],
            )?;
        }
        transaction.execute(
            "DELETE FROM cached_lookup WHERE e164 IN (
                 SELECT e164 FROM cached_record_phone WHERE record_id IN (SELECT id FROM evicted))",
            [],
        )?;
        let removed = transaction.execute(
            "DELETE FROM cached_record WHERE id IN (SELECT id FROM evicted)",
            [],
        )? as u64;
        transaction.execute("DELETE FROM evicted", [])?;
        transaction.commit()?;
        Ok(removed)
    }

    /// Remembers which record the rep picked for a number shown with several matches.
    pub fn remember_pick(&self, e164: &str, record_id: &str, now_ms: i64) -> Result<()> {
        if !self.caching() || self.key_withheld(e164) {
            return Ok(());
        }
        let connection = self.connection.lock().unwrap();
        connection.execute(
            "INSERT INTO number_pick (e164, record_id, picked_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT(e164) DO UPDATE SET record_id = excluded.record_id, picked_ms = excluded.picked_ms",
            params![e164, record_id, now_ms],
        )?;
        Ok(())
    }

    pub fn picked(&self, e164: &str) -> Result<Option<String>> {
        let connection = self.connection.lock().unwrap();
        Ok(connection
            .query_row(
                "SELECT record_id FROM number_pick WHERE e164 = ?1",
                params![e164],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Adds a call to the recent-calls list; returns its id (0: the cache is off, and
    /// the call is not kept).
    pub fn add_recent_call(&self, row: &RecentCallRow) -> Result<i64> {
        if !self.caching() {
            return Ok(0);
        }
        let name = if self.names_withheld() {
            None
        } else {
            row.record_name.as_deref()
        };
        let connection = self.connection.lock().unwrap();
        connection.execute(
            "INSERT INTO recent_call (e164, record_id, record_type, record_name, direction, started_ms, duration_seconds)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                row.e164,
                row.record_id,
                row.record_type,
                name,
                row.direction,
                row.started_ms,
                row.duration_seconds
            ],
        )?;
        Ok(connection.last_insert_rowid())
    }

    /// Sets the duration of the latest recent call with this person, if one started
    /// within `window_ms`.
    pub fn finish_recent_call(
        &self,
        record_id: &str,
        duration_seconds: u32,
        now_ms: i64,
        window_ms: i64,
    ) -> Result<()> {
        let connection = self.connection.lock().unwrap();
        connection.execute(
            "UPDATE recent_call SET duration_seconds = ?2 WHERE id = (
                 SELECT id FROM recent_call WHERE record_id = ?1 AND started_ms >= ?3
                 ORDER BY started_ms DESC, id DESC LIMIT 1)",
            params![
                record_id,
                duration_seconds,
                now_ms.saturating_sub(window_ms)
            ],
        )?;
        Ok(())
    }

    /// The most recent calls, newest first.
    pub fn recent_calls(&self, limit: u32) -> Result<Vec<RecentCallRow>> {
        let connection = self.connection.lock().unwrap();
        let mut statement = connection.prepare(
            "SELECT id, e164, record_id, record_type, record_name, direction, started_ms, duration_seconds
             FROM recent_call ORDER BY started_ms DESC, id DESC LIMIT ?1",
        )?;
        let rows = statement
            .query_map(params![limit], |row| {
                Ok(RecentCallRow {
                    id: row.get(0)?,
                    e164: row.get(1)?,
                    record_id: row.get(2)?,
                    record_type: row.get(3)?,
                    record_name: row.get(4)?,
                    direction: row.get(5)?,
                    started_ms: row.get(6)?,
                    duration_seconds: row.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

fn save_one(
    transaction: &rusqlite::Transaction<'_>,
    result: &LookupResult,
    records: &[CachedRecord<'_>],
    now_ms: i64,
    sensitive: &[String],
) -> Result<()> {
    transaction.execute(
        "DELETE FROM cached_record_phone WHERE e164 = ?1",
        params![result.number],
    )?;
    for record in records {
        transaction.execute(
            "INSERT INTO cached_record (id, sobject, name, fields_json, fetched_at, fetched_ms, last_used_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT(id) DO UPDATE SET sobject = excluded.sobject, name = excluded.name,
                 fields_json = excluded.fields_json, fetched_at = excluded.fetched_at,
                 fetched_ms = excluded.fetched_ms, last_used_ms = excluded.last_used_ms",
            params![
                record.id,
                record.sobject,
                cached_name(record.name, sensitive),
                crate::audit::cache_record_fields(record.fields, sensitive),
                result.fetched_at,
                now_ms
            ],
        )?;
        for e164 in &record.phones {
            transaction.execute(
                "INSERT OR IGNORE INTO cached_record_phone (e164, record_id) VALUES (?1, ?2)",
                params![e164, record.id],
            )?;
        }
    }
    let json = crate::audit::cache_result_json(result, sensitive)?;
    transaction.execute(
        "INSERT INTO cached_lookup (e164, result_json, fetched_at, fetched_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(e164) DO UPDATE SET result_json = excluded.result_json,
             fetched_at = excluded.fetched_at, fetched_ms = excluded.fetched_ms",
        params![result.number, json, result.fetched_at, now_ms],
    )?;
    Ok(())
}

/// Moves the write-ahead log into the database and empties the log file, so that the
/// old copies of pages a purge deleted do not stay in it. Another connection reading at
/// the moment can hold it up; then the log empties at a later checkpoint.
fn empty_write_ahead_log(connection: &Connection) {
    let checkpoint = connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        row.get::<_, i64>(0)
    });
    match checkpoint {
        Ok(0) => {}
        Ok(_) => tracing::debug!("the write-ahead log was busy; it empties later"),
        Err(error) => tracing::warn!("the write-ahead log was not emptied: {error}"),
    }
}

/// A record's name as the cache keeps it: none when names are withheld.
fn cached_name<'a>(name: &'a str, sensitive: &[String]) -> &'a str {
    if crate::audit::names_withheld(sensitive) {
        ""
    } else {
        name
    }
}

fn decode_lookup(json: Option<String>) -> Result<Option<LookupResult>> {
    match json {
        Some(json) => serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| Error::Storage(format!("a cached lookup is unreadable: {e}"))),
        None => Ok(None),
    }
}

impl Store {
    /// How many records the cache holds.
    pub fn cached_record_count(&self) -> Result<u64> {
        let connection = self.connection.lock().unwrap();
        Ok(connection.query_row("SELECT COUNT(*) FROM cached_record", [], |row| row.get(0))?)
    }

    /// Empties the cache, the remembered picks and the recent calls (not the outbox).
    pub fn purge_cache(&self) -> Result<()> {
        let connection = self.connection.lock().unwrap();
        connection.execute_batch(
            "DELETE FROM cached_lookup; DELETE FROM cached_record_phone; DELETE FROM cached_record;
             DELETE FROM number_pick; DELETE FROM recent_call; DELETE FROM created_record;
             DELETE FROM cached_search;",
        )?;
        empty_write_ahead_log(&connection);
        Ok(())
    }

    /// Stores a search's result under its key, and the records it showed (for the
    /// conflict check of a later change to one of them).
    pub fn save_search(
        &self,
        key: &str,
        result: &SearchResult,
        records: &[CachedRecord<'_>],
        now_ms: i64,
    ) -> Result<()> {
        if !self.caching() || self.key_withheld(key) {
            return Ok(());
        }
        let sensitive = self.sensitive_fields();
        let json = crate::audit::cache_result_json(result, &sensitive)?;
        let mut connection = self.connection.lock().unwrap();
        let transaction = connection.transaction()?;
        for record in records {
            transaction.execute(
                "INSERT INTO cached_record (id, sobject, name, fields_json, fetched_at, fetched_ms, last_used_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT(id) DO UPDATE SET sobject = excluded.sobject, name = excluded.name,
                     fields_json = excluded.fields_json, fetched_at = excluded.fetched_at,
                     fetched_ms = excluded.fetched_ms, last_used_ms = excluded.last_used_ms",
                params![
                    record.id,
                    record.sobject,
                    cached_name(record.name, &sensitive),
                    crate::audit::cache_record_fields(record.fields, &sensitive),
                    result.fetched_at,
                    now_ms
                ],
            )?;
        }
        transaction.execute(
            "INSERT INTO cached_search (key, result_json, fetched_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET result_json = excluded.result_json,
                 fetched_ms = excluded.fetched_ms",
            params![key, json, now_ms],
        )?;
        transaction.execute(
            "DELETE FROM cached_search WHERE key NOT IN (
                 SELECT key FROM cached_search ORDER BY fetched_ms DESC, key LIMIT ?1)",
            params![MAX_CACHED_SEARCHES],
        )?;
        transaction.commit()?;
        Ok(())
    }

    /// The last result of a search, if any and not older than `max_age_ms` (with
    /// `max_age_ms` = `i64::MAX`, whatever its age).
    pub fn cached_search(
        &self,
        key: &str,
        now_ms: i64,
        max_age_ms: i64,
    ) -> Result<Option<SearchResult>> {
        if !self.caching() {
            return Ok(None);
        }
        let connection = self.connection.lock().unwrap();
        let json: Option<String> = connection
            .query_row(
                "SELECT result_json FROM cached_search WHERE key = ?1 AND fetched_ms >= ?2",
                params![key, now_ms.saturating_sub(max_age_ms)],
                |row| row.get(0),
            )
            .optional()?;
        drop(connection);
        match json {
            Some(json) => serde_json::from_str(&json)
                .map(Some)
                .map_err(|e| Error::Storage(format!("a cached search is unreadable: {e}"))),
            None => Ok(None),
        }
    }

    /// Runs `write` with every commit synced to disk (`synchronous = FULL`), so it
    /// survives a crash or power loss once this returns.
    fn durably<T>(&self, write: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let connection = self.connection.lock().unwrap();
        connection.pragma_update(None, "synchronous", "FULL")?;
        let outcome = write(&connection);
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(outcome?)
    }

    /// Queues an action; it is durable when this returns.
    pub fn enqueue(&self, id: &str, kind: &str, payload_json: &str, now: &str) -> Result<()> {
        self.enqueue_for(id, kind, payload_json, "", now)
    }

    /// Queues an action on a record whose actions go out in order.
    pub fn enqueue_for(
        &self,
        id: &str,
        kind: &str,
        payload_json: &str,
        record_key: &str,
        now: &str,
    ) -> Result<()> {
        self.durably(|connection| {
            connection.execute(
                "INSERT INTO outbox (id, kind, payload_json, status, record_key, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?5)",
                params![id, kind, payload_json, record_key, now],
            )
        })?;
        Ok(())
    }

    /// Postpones the next try of a pending action.
    pub fn set_next_attempt(&self, id: &str, next_attempt_ms: i64) -> Result<()> {
        self.durably(|connection| {
            connection.execute(
                "UPDATE outbox SET next_attempt_ms = ?2 WHERE id = ?1",
                params![id, next_attempt_ms],
            )
        })?;
        Ok(())
    }

    /// Pending actions that are due, oldest first, without any whose record has an
    /// earlier action still pending and not due (one record's actions stay in order).
    pub fn due(&self, now_ms: i64) -> Result<Vec<OutboxItem>> {
        let connection = self.connection.lock().unwrap();
        let mut statement = connection.prepare(
            "SELECT id, kind, payload_json, status, attempts, result_id, last_error, conflict_json, uncertain, last_error_text, record_key, next_attempt_ms
             FROM outbox WHERE status = 'pending' ORDER BY created_at, rowid",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    outbox_row(row)?,
                    row.get::<_, String>(10)?,
                    row.get::<_, i64>(11)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut blocked = std::collections::HashSet::new();
        let mut due = Vec::new();
        for (item, record_key, next_attempt_ms) in rows {
            let in_order = record_key.is_empty() || !blocked.contains(&record_key);
            if next_attempt_ms <= now_ms && in_order {
                due.push(item);
            } else if !record_key.is_empty() {
                blocked.insert(record_key);
            }
        }
        Ok(due)
    }

    /// Whether an earlier action on the same record is still waiting to be sent.
    pub fn has_earlier_pending(&self, id: &str) -> Result<bool> {
        let connection = self.connection.lock().unwrap();
        Ok(connection.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox AS earlier, outbox AS this
                 WHERE this.id = ?1 AND this.record_key != '' AND earlier.record_key = this.record_key
                   AND earlier.status = 'pending' AND earlier.rowid < this.rowid)",
            params![id],
            |row| row.get(0),
        )?)
    }

    /// Notes a record Callside created for a number.
    pub fn remember_created(&self, record_id: &str, e164: &str, now_ms: i64) -> Result<()> {
        if !self.caching() {
            return Ok(());
        }
        let connection = self.connection.lock().unwrap();
        connection.execute(
            "INSERT OR REPLACE INTO created_record (record_id, e164, created_ms) VALUES (?1, ?2, ?3)",
            params![record_id, e164, now_ms],
        )?;
        Ok(())
    }

    /// Records Callside created for a number since `since_ms`.
    pub fn created_since(&self, e164: &str, since_ms: i64) -> Result<Vec<String>> {
        let connection = self.connection.lock().unwrap();
        let mut statement = connection
            .prepare("SELECT record_id FROM created_record WHERE e164 = ?1 AND created_ms >= ?2")?;
        let ids = statement
            .query_map(params![e164, since_ms], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// Whether any action on this record is waiting to be sent.
    pub fn has_pending_for(&self, record_key: &str) -> Result<bool> {
        let connection = self.connection.lock().unwrap();
        Ok(connection.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE record_key = ?1 AND status = 'pending')",
            params![record_key],
            |row| row.get(0),
        )?)
    }

    /// Forgets a cached record's `LastModifiedDate` after Callside itself changed the
    /// record, so the next change is not taken for someone else's.
    pub fn forget_last_modified(&self, id: &str) -> Result<()> {
        let connection = self.connection.lock().unwrap();
        connection.execute(
            "UPDATE cached_record SET fields_json = json_remove(fields_json, '$.LastModifiedDate')
             WHERE id = ?1",
            params![id],
        )?;
        Ok(())
    }

    /// The ordering key of an action.
    pub fn record_key(&self, id: &str) -> Result<Option<String>> {
        let connection = self.connection.lock().unwrap();
        Ok(connection
            .query_row(
                "SELECT record_key FROM outbox WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// One field of a cached record, as Salesforce last sent it.
    pub fn cached_field(&self, id: &str, field: &str) -> Result<Option<String>> {
        let connection = self.connection.lock().unwrap();
        let json: Option<String> = connection
            .query_row(
                "SELECT fields_json FROM cached_record WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )
            .optional()?;
        Ok(json
            .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
            .and_then(|v| v.get(field).and_then(|f| f.as_str()).map(str::to_string)))
    }

    /// Every action, newest first (at most `limit`).
    pub fn outbox(&self, limit: u32) -> Result<Vec<OutboxItem>> {
        let connection = self.connection.lock().unwrap();
        let mut statement = connection.prepare(
            "SELECT id, kind, payload_json, status, attempts, result_id, last_error, conflict_json, uncertain, last_error_text
             FROM outbox ORDER BY created_at DESC, rowid DESC LIMIT ?1",
        )?;
        let items = statement
            .query_map(params![limit], outbox_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(items)
    }

    /// Makes a failed (or pending) action pending and due now, optionally with a new payload.
    pub fn requeue(&self, id: &str, payload_json: Option<&str>, now: &str) -> Result<bool> {
        let changed = self.durably(|connection| {
            connection.execute(
                "UPDATE outbox SET status = 'pending', next_attempt_ms = 0, last_error = NULL,
                     last_error_text = NULL, conflict_json = NULL, payload_json = COALESCE(?2, payload_json), updated_at = ?3
                 WHERE id = ?1 AND status != 'sent'",
                params![id, payload_json, now],
            )
        })?;
        Ok(changed > 0)
    }

    /// Makes every pending action due now.
    pub fn requeue_all_pending(&self, now: &str) -> Result<usize> {
        self.durably(|connection| {
            connection.execute(
                "UPDATE outbox SET next_attempt_ms = 0, updated_at = ?1 WHERE status = 'pending'",
                params![now],
            )
        })
    }

    /// Removes an unsent action; returns it as it was, or None when there is no unsent
    /// action with this id (sent actions stay as history).
    pub fn discard(&self, id: &str) -> Result<Option<OutboxItem>> {
        self.durably(|connection| {
            connection
                .query_row(
                    "DELETE FROM outbox WHERE id = ?1 AND status != 'sent'
                     RETURNING id, kind, payload_json, status, attempts, result_id, last_error, conflict_json, uncertain, last_error_text",
                    params![id],
                    outbox_row,
                )
                .optional()
        })
    }

    pub fn outbox_item(&self, id: &str) -> Result<Option<OutboxItem>> {
        let connection = self.connection.lock().unwrap();
        Ok(connection
            .query_row(
                "SELECT id, kind, payload_json, status, attempts, result_id, last_error, conflict_json, uncertain, last_error_text
                 FROM outbox WHERE id = ?1",
                params![id],
                outbox_row,
            )
            .optional()?)
    }

    /// Pending actions, oldest first.
    pub fn pending(&self) -> Result<Vec<OutboxItem>> {
        let connection = self.connection.lock().unwrap();
        let mut statement = connection.prepare(
            "SELECT id, kind, payload_json, status, attempts, result_id, last_error, conflict_json, uncertain, last_error_text
             FROM outbox WHERE status = 'pending' ORDER BY created_at, rowid",
        )?;
        let items = statement
            .query_map([], outbox_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(items)
    }

    /// Salesforce answered the last attempt (with a refusal): it changed nothing.
    pub fn mark_answered(&self, id: &str) -> Result<()> {
        self.durably(|connection| {
            connection.execute("UPDATE outbox SET uncertain = 0 WHERE id = ?1", params![id])
        })?;
        Ok(())
    }

    /// Keeps what Salesforce held when an update was refused as a conflict.
    pub fn set_conflict(&self, id: &str, conflict_json: &str) -> Result<()> {
        self.durably(|connection| {
            connection.execute(
                "UPDATE outbox SET conflict_json = ?2 WHERE id = ?1",
                params![id, conflict_json],
            )
        })?;
        Ok(())
    }

    /// Queues several actions in one transaction: all of them are durable when this
    /// returns, or none is queued.
    pub fn enqueue_all(&self, actions: &[(&str, &str, &str, &str)], now: &str) -> Result<()> {
        self.durably(|connection| {
            let transaction = connection.unchecked_transaction()?;
            for (id, kind, payload_json, record_key) in actions {
                transaction.execute(
                    "INSERT INTO outbox (id, kind, payload_json, status, record_key, created_at, updated_at)
                     VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?5)",
                    params![id, kind, payload_json, record_key, now],
                )?;
            }
            transaction.commit()
        })?;
        Ok(())
    }

    /// Records that a send is about to start, so a crash mid-send is known afterwards.
    pub fn mark_attempt(&self, id: &str, now: &str) -> Result<()> {
        self.durably(|connection| {
            connection.execute(
                "UPDATE outbox SET attempts = attempts + 1, uncertain = 1, updated_at = ?2 WHERE id = ?1",
                params![id, now],
            )
        })?;
        Ok(())
    }

    /// Records where an action stands; `error` is why it waits or was refused, in English
    /// and as a [`crate::text::Text`] where it has one.
    pub fn mark_outcome(
        &self,
        id: &str,
        status: ActionStatus,
        result_id: Option<&str>,
        error: Option<(&str, Option<&crate::text::Text>)>,
        now: &str,
    ) -> Result<()> {
        let english = error.map(|(english, _)| english);
        let text = match error.and_then(|(_, text)| text) {
            Some(text) => {
                Some(serde_json::to_string(text).map_err(|e| Error::Storage(e.to_string()))?)
            }
            None => None,
        };
        self.durably(|connection| {
            connection.execute(
                "UPDATE outbox SET status = ?2, result_id = COALESCE(?3, result_id), last_error = ?4,
                     last_error_text = ?5, updated_at = ?6 WHERE id = ?1",
                params![id, status_text(status), result_id, english, text, now],
            )
        })?;
        Ok(())
    }
}

fn outbox_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxItem> {
    let status: String = row.get(3)?;
    Ok(OutboxItem {
        id: row.get(0)?,
        kind: row.get(1)?,
        payload_json: row.get(2)?,
        status: status_from_text(&status),
        attempts: row.get(4)?,
        result_id: row.get(5)?,
        last_error: row.get(6)?,
        conflict_json: row.get(7)?,
        uncertain: row.get(8)?,
        last_error_text: row.get(9)?,
    })
}

fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Storage(format!("cannot create {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::Storage(format!("cannot protect {}: {e}", dir.display())))?;
    }
    Ok(())
}

/// Makes a file readable and writable by its owner only (0600 on Unix).
pub(crate) fn restrict_to_owner(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::Storage(format!("cannot protect {}: {e}", path.display())))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LookupSource;

    fn lookup(number: &str) -> LookupResult {
        LookupResult {
            number: number.into(),
            source: LookupSource::Salesforce,
            fetched_at: "2026-11-25T10:00:00Z".into(),
            matches: vec![],
            related_loaded: true,
        }
    }

    #[test]
    fn migrations_run_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_for_org(dir.path(), "00D000000000001AAA").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read the cache");
        }
        drop(store);
        // Reopening an existing database is a no-op migration.
        Store::open_for_org(dir.path(), "00D000000000001AAA").unwrap();
    }

    #[test]
    fn an_org_id_cannot_escape_the_data_directory() {
        assert!(org_database_path(Path::new("/data"), "../etc").is_err());
    }

    #[test]
    fn lookups_round_trip_and_purge_empties_the_cache_but_not_the_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let fields = serde_json::json!({"Name": "Dana"});
        store
            .save_lookup(
                &lookup("+17205550100"),
                &[CachedRecord {
                    id: "003A",
                    sobject: "Contact",
                    name: "Dana",
                    fields: &fields,
                    phones: vec!["+17205550100".into()],
                }],
                1_000,
            )
            .unwrap();
        store
            .enqueue("a1", "log_call", "{}", "2026-11-25T10:00:00Z")
            .unwrap();
        assert_eq!(
            store.cached_lookup("+17205550100").unwrap(),
            Some(lookup("+17205550100"))
        );
        assert_eq!(store.cached_record_count().unwrap(), 1);
        store.purge_cache().unwrap();
        assert_eq!(store.cached_lookup("+17205550100").unwrap(), None);
        assert_eq!(store.cached_record_count().unwrap(), 0);
        assert_eq!(store.pending().unwrap().len(), 1);
    }

    #[test]
    fn outbox_items_move_from_pending_to_sent() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        store.enqueue("a1", "log_call", "{\"x\":1}", "t1").unwrap();
        store.mark_attempt("a1", "t2").unwrap();
        store
            .mark_outcome("a1", ActionStatus::Sent, Some("00T1"), None, "t3")
            .unwrap();
        let item = store.outbox_item("a1").unwrap().unwrap();
        assert_eq!(item.status, ActionStatus::Sent);
        assert_eq!(item.attempts, 1);
        assert_eq!(item.result_id.as_deref(), Some("00T1"));
        assert!(store.pending().unwrap().is_empty());
    }
}
