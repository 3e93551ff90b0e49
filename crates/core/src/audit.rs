//! The audit trail: an append-only, tamper-evident log of which records a signed-in user
//! was shown, created or changed, through which action, and with what outcome.
//!
//! One SQLite file per org beside the cache, `<data dir>/orgs/<org id>/audit.sqlite`
//! (readable by the user only). It is not part of the cache: signing out and clearing the
//! cache leave it alone; entries older than the retention (`audit_retention_days`) go.
//!
//! # The chain
//!
//! Every entry carries the hash of the entry before it (`prev`) and its own `hash`, the
//! SHA-256 of the previous hash and the entry's canonical JSON. The `head` row holds the
//! last entry's number and hash, and `pruned` the number and hash of the last entry the
//! retention removed. [`AuditLog::verify`] recomputes the chain from `pruned` to `head`:
//! an edited entry no longer matches its hash, a deleted one leaves a gap in the numbers
//! and a `prev` that does not match, a deleted last entry no longer matches `head`.
//! An exported file ([`AuditLog::export`], JSON lines) is checked the same way by
//! [`verify_lines`].
//!
//! # What is never written
//!
//! Tokens: entries are built from record ids, action kinds, outcomes and field values of
//! the rep's changes, never from a session. Values of fields the administrator marks
//! sensitive (`sensitive_fields`) are written as a keyed hash (`hmac-sha256:…`, keyed with
//! a random per-org key kept in the log's database), so equal values can be matched
//! without being readable.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{ActionOutcome, ActionStatus, LookupResult};
use crate::store::OutboxItem;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How long entries are kept when the policy does not say.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS audit_entry (
        seq INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        entry_json TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS audit_meta (
        key TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        value TEXT NOT NULL
    );
    INSERT OR IGNORE INTO audit_meta (key, seq, value) VALUES ('head', 0, '0000000000000000000000000000000000000000000000000000000000000000');
    INSERT OR IGNORE INTO audit_meta (key, seq, value) VALUES ('pruned', 0, '0000000000000000000000000000000000000000000000000000000000000000');
";

/// What happened to the records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// Records were shown to the rep (a pop, a lookup, a search).
    Shown,
    /// A record is to be created (queued, then sent).
    Create,
    /// A record is to be changed.
    Change,
}

/// One entry of the trail, as exported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    /// When, in UTC (RFC 3339).
    pub at: String,
    pub org_id: String,
    /// The signed-in Salesforce username.
    pub user: String,
    pub operation: Operation,
    /// Through which action: `pop`, `lookup`, `search`, `log_call`, `rate_lead`, ...
    pub action: String,
    /// The records concerned (ids); for a create, the new record once Salesforce has it.
    pub records: Vec<String>,
    /// The values an action writes (sensitive ones as keyed hashes).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// `shown`, `queued`, `sent`, `failed`, `conflict`, `discarded`.
    pub outcome: String,
    /// Salesforce's message when it refused, or why an action waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The previous entry's hash.
    pub prev: String,
    /// SHA-256 over `prev` and this entry's canonical JSON (without `hash`).
    pub hash: String,
}

/// What is about to be appended.
#[derive(Clone, Debug, Default)]
pub struct NewEntry {
    pub action: String,
    pub records: Vec<String>,
    pub fields: BTreeMap<String, String>,
    pub outcome: String,
    pub message: Option<String>,
}

/// The result of checking a chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Entries checked.
    pub entries: u64,
    /// The first entry number checked and the last.
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    /// What breaks the chain, with the entry number; none when it is intact.
    pub problem: Option<String>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// The canonical form an entry's hash covers: every field but `hash`, in a fixed order.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: u64,
    at: &'a str,
    org_id: &'a str,
    user: &'a str,
    operation: Operation,
    action: &'a str,
    records: &'a [String],
    fields: &'a BTreeMap<String, String>,
    outcome: &'a str,
    message: &'a Option<String>,
    prev: &'a str,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash an entry should carry.
pub fn entry_hash(entry: &AuditEntry) -> String {
    let canonical = serde_json::to_string(&Hashed {
        seq: entry.seq,
        at: &entry.at,
        org_id: &entry.org_id,
        user: &entry.user,
        operation: entry.operation,
        action: &entry.action,
        records: &entry.records,
        fields: &entry.fields,
        outcome: &entry.outcome,
        message: &entry.message,
        prev: &entry.prev,
    })
    .expect("an entry serializes");
    let mut digest = Sha256::new();
    digest.update(entry.prev.as_bytes());
    digest.update(b"\n");
    digest.update(canonical.as_bytes());
    hex(&digest.finalize())
}

