//! Call metrics, computed from what Callside records locally: the recent-calls list
//! (every pop, with its direction and, once logged, its duration) and the outbox (every
//! call log, lead, stage change and opportunity the rep made).
//!
//! A call is a pop (`recent_call`). A call logged without a pop (from the command line)
//! counts as a call of its own; a call log within twelve hours after a pop of the same
//! person is that pop's call and gives it its disposition.
//!
//! What counts:
//! - `leads_created`: `create_lead` actions Salesforce confirmed;
//! - `stages_advanced`: `set_stage` actions Salesforce confirmed;
//! - `opportunities_created`: `create_opportunity` actions Salesforce confirmed; each is
//!   created together with its call's Task, so each is a conversion attributed to a call.
//!   `conversion_rate` is opportunities created per call.
//!
//! Hours and days are local to the UTC offset given.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::error::Result;

const HOUR_MS: i64 = 60 * 60 * 1000;
/// A call log this soon after a pop of the same person is that pop's call.
const LOG_WINDOW_MS: i64 = 12 * HOUR_MS;

/// One call, as the metrics and the CSV export see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CallRow {
    /// When the call started (RFC 3339, UTC).
    pub started_at: String,
    #[serde(skip)]
    pub started_ms: i64,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// The caller's number (E.164), when the call was popped.
    pub number: Option<String>,
    pub record_id: Option<String>,
    /// `Lead`, `Contact` or `Account`.
    pub record_type: Option<String>,
    pub duration_seconds: Option<u32>,
    /// The logged call's result (the Task's CallDisposition).
    pub disposition: Option<String>,
    /// Whether the call was logged to Salesforce.
    pub logged: bool,
}

/// One action from the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionRow {
    pub kind: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub created_ms: i64,
    pub payload: serde_json::Value,
}

/// Calls in one hour or on one day.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Bucket {
    /// `2026-11-25` for a day, `2026-11-25 14:00` for an hour (local time).
    pub label: String,
    pub inbound: u32,
    pub outbound: u32,
}

/// How many calls ended with a disposition.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DispositionCount {
    pub disposition: String,
    pub calls: u32,
}

/// The metrics of a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CallStats {
    /// The period (RFC 3339, UTC), start included, end excluded.
    pub since: String,
    pub until: String,
    pub calls: u32,
    pub inbound: u32,
    pub outbound: u32,
    /// Calls logged to Salesforce.
    pub logged: u32,
    /// Over the calls with a known duration.
    pub average_duration_seconds: Option<f64>,
    pub median_duration_seconds: Option<f64>,
    /// Hours with calls, in order.
    pub per_hour: Vec<Bucket>,
    /// Every day of the period, in order (days without calls too).
    pub per_day: Vec<Bucket>,
    /// Most frequent first; calls logged without one count as `(none)`.
    pub dispositions: Vec<DispositionCount>,
    pub leads_created: u32,
    pub stages_advanced: u32,
    pub opportunities_created: u32,
    /// Opportunities created per call (0 without calls).
    pub conversion_rate: f64,
}