/// HMAC-SHA-256 (RFC 2104) of a value under the log's key.
fn keyed_hash(key: &[u8], value: &str) -> String {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(value.as_bytes());
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    format!("hmac-sha256:{}", hex(&outer.finalize()))
}

/// A field name compared without case, underscores or a `__c` suffix, so that
/// `Health_Notes__c`, `health_notes` and `healthNotes` are one name.
fn field_key(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix("__c").unwrap_or(&lower);
    base.chars().filter(|c| *c != '_').collect()
}

/// A record's fields as the cache may hold them: without the sensitive ones.
pub fn cache_record_fields(fields: &serde_json::Value, sensitive: &[String]) -> String {
    if sensitive.is_empty() {
        return fields.to_string();
    }
    let mut keys: Vec<String> = sensitive.iter().map(|f| field_key(f)).collect();
    if names_withheld(sensitive) {
        // Any one of them gives the name away.
        keys.extend(NAME_KEYS.map(String::from));
    }
    let mut fields = fields.clone();
    strip_fields(&mut fields, &keys);
    fields.to_string()
}

/// Removes every key naming a sensitive field, at any depth (related records nest).
fn strip_fields(value: &mut serde_json::Value, keys: &[String]) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|key, _| !keys.contains(&field_key(key)));
            map.values_mut().for_each(|v| strip_fields(v, keys));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| strip_fields(v, keys)),
        _ => {}
    }
}

/// A result (a lookup's or a search's) as JSON the cache may hold: the admin-mapped
/// facts of sensitive fields (`{"field": ..., "value": ...}` entries) are left out, and
/// the matches' names when the person's name is sensitive ([`names_withheld`]).
pub fn cache_result_json(result: &impl Serialize, sensitive: &[String]) -> Result<String> {
    let mut value = serde_json::to_value(result).map_err(|e| Error::Storage(e.to_string()))?;
    if !sensitive.is_empty() {
        let keys: Vec<String> = sensitive.iter().map(|f| field_key(f)).collect();
        drop_sensitive_facts(&mut value, &keys);
        if names_withheld(sensitive) {
            withhold_match_names(&mut value);
        }
    }
    serde_json::to_string(&value).map_err(|e| Error::Storage(e.to_string()))
}

/// Whether the administrator marks a person's name sensitive (`Name`, `FirstName` or
/// `LastName`): then no caller's name is cached; it is shown only live from Salesforce.
pub fn names_withheld(sensitive: &[String]) -> bool {
    sensitive
        .iter()
        .any(|field| NAME_KEYS.contains(&field_key(field).as_str()))
}

/// The fields of a person's name, as [`field_key`] writes them.
const NAME_KEYS: [&str; 3] = ["name", "firstname", "lastname"];

/// Whether the administrator marks this field sensitive (by API name, as
/// `sensitive_fields` lists them).
pub fn is_sensitive_field(sensitive: &[String], field: &str) -> bool {
    let key = field_key(field);
    sensitive.iter().any(|f| field_key(f) == key)
}

/// Empties the name of every match (`matches[].name`) and marks it `nameWithheld`; the
/// subjects of its activities go too, as they usually name the person ("Call with ...").
fn withhold_match_names(value: &mut serde_json::Value) {
    let Some(matches) = value.get_mut("matches").and_then(|m| m.as_array_mut()) else {
        return;
    };
    for card in matches.iter_mut().filter_map(|m| m.as_object_mut()) {
        card.insert("name".into(), serde_json::Value::String(String::new()));
        card.insert("nameWithheld".into(), serde_json::Value::Bool(true));
        if let Some(activities) = card.get_mut("activities").and_then(|a| a.as_array_mut()) {
            for activity in activities.iter_mut().filter_map(|a| a.as_object_mut()) {
                activity.insert("subject".into(), serde_json::Value::Null);
            }
        }
    }
}

fn drop_sensitive_facts(value: &mut serde_json::Value, keys: &[String]) {
    match value {
        serde_json::Value::Array(items) => {
            items.retain(|item| {
                let field = item.get("field").and_then(|f| f.as_str());
                !(item.get("value").is_some()
                    && field.is_some_and(|f| keys.contains(&field_key(f))))
            });
            items.iter_mut().for_each(|v| drop_sensitive_facts(v, keys));
        }
        serde_json::Value::Object(map) => {
            // The caller card's own values (`phone`, `email`, `title`...) stand for the
            // record fields of the same name; optional ones are emptied.
            for (key, value) in map.iter_mut() {
                if CARD_FIELDS.contains(&key.as_str()) && keys.contains(&field_key(key)) {
                    *value = serde_json::Value::Null;
                }
            }
            map.values_mut().for_each(|v| drop_sensitive_facts(v, keys))
        }
        _ => {}
    }
}

/// The optional values of a cached caller card that carry a record field's value.
const CARD_FIELDS: &[&str] = &[
    "title",
    "company",
    "phone",
    "email",
    "status",
    "rating",
    "leadSource",
    "owner",
    "industry",
    "website",
];

/// The audit file of an org.
pub fn audit_path(data_dir: &Path, org_id: &str) -> Result<PathBuf> {
    let database = crate::store::org_database_path(data_dir, org_id)?;
    Ok(database.with_file_name("audit.sqlite"))
}

/// The orgs that have an audit trail under `data_dir`, by org id.
pub fn org_logs(data_dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let orgs = data_dir.join("orgs");
    let entries = match std::fs::read_dir(&orgs) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(Error::Storage(format!(
                "cannot read {}: {error}",
                orgs.display()
            )))
        }
    };
    let mut logs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path().join("audit.sqlite");
        if path.is_file() {
            logs.push((entry.file_name().to_string_lossy().to_string(), path));
        }
    }
    logs.sort();
    Ok(logs)
}

/// One org's audit trail.
pub struct AuditLog {
    connection: Mutex<Connection>,
    path: PathBuf,
    org_id: String,
    user: String,
    /// Field names (as [`field_key`]) whose values are hashed.
    sensitive: Vec<String>,
    key: Vec<u8>,
}

impl AuditLog {
    /// Opens (creating if needed) the trail of one org for `user`, and removes the
    /// entries older than `retention_days`.
    pub fn open_for_org(
        data_dir: &Path,
        org_id: &str,
        user: &str,
        sensitive_fields: &[String],
        retention_days: u32,
        now_ms: i64,
    ) -> Result<AuditLog> {
        let log = AuditLog::open(&audit_path(data_dir, org_id)?, org_id, user)?
            .with_sensitive_fields(sensitive_fields);
        log.prune(now_ms - i64::from(retention_days) * DAY_MS)?;
        Ok(log)
    }