/// Reads the calls and actions of `[since_ms, until_ms)` from an org's database, without
/// changing it (read-only).
pub fn load(
    database: &Path,
    since_ms: i64,
    until_ms: i64,
) -> Result<(Vec<CallRow>, Vec<ActionRow>)> {
    let connection = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut statement = connection.prepare(
        "SELECT e164, record_id, record_type, direction, started_ms, duration_seconds
         FROM recent_call WHERE started_ms >= ?1 AND started_ms < ?2 ORDER BY started_ms, id",
    )?;
    let calls = statement
        .query_map(params![since_ms, until_ms], |row| {
            let started_ms: i64 = row.get(4)?;
            Ok(CallRow {
                started_at: rfc3339(started_ms),
                started_ms,
                direction: row.get(3)?,
                number: Some(row.get(0)?),
                record_id: row.get(1)?,
                record_type: row.get(2)?,
                duration_seconds: row.get(5)?,
                disposition: None,
                logged: false,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut statement = connection.prepare(
        "SELECT kind, status, payload_json, created_at FROM outbox ORDER BY created_at, rowid",
    )?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let actions = rows
        .into_iter()
        .filter_map(|(kind, status, payload, created_at)| {
            let created_ms = parse_ms(&created_at)?;
            // A call logged up to the window after the period's start may end one of its pops.
            if created_ms < since_ms || created_ms >= until_ms.saturating_add(LOG_WINDOW_MS) {
                return None;
            }
            Some(ActionRow {
                kind,
                status,
                created_ms,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
            })
        })
        .collect();
    Ok((calls, actions))
}

/// The calls of the period: the pops, with what their call logs add, and the calls
/// logged without a pop.
pub fn calls_with_logs(
    mut calls: Vec<CallRow>,
    actions: &[ActionRow],
    until_ms: i64,
) -> Vec<CallRow> {
    for action in actions.iter().filter(|a| a.kind == crate::calls::LOG_CALL) {
        let Ok(payload) =
            serde_json::from_value::<crate::calls::LogCallPayload>(action.payload.clone())
        else {
            tracing::warn!("a queued call log could not be read for the metrics");
            continue;
        };
        let request = &payload.request;
        let who = request.who_id.as_str();
        let disposition = request
            .disposition
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        let duration = request.duration_seconds;
        let popped = calls.iter_mut().rev().find(|call| {
            !call.logged
                && call.record_id.as_deref() == Some(who)
                && call.started_ms <= action.created_ms
                && action.created_ms - call.started_ms <= LOG_WINDOW_MS
        });
        match popped {
            Some(call) => {
                call.logged = true;
                call.disposition = disposition;
                if call.duration_seconds.is_none() {
                    call.duration_seconds = Some(duration);
                }
            }
            None if action.created_ms < until_ms => {
                let started_ms = action.created_ms - i64::from(duration) * 1000;
                calls.push(CallRow {
                    started_at: rfc3339(started_ms),
                    started_ms,
                    direction: match request.direction {
                        crate::model::CallDirection::Inbound => "inbound".into(),
                        crate::model::CallDirection::Outbound => "outbound".into(),
                    },
                    number: None,
                    record_id: Some(who.to_string()).filter(|w| !w.is_empty()),
                    record_type: None,
                    duration_seconds: Some(duration),
                    disposition,
                    logged: true,
                });
            }
            None => {}
        }
    }
    calls.sort_by_key(|call| call.started_ms);
    calls
}

/// The metrics of `[since_ms, until_ms)` from an org's database, and the calls they
/// count (for the CSV export).
pub fn stats_for(
    database: &Path,
    since_ms: i64,
    until_ms: i64,
    offset: UtcOffset,
) -> Result<(CallStats, Vec<CallRow>)> {
    if !database.exists() {
        let stats = compute(&[], &[], since_ms, until_ms, offset);
        return Ok((stats, Vec::new()));
    }
    let (calls, actions) = load(database, since_ms, until_ms)?;
    let calls = calls_with_logs(calls, &actions, until_ms);
    let stats = compute(&calls, &actions, since_ms, until_ms, offset);
    let calls = calls
        .into_iter()
        .filter(|c| c.started_ms >= since_ms && c.started_ms < until_ms)
        .collect();
    Ok((stats, calls))
}

/// The system's UTC offset now (UTC when it cannot be told).
pub fn local_offset() -> UtcOffset {
    UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC)
}

/// The metrics of `[since_ms, until_ms)`, with hours and days at `offset`.
pub fn compute(
    calls: &[CallRow],
    actions: &[ActionRow],
    since_ms: i64,
    until_ms: i64,
    offset: UtcOffset,
) -> CallStats {
    let calls: Vec<&CallRow> = calls
        .iter()
        .filter(|c| c.started_ms >= since_ms && c.started_ms < until_ms)
        .collect();
    let inbound = calls.iter().filter(|c| c.direction == "inbound").count() as u32;
    let mut durations: Vec<u32> = calls.iter().filter_map(|c| c.duration_seconds).collect();
    durations.sort_unstable();
    let average = (!durations.is_empty())
        .then(|| durations.iter().map(|d| f64::from(*d)).sum::<f64>() / durations.len() as f64);
    let median = (!durations.is_empty()).then(|| {
        let middle = durations.len() / 2;
        if durations.len().is_multiple_of(2) {
            (f64::from(durations[middle - 1]) + f64::from(durations[middle])) / 2.0
        } else {
            f64::from(durations[middle])
        }
    });

    let local = |ms: i64| {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .to_offset(offset)
    };
    let add = |buckets: &mut BTreeMap<String, (u32, u32)>, label: String, call: &CallRow| {
        let counts = buckets.entry(label).or_default();
        if call.direction == "inbound" {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
    };
    let mut hours = BTreeMap::new();
    let mut days = BTreeMap::new();
    // Every day of the period, so a chart shows the quiet ones.
    let mut day = local(since_ms).date();
    let last_day = local(until_ms.saturating_sub(1).max(since_ms)).date();
    while day <= last_day {
        days.insert(day.to_string(), (0, 0));
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    for call in &calls {
        let at = local(call.started_ms);
        add(
            &mut hours,
            format!("{} {:02}:00", at.date(), at.hour()),
            call,
        );
        add(&mut days, at.date().to_string(), call);
    }
    let buckets = |map: BTreeMap<String, (u32, u32)>| {
        map.into_iter()
            .map(|(label, (inbound, outbound))| Bucket {
                label,
                inbound,
                outbound,
            })
            .collect::<Vec<_>>()
    };

    let mut dispositions: BTreeMap<String, u32> = BTreeMap::new();
    for call in calls.iter().filter(|c| c.logged) {
        *dispositions
            .entry(call.disposition.clone().unwrap_or_else(|| "(none)".into()))
            .or_default() += 1;
    }
    let mut dispositions: Vec<DispositionCount> = dispositions
        .into_iter()
        .map(|(disposition, calls)| DispositionCount { disposition, calls })
        .collect();
    dispositions.sort_by(|a, b| {
        b.calls
            .cmp(&a.calls)
            .then(a.disposition.cmp(&b.disposition))
    });

    let confirmed = |kind: &str| {
        actions
            .iter()
            .filter(|a| {
                a.kind == kind
                    && a.status == "sent"
                    && a.created_ms >= since_ms
                    && a.created_ms < until_ms
            })
            .count() as u32
    };
    let opportunities_created = confirmed("create_opportunity");
    CallStats {
        since: rfc3339(since_ms),
        until: rfc3339(until_ms),
        calls: calls.len() as u32,
        inbound,
        outbound: calls.len() as u32 - inbound,
        logged: calls.iter().filter(|c| c.logged).count() as u32,
        average_duration_seconds: average,
        median_duration_seconds: median,
        per_hour: buckets(hours),
        per_day: buckets(days),
        dispositions,
        leads_created: confirmed("create_lead"),
        stages_advanced: confirmed("set_stage"),
        opportunities_created,
        conversion_rate: if calls.is_empty() {
            0.0
        } else {
            f64::from(opportunities_created) / calls.len() as f64
        },
    }
}

/// The calls as CSV (RFC 4180), one call a row, with a header.
pub fn csv(calls: &[CallRow]) -> String {
    fn field(text: &str) -> String {
        // Quoted when needed; a leading formula character is neutralized for spreadsheets.
        let text = if text.starts_with(['=', '+', '-', '@']) && !text.starts_with('+') {
            format!("'{text}")
        } else {
            text.to_string()
        };
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }
    let mut out = String::from(
        "started_at,direction,number,record_id,record_type,duration_seconds,disposition,logged\r\n",
    );
    for call in calls {
        let row = [
            call.started_at.clone(),
            call.direction.clone(),
            call.number.clone().unwrap_or_default(),
            call.record_id.clone().unwrap_or_default(),
            call.record_type.clone().unwrap_or_default(),
            call.duration_seconds
                .map(|d| d.to_string())
                .unwrap_or_default(),
            call.disposition.clone().unwrap_or_default(),
            call.logged.to_string(),
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Where an exported CSV goes: the user's download directory, else the home directory.
pub fn export_dir() -> Option<std::path::PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.download_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.home_dir().to_path_buf()),
    )
}

/// Writes the calls as `callside-calls-<label>.csv` in `dir` (readable by the user only:
/// it holds callers' numbers); returns the file.
pub fn write_csv(calls: &[CallRow], dir: &Path, label: &str) -> Result<std::path::PathBuf> {
    use std::io::Write;
    let safe: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("callside-calls-{safe}.csv"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .map_err(|e| crate::Error::Storage(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(csv(calls).as_bytes())
        .map_err(|e| crate::Error::Storage(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// The start of the local day of `now_ms`, and of the week (Monday).
pub fn day_and_week_start(now_ms: i64, offset: UtcOffset) -> (i64, i64) {
    let now = OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset);
    let midnight = now.replace_time(time::Time::MIDNIGHT);
    let day_ms = (midnight.unix_timestamp_nanos() / 1_000_000) as i64;
    let weekday = i64::from(now.weekday().number_days_from_monday());
    (day_ms, day_ms - weekday * 24 * HOUR_MS)
}

/// A named period: `today` (this local day) or `week` (Monday to Sunday of this week).
pub fn period(
    name: &str,
    now_ms: i64,
    offset: UtcOffset,
) -> std::result::Result<(i64, i64), String> {
    let (day, week) = day_and_week_start(now_ms, offset);
    match name {
        "today" => Ok((day, day + 24 * HOUR_MS)),
        "week" => Ok((week, week + 7 * 24 * HOUR_MS)),
        other => Err(format!("{other:?} is not a period; use today or week")),
    }
}

/// `YYYY-MM-DD` (local midnight at `offset`) or an RFC 3339 time, in milliseconds.
pub fn parse_since(text: &str, offset: UtcOffset) -> std::result::Result<i64, String> {
    let text = text.trim();
    if let Some(ms) = parse_ms(text) {
        return Ok(ms);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format)
        .map(|date| {
            let at = date.with_time(time::Time::MIDNIGHT).assume_offset(offset);
            (at.unix_timestamp_nanos() / 1_000_000) as i64
        })
        .map_err(|_| format!("--since is {text:?}; use a date such as 2026-11-23"))
}

// --- API health -----------------------------------------------------------------------

/// Latency and errors of one endpoint family over a window.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FamilyFigures {
    /// `auth`, `search`, `query`, `sobject_write`, `composite` or `other`.
    pub family: String,
    pub requests: u32,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub p50_ms: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub p95_ms: Option<u64>,
    pub errors: u32,
    pub error_rate: f64,
    /// `SERVER_UNAVAILABLE: 2`, most frequent first.
    pub error_codes: Vec<ErrorCodeCount>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ErrorCodeCount {
    pub code: String,
    pub requests: u32,
}

/// Where the org stands against its daily API limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum UsageState {
    /// Below the warning threshold.
    Ok,
    /// At or above the threshold the policy sets (`api_warning_percent`).
    Warning,
    /// The limit is reached: Salesforce refuses requests until the 24-hour window frees some.
    Reached,
}

/// The org's daily API requests, as Salesforce last reported them (`Sforce-Limit-Info`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DailyUsage {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub used: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub limit: u64,
    pub percent: f64,
    pub warn_percent: u8,
    pub state: UsageState,
    /// When Salesforce reported it (RFC 3339).
    pub reported_at: String,
}

/// API health: each endpoint family over the last hour and the last day, and the daily usage.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ApiHealth {
    pub last_hour: Vec<FamilyFigures>,
    pub last_day: Vec<FamilyFigures>,
    pub usage: Option<DailyUsage>,
}

/// How long request samples are kept.
const API_SAMPLE_DAYS: i64 = 2;

/// Stores every request's sample in the org's database (table `api_request`), through a
/// connection of its own.
pub struct ApiRecorder {
    connection: std::sync::Mutex<Connection>,
}

impl ApiRecorder {
    /// Opens the org's database (migrated by [`crate::store::Store`]) and drops old samples.
    pub fn open(database: &Path, now_ms: i64) -> Result<ApiRecorder> {
        let connection = Connection::open(database)?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.execute(
            "DELETE FROM api_request WHERE at_ms < ?1",
            params![now_ms - API_SAMPLE_DAYS * 24 * HOUR_MS],
        )?;
        Ok(ApiRecorder {
            connection: std::sync::Mutex::new(connection),
        })
    }

    pub fn record(&self, sample: &callside_salesforce::health::RequestSample) -> Result<()> {
        let connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        connection.execute(
            "INSERT INTO api_request (at_ms, family, elapsed_ms, status, error_code, used, api_limit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                sample.at_ms,
                sample.family.as_str(),
                sample.elapsed_ms as i64,
                sample.status,
                sample.error_code,
                sample.usage.map(|u| u.used as i64),
                sample.usage.map(|u| u.limit as i64),
            ],
        )?;
        Ok(())
    }

    /// An observer for [`callside_salesforce::SalesforceClient::observe`]; a sample that
    /// cannot be stored is logged and dropped.
    pub fn observer(self: std::sync::Arc<Self>) -> callside_salesforce::health::Observer {
        std::sync::Arc::new(move |sample| {
            if let Err(error) = self.record(sample) {
                tracing::warn!("an API request was not recorded: {error}");
            }
        })
    }
}

fn figures(samples: &[callside_salesforce::health::RequestSample]) -> Vec<FamilyFigures> {
    callside_salesforce::health::summarize(samples)
        .into_iter()
        .map(|f| FamilyFigures {
            family: f.family.as_str().to_string(),
            requests: f.requests,
            p50_ms: f.p50_ms,
            p95_ms: f.p95_ms,
            errors: f.errors,
            error_rate: f.error_rate,
            error_codes: f
                .error_codes
                .into_iter()
                .map(|c| ErrorCodeCount {
                    code: c.code,
                    requests: c.requests,
                })
                .collect(),
        })
        .collect()
}

/// The daily usage's state against the warning threshold.
pub fn usage_state(used: u64, limit: u64, warn_percent: u8) -> UsageState {
    if limit > 0 && used >= limit {
        UsageState::Reached
    } else if limit > 0 && used * 100 >= limit * u64::from(warn_percent) {
        UsageState::Warning
    } else {
        UsageState::Ok
    }
}

/// API health from an org's database at `now_ms`; the usage is the last reported within
/// the day (Salesforce's limit is a rolling 24 hours).
pub fn api_health(database: &Path, now_ms: i64, warn_percent: u8) -> Result<ApiHealth> {
    use callside_salesforce::health::{Family, RequestSample};
    if !database.exists() {
        return Ok(ApiHealth {
            last_hour: Vec::new(),
            last_day: Vec::new(),
            usage: None,
        });
    }
    let connection = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    let day_ago = now_ms - 24 * HOUR_MS;
    let mut statement = connection.prepare(
        "SELECT at_ms, family, elapsed_ms, status, error_code, used, api_limit
         FROM api_request WHERE at_ms >= ?1 AND at_ms <= ?2 ORDER BY at_ms",
    )?;
    let rows = statement
        .query_map(params![day_ago, now_ms], |row| {
            Ok((
                RequestSample {
                    at_ms: row.get(0)?,
                    family: Family::parse(&row.get::<_, String>(1)?).unwrap_or(Family::Other),
                    elapsed_ms: row.get::<_, i64>(2)?.max(0) as u64,
                    status: row.get(3)?,
                    error_code: row.get(4)?,
                    usage: None,
                },
                row.get::<_, Option<i64>>(5)?,
                row.get::<_, Option<i64>>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let usage = rows.iter().rev().find_map(|(sample, used, limit)| {
        let (used, limit) = ((*used)? as u64, (*limit)? as u64);
        Some(DailyUsage {
            used,
            limit,
            percent: if limit > 0 {
                used as f64 * 100.0 / limit as f64
            } else {
                0.0
            },
            warn_percent,
            state: usage_state(used, limit, warn_percent),
            reported_at: rfc3339(sample.at_ms),
        })
    });
    let samples: Vec<RequestSample> = rows.into_iter().map(|(s, _, _)| s).collect();
    let hour: Vec<RequestSample> = samples
        .iter()
        .filter(|s| s.at_ms >= now_ms - HOUR_MS)
        .cloned()
        .collect();
    Ok(ApiHealth {
        last_hour: figures(&hour),
        last_day: figures(&samples),
        usage,
    })
}

fn parse_ms(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_neutralizes_formulas() {
        let call = CallRow {
            started_at: "2026-11-25T10:00:00Z".into(),
            started_ms: 0,
            direction: "inbound".into(),
            number: Some("+17205550111".into()),
            record_id: None,
            record_type: None,
            duration_seconds: Some(5),
            disposition: Some("=HYPERLINK(\"x\"), bad".into()),
            logged: true,
        };
        let text = csv(&[call]);
        let row = text.lines().nth(1).unwrap();
        assert!(row.contains(",+17205550111,"), "{row}");
        assert!(
            row.ends_with("\"'=HYPERLINK(\"\"x\"\"), bad\",true"),
            "{row}"
        );
    }

    #[test]
    fn since_takes_a_date_or_a_time_and_refuses_anything_else() {
        let utc = UtcOffset::UTC;
        assert_eq!(parse_since("1970-01-02", utc), Ok(86_400_000));
        assert_eq!(parse_since("1970-01-01T00:00:01Z", utc), Ok(1_000));
        assert!(parse_since("yesterday", utc)
            .unwrap_err()
            .contains("--since"));
    }
}