    /// Opens a trail file (for reading, verifying and exporting, or for appending as `user`).
    pub fn open(path: &Path, org_id: &str, user: &str) -> Result<AuditLog> {
        let existed = path.exists();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::Storage(format!("cannot create {}: {e}", parent.display())))?;
        }
        let connection = Connection::open(path)?;
        if !existed {
            crate::store::restrict_to_owner(path)?;
        }
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.execute_batch(SCHEMA)?;
        connection.execute(
            "INSERT OR IGNORE INTO audit_meta (key, seq, value) VALUES ('key', 0, ?1)",
            params![format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            )],
        )?;
        let key: String = connection.query_row(
            "SELECT value FROM audit_meta WHERE key = 'key'",
            [],
            |row| row.get(0),
        )?;
        Ok(AuditLog {
            connection: Mutex::new(connection),
            path: path.to_path_buf(),
            org_id: org_id.to_string(),
            user: user.to_string(),
            sensitive: Vec::new(),
            key: key.into_bytes(),
        })
    }

    /// Values of these fields are written as keyed hashes. A person's name is one value
    /// whichever part is marked: `Name`, `FirstName` and `LastName` go together, as in
    /// the cache ([`names_withheld`]).
    pub fn with_sensitive_fields(mut self, fields: &[String]) -> AuditLog {
        self.sensitive = fields.iter().map(|f| field_key(f)).collect();
        if names_withheld(fields) {
            for key in NAME_KEYS {
                if !self.sensitive.iter().any(|k| k == key) {
                    self.sensitive.push(key.to_string());
                }
            }
        }
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a field's value is kept out of the trail in clear text.
    pub fn is_sensitive(&self, field: &str) -> bool {
        let key = field_key(field);
        self.sensitive.contains(&key)
    }

    /// A field's value as the trail may hold it.
    pub fn protect(&self, field: &str, value: &str) -> String {
        if self.is_sensitive(field) {
            keyed_hash(&self.key, value)
        } else {
            value.to_string()
        }
    }

    /// Appends an entry, chained to the last one; returns it.
    pub fn append(&self, operation: Operation, entry: NewEntry, now_ms: i64) -> Result<AuditEntry> {
        let fields = entry
            .fields
            .iter()
            .map(|(name, value)| (name.clone(), self.protect(name, value)))
            .collect();
        let mut connection = self.connection.lock().unwrap();
        // IMMEDIATE: another process appending to the same trail waits for this one.
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (head_seq, head_hash): (u64, String) = transaction.query_row(
            "SELECT seq, value FROM audit_meta WHERE key = 'head'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let mut written = AuditEntry {
            seq: head_seq + 1,
            at: rfc3339(now_ms),
            org_id: self.org_id.clone(),
            user: self.user.clone(),
            operation,
            action: entry.action,
            records: entry.records,
            fields,
            outcome: entry.outcome,
            message: entry.message,
            prev: head_hash,
            hash: String::new(),
        };
        written.hash = entry_hash(&written);
        let json = serde_json::to_string(&written).expect("an entry serializes");
        transaction.execute(
            "INSERT INTO audit_entry (seq, at_ms, entry_json, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![written.seq, now_ms, json, written.prev, written.hash],
        )?;
        transaction.execute(
            "UPDATE audit_meta SET seq = ?1, value = ?2 WHERE key = 'head'",
            params![written.seq, written.hash],
        )?;
        transaction.commit()?;
        Ok(written)
    }

    /// Removes the entries written before `cutoff_ms`; the chain then starts at the
    /// first entry kept, whose `prev` is remembered as `pruned`.
    pub fn prune(&self, cutoff_ms: i64) -> Result<u64> {
        let mut connection = self.connection.lock().unwrap();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<(u64, String)> = transaction
            .query_row(
                "SELECT seq, hash FROM audit_entry WHERE at_ms < ?1 ORDER BY seq DESC LIMIT 1",
                params![cutoff_ms],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((seq, hash)) = last else {
            return Ok(0);
        };
        let removed =
            transaction.execute("DELETE FROM audit_entry WHERE seq <= ?1", params![seq])?;
        transaction.execute(
            "UPDATE audit_meta SET seq = ?1, value = ?2 WHERE key = 'pruned'",
            params![seq, hash],
        )?;
        transaction.commit()?;
        Ok(removed as u64)
    }

    /// Every entry kept, oldest first, as stored.
    pub fn entries(&self) -> Result<Vec<AuditEntry>> {
        let connection = self.connection.lock().unwrap();
        let mut statement =
            connection.prepare("SELECT seq, entry_json FROM audit_entry ORDER BY seq")?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, u64>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(seq, json)| {
                serde_json::from_str(&json).map_err(|error| {
                    Error::Storage(format!("audit entry {seq} cannot be read: {error}"))
                })
            })
            .collect()
    }

    /// Writes the entries as JSON lines (one entry a line, with its hashes); returns how
    /// many were written.
    pub fn export(&self, out: &mut impl std::io::Write) -> Result<u64> {
        let entries = self.entries()?;
        for entry in &entries {
            let line = serde_json::to_string(entry).expect("an entry serializes");
            writeln!(out, "{line}")
                .map_err(|error| Error::Storage(format!("the export failed: {error}")))?;
        }
        Ok(entries.len() as u64)
    }

    /// Checks the whole chain, from the last pruned entry to the head.
    pub fn verify(&self) -> Result<Verification> {
        let (pruned, head) = {
            let connection = self.connection.lock().unwrap();
            let meta = |key: &str| -> rusqlite::Result<(u64, String)> {
                connection.query_row(
                    "SELECT seq, value FROM audit_meta WHERE key = ?1",
                    params![key],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
            };
            (meta("pruned")?, meta("head")?)
        };
        let connection = self.connection.lock().unwrap();
        let mut statement = connection
            .prepare("SELECT seq, entry_json, prev, hash FROM audit_entry ORDER BY seq")?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, u64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(statement);
        drop(connection);
        let mut checker = Checker::new(Some(pruned));
        for (seq, json, prev, hash) in rows {
            let entry: AuditEntry = match serde_json::from_str(&json) {
                Ok(entry) => entry,
                Err(error) => {
                    return Ok(checker.fail(format!("entry {seq} is not a valid entry: {error}")))
                }
            };
            if entry.seq != seq || entry.prev != prev || entry.hash != hash {
                return Ok(checker.fail(format!(
                    "entry {seq} was edited: its stored number or hashes differ from its content"
                )));
            }
            if let Some(problem) = checker.check(&entry) {
                return Ok(checker.fail(problem));
            }
        }
        let (head_seq, head_hash) = head;
        if checker.last_seq.unwrap_or(checker.start.0) != head_seq || checker.last_hash != head_hash
        {
            let problem = if checker.last_seq.unwrap_or(checker.start.0) < head_seq {
                format!(
                    "entries after {} are missing: the trail was written up to entry {head_seq}",
                    checker.last_seq.unwrap_or(checker.start.0)
                )
            } else {
                format!("the trail's head (entry {head_seq}) does not match its last entry")
            };
            return Ok(checker.fail(problem));
        }
        Ok(checker.done())
    }
}

/// Checks an exported trail (JSON lines): each entry's hash, and that each follows the
/// one before without a gap.
pub fn verify_lines(text: &str) -> Verification {
    let mut checker = Checker::new(None);
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entry: AuditEntry = match serde_json::from_str(line) {
            Ok(entry) => entry,
            Err(error) => {
                return checker.fail(format!("line {} is not an audit entry: {error}", index + 1))
            }
        };
        if let Some(problem) = checker.check(&entry) {
            return checker.fail(problem);
        }
    }
    checker.done()
}

struct Checker {
    /// The number and hash the first entry must follow (unknown for an export).
    start: (u64, String),
    known_start: bool,
    entries: u64,
    first_seq: Option<u64>,
    last_seq: Option<u64>,
    last_hash: String,
}

impl Checker {
    fn new(start: Option<(u64, String)>) -> Checker {
        let known_start = start.is_some();
        let start = start.unwrap_or((0, GENESIS.to_string()));
        Checker {
            last_hash: start.1.clone(),
            start,
            known_start,
            entries: 0,
            first_seq: None,
            last_seq: None,
        }
    }

    fn check(&mut self, entry: &AuditEntry) -> Option<String> {
        let seq = entry.seq;
        if entry_hash(entry) != entry.hash {
            return Some(format!(
                "entry {seq} was edited: its content does not match its hash"
            ));
        }
        let (expected_seq, expected_prev) = match self.last_seq {
            Some(last) => (last + 1, self.last_hash.clone()),
            None if self.known_start => (self.start.0 + 1, self.start.1.clone()),
            // An export may begin after pruned entries: its first entry sets the start.
            None => (seq, entry.prev.clone()),
        };
        if seq != expected_seq {
            return Some(if seq > expected_seq {
                format!(
                    "entry {expected_seq} is missing (deleted): entry {seq} follows entry {}",
                    expected_seq - 1
                )
            } else {
                format!("entry {seq} is out of order (expected entry {expected_seq})")
            });
        }
        if entry.prev != expected_prev {
            return Some(format!(
                "entry {seq} does not follow entry {}: the entry before it was changed or replaced",
                seq.saturating_sub(1)
            ));
        }
        self.entries += 1;
        self.first_seq.get_or_insert(seq);
        self.last_seq = Some(seq);
        self.last_hash = entry.hash.clone();
        None
    }

    fn fail(&self, problem: String) -> Verification {
        Verification {
            entries: self.entries,
            first_seq: self.first_seq,
            last_seq: self.last_seq,
            problem: Some(problem),
        }
    }

    fn done(&self) -> Verification {
        Verification {
            entries: self.entries,
            first_seq: self.first_seq,
            last_seq: self.last_seq,
            problem: None,
        }
    }
}

/// An entry for records shown to the rep (a pop, a lookup, a search).
pub fn shown(action: &str, result: &LookupResult) -> NewEntry {
    NewEntry {
        action: action.to_string(),
        records: result.matches.iter().map(|m| m.id.clone()).collect(),
        fields: BTreeMap::new(),
        outcome: "shown".into(),
        message: None,
    }
}

/// The values an action writes, flattened (`request.notes`, `rating`, ...): strings,
/// numbers and booleans. Keys that could hold credentials are left out.
fn payload_fields(payload_json: &str) -> BTreeMap<String, String> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    let lower = key.to_ascii_lowercase();
                    if lower.contains("token")
                        || lower.contains("secret")
                        || lower.contains("password")
                    {
                        continue;
                    }
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&name, value, out);
                }
            }
            serde_json::Value::String(text) => {
                out.insert(prefix.to_string(), text.clone());
            }
            serde_json::Value::Number(number) => {
                out.insert(prefix.to_string(), number.to_string());
            }
            serde_json::Value::Bool(flag) => {
                out.insert(prefix.to_string(), flag.to_string());
            }
            serde_json::Value::Null | serde_json::Value::Array(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(payload_json) {
        walk("", &value, &mut out);
    }
    out
}

fn creates(kind: &str) -> bool {
    matches!(
        kind,
        "log_call" | "create_lead" | "follow_up" | "create_opportunity" | "schedule_demo"
    )
}

fn outcome_text(outcome: &ActionOutcome) -> &'static str {
    match outcome.status {
        ActionStatus::Sent => "sent",
        ActionStatus::Pending => "queued",
        ActionStatus::Failed if outcome.conflict.is_some() => "conflict",
        ActionStatus::Failed => "failed",
    }
}

impl AuditLog {
    /// Records what became of an action: queued, sent (with the record created or
    /// changed), refused.
    pub fn action_outcome(
        &self,
        item: &OutboxItem,
        outcome: &ActionOutcome,
        now_ms: i64,
    ) -> Result<AuditEntry> {
        self.action_entry(
            item,
            outcome.record_id.as_deref(),
            outcome_text(outcome),
            outcome.message.clone(),
            now_ms,
        )
    }

    /// Records that the rep discarded an unsent action (a refused one, or a conflict
    /// settled by keeping Salesforce's value): it will never reach Salesforce.
    pub fn action_discarded(&self, item: &OutboxItem, now_ms: i64) -> Result<AuditEntry> {
        let message = match (&item.conflict_json, &item.last_error) {
            (Some(_), _) => Some("kept the value Salesforce holds".to_string()),
            (None, Some(error)) => Some(error.clone()),
            (None, None) => None,
        };
        self.action_entry(
            item,
            item.result_id.as_deref(),
            "discarded",
            message,
            now_ms,
        )
    }

    fn action_entry(
        &self,
        item: &OutboxItem,
        record_id: Option<&str>,
        outcome: &str,
        message: Option<String>,
        now_ms: i64,
    ) -> Result<AuditEntry> {
        let fields = payload_fields(&item.payload_json);
        let mut records: Vec<String> = Vec::new();
        // The record acted on: every `*_id` value the action names.
        for (name, value) in &fields {
            let last = name.rsplit('.').next().unwrap_or(name);
            let id_like = last.ends_with("_id") || last.ends_with("Id");
            if id_like && !records.contains(value) && !self.is_sensitive(name) {
                records.push(value.clone());
            }
        }
        if let Some(id) = record_id {
            if !records.iter().any(|r| r == id) {
                records.push(id.to_string());
            }
        }
        let operation = if creates(&item.kind) {
            Operation::Create
        } else {
            Operation::Change
        };
        self.append(
            operation,
            NewEntry {
                action: item.kind.clone(),
                records,
                fields,
                outcome: outcome.into(),
                message,
            },
            now_ms,
        )
    }
}

/// Records what became of actions (each with its outbox row); a failure to write the
/// trail is logged, never the reason an action fails.
pub fn record_outcomes(
    log: &AuditLog,
    store: &crate::store::Store,
    outcomes: &[ActionOutcome],
    now_ms: i64,
) {
    for outcome in outcomes {
        let written = store
            .outbox_item(&outcome.action_id)
            .and_then(|item| match item {
                Some(item) => log.action_outcome(&item, outcome, now_ms).map(drop),
                None => Ok(()),
            });
        if let Err(error) = written {
            tracing::warn!("the audit trail was not written: {error}");
        }
    }
}

/// Records that records were shown (logged, never failing the lookup).
pub fn record_shown(log: &AuditLog, action: &str, records: Vec<String>, now_ms: i64) {
    let entry = NewEntry {
        action: action.to_string(),
        records,
        outcome: "shown".into(),
        ..NewEntry::default()
    };
    if let Err(error) = log.append(Operation::Shown, entry, now_ms) {
        tracing::warn!("the audit trail was not written: {error}");
    }
}

fn rfc3339(ms: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(dir: &Path) -> AuditLog {
        AuditLog::open(
            &dir.join("audit.sqlite"),
            "00D000000000001AAA",
            "rep@example.com",
        )
        .unwrap()
        .with_sensitive_fields(&["Health_Notes__c".to_string()])
    }

    fn entry(action: &str, record: &str) -> NewEntry {
        NewEntry {
            action: action.into(),
            records: vec![record.into()],
            outcome: "shown".into(),
            ..NewEntry::default()
        }
    }

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        assert_eq!(
            keyed_hash(b"Jefe", "what do ya want for nothing?"),
            "hmac-sha256:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_fresh_chain_verifies_and_links_each_entry_to_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let log = log(dir.path());
        assert!(log.verify().unwrap().intact());
        let first = log
            .append(Operation::Shown, entry("pop", "003A"), 1_000)
            .unwrap();
        let second = log
            .append(Operation::Shown, entry("pop", "003B"), 2_000)
            .unwrap();
        assert_eq!(first.prev, GENESIS);
        assert_eq!(second.prev, first.hash);
        assert_eq!((first.seq, second.seq), (1, 2));
        let report = log.verify().unwrap();
        assert_eq!(report.problem, None);
        assert_eq!(report.entries, 2);
    }

    #[test]
    fn one_part_of_a_name_marked_sensitive_keeps_all_of_it_out() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(
            &dir.path().join("audit.sqlite"),
            "00D000000000001AAA",
            "rep",
        )
        .unwrap()
        .with_sensitive_fields(&["Name".to_string()]);
        for field in ["last_name", "first_name", "LastName", "name"] {
            assert!(log.is_sensitive(field), "{field}");
            assert!(log.protect(field, "Whitfield").starts_with("hmac-sha256:"));
        }
        assert!(!log.is_sensitive("company"));
    }

    #[test]
    fn sensitive_values_are_keyed_hashes_and_equal_values_hash_alike() {
        let dir = tempfile::tempdir().unwrap();
        let log = log(dir.path());
        let mut fields = BTreeMap::new();
        fields.insert("health_notes".to_string(), "diabetic".to_string());
        fields.insert("Rating".to_string(), "Hot".to_string());
        let written = log
            .append(
                Operation::Change,
                NewEntry {
                    action: "qualify_lead".into(),
                    fields,
                    outcome: "queued".into(),
                    ..NewEntry::default()
                },
                1_000,
            )
            .unwrap();
        let hidden = &written.fields["health_notes"];
        assert!(hidden.starts_with("hmac-sha256:"), "{hidden}");
        assert_eq!(*hidden, log.protect("Health_Notes__c", "diabetic"));
        assert_eq!(written.fields["Rating"], "Hot");
        let bytes = std::fs::read(log.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("diabetic"));
    }

    #[test]
    fn retention_removes_old_entries_and_the_rest_still_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let log = log(dir.path());
        for at in [1_000, 2_000, 3_000] {
            log.append(Operation::Shown, entry("pop", "003A"), at)
                .unwrap();
        }
        assert_eq!(log.prune(2_500).unwrap(), 2);
        let report = log.verify().unwrap();
        assert_eq!(report.problem, None);
        assert_eq!((report.first_seq, report.last_seq), (Some(3), Some(3)));
        log.append(Operation::Shown, entry("pop", "003B"), 4_000)
            .unwrap();
        assert!(log.verify().unwrap().intact());
    }

    #[test]
    fn payload_fields_leave_out_credentials_and_keep_ids() {
        let fields = payload_fields(
            r#"{"lead_id":"00QA","rating":"Hot","request":{"who_id":"003A","access_token":"x"}}"#,
        );
        assert_eq!(fields.get("lead_id").map(String::as_str), Some("00QA"));
        assert_eq!(
            fields.get("request.who_id").map(String::as_str),
            Some("003A")
        );
        assert!(!fields.keys().any(|k| k.contains("token")));
    }
}
