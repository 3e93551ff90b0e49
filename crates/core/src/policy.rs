//! The administrator's policy: one TOML file per machine that sets Callside's settings
//! for every user, and can lock them.
//!
//! # Where it is
//!
//! | platform | file |
//! |---|---|
//! | Linux (and other Unix) | `/etc/callside/policy.toml` |
//! | Windows | `%ProgramData%\Callside\policy.toml` |
//! | macOS | `/Library/Application Support/Callside/policy.toml` |
//!
//! `CALLSIDE_POLICY` names another file instead (for tests, and for trying a policy out
//! before installing it). The policy is read once when the app or `callside` starts.
//!
//! # What it looks like
//!
//! Two tables. Values under `[locked]` win over everything a user sets (command-line
//! flags, the environment, the config file, a saved org connection). Values under
//! `[defaults]` replace Callside's own defaults; users may still set their own.
//!
//! ```toml
//! [locked]
//! my_domain = "acme"                  # or login_url = "https://acme.my.salesforce.com"
//! client_id = "3MVG9..."
//! callback_port = 7717
//! enabled_actions = ["log_call", "follow_up", "rate_lead", "set_lead_status"]
//! cache_enabled = false
//! updates = "notify"
//!
//! [locked.outcome_stages]
//! "Demo Scheduled" = "Value Proposition"
//! "Deal Closed" = "Closed Won"
//!
//! [defaults]
//! region = "DE"
//! cache_max_records = 2000
//! cache_max_age_days = 7
//!
//! [defaults.field_mapping]
//! next_action = "Next_Steps__c"
//! ```
//!
//! The keys (each in at most one of the two tables):
//!
//! | key | value |
//! |---|---|
//! | `login_url` | the login server: `https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain URL |
//! | `my_domain` | instead of `login_url`: `"acme"` means `https://acme.my.salesforce.com`; a full host name is used as is |
//! | `client_id` | the connected app's consumer key |
//! | `callback_port` | the loopback port of the sign-in redirect (1–65535) |
//! | `region` | the region for numbers without a country code (`"US"`, `"DE"`) |
//! | `enabled_actions` | the actions reps may take, from [`ACTIONS`]; the others are refused |
//! | `outcome_stages` | a table: call outcome → opportunity stage (replaces the whole list) |
//! | `field_mapping` | a table: `qualification_notes`, `next_action`, ... → field API names (replaces the user's table as a whole) |
//! | `cache_enabled` | `false`: nothing is written to the local cache; every pop asks Salesforce |
//! | `cache_max_records` | at most this many cached records |
//! | `cache_max_age_days` | cached entries older than this are not shown and are removed |
//! | `updates` | `"auto"` (install updates), `"notify"` (tell the user), `"off"` (never check) |
//! | `update_url` | the address the app asks for updates (https) |
//! | `audit_retention_days` | the audit trail keeps entries this many days (1–3650; 365) |
//! | `sensitive_fields` | field API names whose values never reach the cache or the audit trail in clear text (`Name`, `FirstName` or `LastName`: no caller name is cached) |
//! | `api_warning_percent` | warn when the org has used this share of its daily API requests (1–100; 80) |
//! | `panels` | industry panels under the caller card (`[[locked.panels]]`: `object`, `lookup`, `parent`, `fields`, `labels`, `title`; see [`crate::panels`]) |
//!
//! # When it is wrong
//!
//! A file that is not valid TOML, has a key Callside does not know (a typo), a value of the
//! wrong kind, or a value Callside would refuse, is ignored as a whole — never half of it.
//! Callside then runs with its own defaults and the user's settings, and says so: the
//! command line prints a warning on stderr, the app shows it in a banner and in its
//! settings view, and `callside doctor` fails its policy check. The message names the
//! file, the line and column, and the problem:
//! `/etc/callside/policy.toml:3:1: unknown field `login_ur`, expected one of ...`.
//!
//! The policy manages Callside for the people who use it; it is not a security boundary
//! against the machine's own users (anyone who can set `CALLSIDE_POLICY` can point it
//! elsewhere; `callside doctor` shows which file applies).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::settings::{FieldMappingInput, Settings, SettingsInput, UpdateMode};

/// The environment variable that names a policy file instead of the system one.
pub const POLICY_VAR: &str = "CALLSIDE_POLICY";

/// Every action a policy can enable (`enabled_actions`), with what a rep calls it. An
/// action not listed in `enabled_actions` is refused by the core, hidden in the app and
/// reported by the command line. (`callside outcome` moves a stage: it is `set_stage`.)
pub const ACTIONS: &[(&str, &str)] = &[
    ("log_call", "Logging calls"),
    ("follow_up", "Scheduling follow-ups"),
    ("rate_lead", "Rating leads"),
    ("set_lead_status", "Setting a lead's status"),
    ("set_stage", "Moving opportunities to another stage"),
    ("create_lead", "Creating leads"),
    ("create_opportunity", "Creating opportunities"),
    ("schedule_demo", "Scheduling demos"),
    ("qualify_lead", "Qualifying leads"),
    ("assign_lead", "Assigning leads"),
];

/// The keys `[locked]` and `[defaults]` may hold.
pub const POLICY_KEYS: &[&str] = &[
    "login_url",
    "my_domain",
    "client_id",
    "callback_port",
    "region",
    "enabled_actions",
    "outcome_stages",
    "field_mapping",
    "cache_enabled",
    "cache_max_records",
    "cache_max_age_days",
    "updates",
    "update_url",
    "audit_retention_days",
    "sensitive_fields",
    "api_warning_percent",
    "panels",
];

/// What a rep calls an action (`"rate_lead"` → "Rating leads").
pub fn action_label(kind: &str) -> &str {
    ACTIONS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, label)| *label)
        .unwrap_or(kind)
}

/// The policy file of this platform.
pub fn system_policy_path(lookup: &impl Fn(&str) -> Option<String>) -> PathBuf {
    if cfg!(windows) {
        let program_data = lookup("ProgramData")
            .filter(|dir| !dir.trim().is_empty())
            .unwrap_or_else(|| r"C:\ProgramData".to_string());
        PathBuf::from(program_data)
            .join("Callside")
            .join("policy.toml")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Callside/policy.toml")
    } else {
        PathBuf::from("/etc/callside/policy.toml")
    }
}

/// Whether a policy applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum PolicyState {
    /// There is no policy file.
    Absent,
    /// The policy file was read and applies.
    Applied,
    /// The policy file is unreadable or wrong, and was ignored as a whole.
    Invalid,
}

/// Which policy file Callside looked at and what came of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyStatus {
    pub path: PathBuf,
    /// `CALLSIDE_POLICY` named the file (rather than the system location).
    pub from_environment: bool,
    pub state: PolicyState,
    /// Why an invalid policy was ignored: `file:line:column: problem`.
    pub problem: Option<String>,
    /// The keys under `[locked]` and under `[defaults]`.
    pub locked_keys: Vec<String>,
    pub default_keys: Vec<String>,
}

impl PolicyStatus {
    /// No policy at all (settings built without looking for one).
    pub fn none() -> PolicyStatus {
        PolicyStatus {
            path: PathBuf::new(),
            from_environment: false,
            state: PolicyState::Absent,
            problem: None,
            locked_keys: Vec::new(),
            default_keys: Vec::new(),
        }
    }

    /// The line to show when an invalid policy was ignored.
    pub fn warning(&self) -> Option<String> {
        self.problem.as_ref().map(|problem| {
            format!("the policy file was ignored, so Callside uses its own defaults: {problem}")
        })
    }
}

/// A checked policy: the locked layer and the defaults layer.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub locked: SettingsInput,
    pub defaults: SettingsInput,
}

/// The policy and where it came from.
#[derive(Clone, Debug)]
pub struct LoadedPolicy {
    pub status: PolicyStatus,
    pub policy: Policy,
}

/// A policy file's problem, with the place it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub path: PathBuf,
    /// 1-based line and column, when the problem is at a place in the file.
    pub position: Option<(usize, usize)>,
    pub problem: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(
                f,
                "{}:{line}:{column}: {}",
                self.path.display(),
                self.problem
            ),
            None => write!(f, "{}: {}", self.path.display(), self.problem),
        }
    }
}

impl std::error::Error for PolicyError {}

/// Reads the policy: the file `CALLSIDE_POLICY` names, else the system one. Never fails:
/// a missing file is no policy, an invalid one is reported in the status and ignored.
pub fn load(lookup: &impl Fn(&str) -> Option<String>) -> LoadedPolicy {
    match lookup(POLICY_VAR).filter(|path| !path.trim().is_empty()) {
        Some(path) => load_file(Path::new(&path), true),
        None => load_file(&system_policy_path(lookup), false),
    }
}

/// Reads one policy file (see [`load`]).
pub fn load_file(path: &Path, from_environment: bool) -> LoadedPolicy {
    let mut status = PolicyStatus {
        path: path.to_path_buf(),
        from_environment,
        ..PolicyStatus::none()
    };
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                return invalid(
                    status,
                    PolicyError {
                        path: path.to_path_buf(),
                        position: None,
                        problem: "the file is not UTF-8 text".into(),
                    },
                )
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return LoadedPolicy {
                status,
                policy: Policy::default(),
            }
        }
        Err(error) => {
            return invalid(
                status,
                PolicyError {
                    path: path.to_path_buf(),
                    position: None,
                    problem: format!("the file cannot be read: {error}"),
                },
            )
        }
    };
    match parse(&text, path) {
        Ok(parsed) => {
            status.state = PolicyState::Applied;
            status.locked_keys = parsed.locked_keys;
            status.default_keys = parsed.default_keys;
            LoadedPolicy {
                status,
                policy: parsed.policy,
            }
        }
        Err(error) => invalid(status, error),
    }
}

fn invalid(mut status: PolicyStatus, error: PolicyError) -> LoadedPolicy {
    tracing::warn!("the policy file was ignored: {error}");
    status.state = PolicyState::Invalid;
    status.problem = Some(error.to_string());
    LoadedPolicy {
        status,
        policy: Policy::default(),
    }
}

/// `[locked]` or `[defaults]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValues {
    login_url: Option<Spanned<String>>,
    my_domain: Option<Spanned<String>>,
    client_id: Option<Spanned<String>>,
    callback_port: Option<Spanned<i64>>,
    region: Option<Spanned<String>>,
    enabled_actions: Option<Spanned<Vec<Spanned<String>>>>,
    outcome_stages: Option<Spanned<BTreeMap<String, String>>>,
    field_mapping: Option<Spanned<FieldMappingInput>>,
    cache_enabled: Option<Spanned<bool>>,
    cache_max_records: Option<Spanned<i64>>,
    cache_max_age_days: Option<Spanned<i64>>,
    updates: Option<Spanned<String>>,
    update_url: Option<Spanned<String>>,
    audit_retention_days: Option<Spanned<i64>>,
    sensitive_fields: Option<Spanned<Vec<String>>>,
    api_warning_percent: Option<Spanned<i64>>,
    panels: Option<Spanned<Vec<crate::panels::PanelInput>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    locked: Option<RawValues>,
    defaults: Option<RawValues>,
}

/// A parsed policy with the keys each table set, in file order of the key list.
#[derive(Debug)]
pub struct ParsedPolicy {
    pub policy: Policy,
    pub locked_keys: Vec<String>,
    pub default_keys: Vec<String>,
}

/// Parses and checks a policy's text; `path` is only used in messages.
pub fn parse(text: &str, path: &Path) -> Result<ParsedPolicy, PolicyError> {
    let at = |span: std::ops::Range<usize>, problem: String| PolicyError {
        path: path.to_path_buf(),
        position: Some(line_column(text, span.start)),
        problem,
    };
    let raw: RawPolicy = toml::from_str(text).map_err(|error| {
        let problem = explain(error.message());
        match error.span() {
            Some(span) => at(span, problem),
            None => PolicyError {
                path: path.to_path_buf(),
                position: None,
                problem,
            },
        }
    })?;
    let locked = raw.locked.unwrap_or_default();
    let defaults = raw.defaults.unwrap_or_default();

    // A key in both tables, or both ways of naming the login server, is a contradiction.
    let locked_spans = spans(&locked);
    let default_spans = spans(&defaults);
    for (key, span) in &default_spans {
        if locked_spans.iter().any(|(k, _)| k == key) {
            return Err(at(
                span.clone(),
                format!("{key} is in [locked] and in [defaults]; keep it in one of them"),
            ));
        }
    }
    let all: Vec<_> = locked_spans.iter().chain(&default_spans).collect();
    if let (Some((_, _)), Some((_, domain_span))) = (
        all.iter().find(|(k, _)| *k == "login_url"),
        all.iter().find(|(k, _)| *k == "my_domain"),
    ) {
        return Err(at(
            domain_span.clone(),
            "login_url and my_domain both name the login server; keep one of them".into(),
        ));
    }

    let locked_keys = locked_spans.iter().map(|(k, _)| k.to_string()).collect();
    let default_keys = default_spans.iter().map(|(k, _)| k.to_string()).collect();
    Ok(ParsedPolicy {
        policy: Policy {
            locked: layer(locked, &at)?,
            defaults: layer(defaults, &at)?,
        },
        locked_keys,
        default_keys,
    })
}

/// toml's message, on one line, with a hint where a key sits outside both tables.
fn explain(message: &str) -> String {
    let message = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((key, expected)) = rest.split_once('`') {
            if expected.contains("expected `locked` or `defaults`") {
                return if POLICY_KEYS.contains(&key) {
                    format!(
                        "{key} is outside a table: put it under [locked] (users cannot change it) or [defaults] (users may change it)"
                    )
                } else {
                    format!(
                        "unknown table or key `{key}`; a policy has two tables, [locked] and [defaults]"
                    )
                };
            }
        }
    }
    message
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

/// The keys a table set, each with the place of its value.
fn spans(values: &RawValues) -> Vec<(&'static str, std::ops::Range<usize>)> {
    let mut found = Vec::new();
    let mut add = |key: &'static str, span: Option<std::ops::Range<usize>>| {
        if let Some(span) = span {
            found.push((key, span));
        }
    };
    add("login_url", values.login_url.as_ref().map(|v| v.span()));
    add("my_domain", values.my_domain.as_ref().map(|v| v.span()));
    add("client_id", values.client_id.as_ref().map(|v| v.span()));
    add(
        "callback_port",
        values.callback_port.as_ref().map(|v| v.span()),
    );
    add("region", values.region.as_ref().map(|v| v.span()));
    add(
        "enabled_actions",
        values.enabled_actions.as_ref().map(|v| v.span()),
    );
    add(
        "outcome_stages",
        values.outcome_stages.as_ref().map(|v| v.span()),
    );
    add(
        "field_mapping",
        values.field_mapping.as_ref().map(|v| v.span()),
    );
    add(
        "cache_enabled",
        values.cache_enabled.as_ref().map(|v| v.span()),
    );
    add(
        "cache_max_records",
        values.cache_max_records.as_ref().map(|v| v.span()),
    );
    add(
        "cache_max_age_days",
        values.cache_max_age_days.as_ref().map(|v| v.span()),
    );
    add("updates", values.updates.as_ref().map(|v| v.span()));
    add("update_url", values.update_url.as_ref().map(|v| v.span()));
    add(
        "audit_retention_days",
        values.audit_retention_days.as_ref().map(|v| v.span()),
    );
    add(
        "sensitive_fields",
        values.sensitive_fields.as_ref().map(|v| v.span()),
    );
    add(
        "api_warning_percent",
        values.api_warning_percent.as_ref().map(|v| v.span()),
    );
    add("panels", values.panels.as_ref().map(|v| v.span()));
    found
}

/// Checks one value the way the settings check it, so that a policy value is refused
/// with its line rather than breaking every start.
fn check(
    input: SettingsInput,
    span: std::ops::Range<usize>,
    at: &impl Fn(std::ops::Range<usize>, String) -> PolicyError,
) -> Result<(), PolicyError> {
    let input = SettingsInput {
        data_dir: Some(PathBuf::from("/")),
        ..input
    };
    Settings::from_layers(input)
        .map(|_| ())
        .map_err(|error| at(span, error.to_string()))
}

/// `"acme"` → `https://acme.my.salesforce.com`; a host name or URL is used as is.
fn my_domain_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    if value.starts_with("https://") || value.starts_with("http://") {
        return Ok(value.to_string());
    }
    let valid_label = |label: &str| {
        !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if value.contains('.') {
        if value.split('.').all(valid_label) {
            return Ok(format!("https://{value}"));
        }
    } else if valid_label(value) {
        return Ok(format!("https://{value}.my.salesforce.com"));
    }
    Err(format!(
        "my_domain is {value:?}; use the My Domain name (\"acme\") or its host name (\"acme.my.salesforce.com\")"
    ))
}

/// Turns one table into a settings layer, checking every value.
fn layer(
    values: RawValues,
    at: &impl Fn(std::ops::Range<usize>, String) -> PolicyError,
) -> Result<SettingsInput, PolicyError> {
    let mut out = SettingsInput::default();
    if let Some(value) = values.login_url {
        let one = SettingsInput {
            login_url: Some(value.get_ref().clone()),
            ..SettingsInput::default()
        };
        check(one, value.span(), at)?;
        out.login_url = Some(value.into_inner());
    }
    if let Some(value) = values.my_domain {
        let url = my_domain_url(value.get_ref()).map_err(|p| at(value.span(), p))?;
        let one = SettingsInput {
            login_url: Some(url.clone()),
            ..SettingsInput::default()
        };
        check(one, value.span(), at)?;
        out.login_url = Some(url);
    }
    if let Some(value) = values.client_id {
        let id = value.get_ref().trim();
        if id.is_empty() || id.chars().any(char::is_whitespace) {
            return Err(at(
                value.span(),
                format!("client_id is {id:?}; use the connected app's consumer key"),
            ));
        }
        out.client_id = Some(id.to_string());
    }
    if let Some(value) = values.callback_port {
        let port = *value.get_ref();
        out.callback_port = Some(u16::try_from(port).ok().filter(|p| *p > 0).ok_or_else(|| {
            at(
                value.span(),
                format!("callback_port must be a port number from 1 to 65535, not {port}"),
            )
        })?);
    }
    if let Some(value) = values.region {
        let one = SettingsInput {
            region: Some(value.get_ref().clone()),
            ..SettingsInput::default()
        };
        check(one, value.span(), at)?;
        out.region = Some(value.into_inner());
    }
    if let Some(list) = values.enabled_actions {
        let mut kinds = Vec::new();
        for item in list.get_ref() {
            let name = item.get_ref().trim();
            if !ACTIONS.iter().any(|(kind, _)| *kind == name) {
                return Err(at(
                    item.span(),
                    format!(
                        "enabled_actions lists {name:?}; the actions are {}",
                        ACTIONS
                            .iter()
                            .map(|(kind, _)| *kind)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            kinds.push(name.to_string());
        }
        out.enabled_actions = Some(kinds);
    }
    if let Some(value) = values.outcome_stages {
        let one = SettingsInput {
            outcome_stages: Some(value.get_ref().clone()),
            ..SettingsInput::default()
        };
        check(one, value.span(), at)?;
        out.outcome_stages = Some(value.into_inner());
    }
    if let Some(value) = values.field_mapping {
        let one = SettingsInput {
            field_mapping: Some(value.get_ref().clone()),
            ..SettingsInput::default()
        };
        check(one, value.span(), at)?;
        out.field_mapping = Some(value.into_inner());
    }
    if let Some(value) = values.cache_enabled {
        out.cache_enabled = Some(value.into_inner());
    }
    if let Some(value) = values.cache_max_records {
        let records = *value.get_ref();
        out.cache_max_records = Some(u64::try_from(records).map_err(|_| {
            at(
                value.span(),
                format!("cache_max_records must be 0 or more, not {records}"),
            )
        })?);
    }
    if let Some(value) = values.cache_max_age_days {
        let days = *value.get_ref();
        out.cache_max_age_days = Some(
            u32::try_from(days)
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    at(
                        value.span(),
                        format!("cache_max_age_days must be from 1 to 3650, not {days}"),
                    )
                })?,
        );
    }
    if let Some(value) = values.updates {
        let mode = UpdateMode::parse(value.get_ref()).map_err(|p| at(value.span(), p))?;
        out.updates = Some(mode);
    }
    if let Some(value) = values.update_url {
        let one = SettingsInput {
            update_url: Some(value.get_ref().clone()),
            ..SettingsInput::default()
        };
        check(one, value.span(), at)?;
        out.update_url = Some(value.into_inner());
    }
    if let Some(value) = values.audit_retention_days {
        let days = *value.get_ref();
        out.audit_retention_days = Some(
            u32::try_from(days)
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    at(
                        value.span(),
                        format!("audit_retention_days must be from 1 to 3650, not {days}"),
                    )
                })?,
        );
    }
    if let Some(value) = values.sensitive_fields {
        let one = SettingsInput {
            sensitive_fields: Some(value.get_ref().clone()),
            ..SettingsInput::default()
        };
        check(one, value.span(), at)?;
        out.sensitive_fields = Some(value.into_inner());
    }
    if let Some(value) = values.panels {
        let one = SettingsInput {
            panels: Some(value.get_ref().clone()),
            ..SettingsInput::default()
        };
        check(one, value.span(), at)?;
        out.panels = Some(value.into_inner());
    }
    if let Some(value) = values.api_warning_percent {
        let percent = *value.get_ref();
        out.api_warning_percent = Some(
            u8::try_from(percent)
                .ok()
                .filter(|p| (1..=100).contains(p))
                .ok_or_else(|| {
                    at(
                        value.span(),
                        format!("api_warning_percent must be from 1 to 100, not {percent}"),
                    )
                })?,
        );
    }
    Ok(out)
}

/// One setting as the settings view shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SettingView {
    /// As in the config file and the policy: `login_url`, `enabled_actions`, ...
    pub key: String,
    /// The value in effect, as text.
    pub value: String,
    pub source: crate::settings::SettingSource,
    /// The administrator's default, when the user's own value replaced it.
    pub admin_default: Option<String>,
}

/// What the settings view shows: the policy's state and every managed setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ManagedSettings {
    /// The policy file looked at.
    pub policy_path: String,
    /// `CALLSIDE_POLICY` named it.
    pub policy_from_environment: bool,
    pub policy_state: PolicyState,
    /// Why an invalid policy was ignored: `file:line:column: problem`.
    pub policy_problem: Option<String>,
    pub settings: Vec<SettingView>,
    /// The actions reps may take, and the ones they may not (policy action names).
    pub enabled_actions: Vec<String>,
    pub disabled_actions: Vec<String>,
    pub cache_enabled: bool,
    /// User values a locked policy value replaced, as `key (from where)`.
    pub overridden: Vec<String>,
}

/// The settings the view lists, in its order.
pub const VIEW_KEYS: &[&str] = &[
    "login_url",
    "client_id",
    "callback_port",
    "region",
    "enabled_actions",
    "outcome_stages",
    "field_mapping",
    "cache_enabled",
    "cache_max_records",
    "cache_max_age_days",
    "updates",
    "update_url",
];

/// A setting's value as text (`None` for a key the view does not list).
pub fn display_value(settings: &Settings, key: &str) -> Option<String> {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    Some(match key {
        "login_url" => settings
            .login_url
            .as_str()
            .trim_end_matches('/')
            .to_string(),
        "client_id" => settings
            .client_id
            .clone()
            .unwrap_or_else(|| "not set".into()),
        "callback_port" => settings.callback_port.to_string(),
        "region" => settings.region.clone(),
        "enabled_actions" => {
            if settings.enabled_actions.len() == ACTIONS.len() {
                "all".into()
            } else if settings.enabled_actions.is_empty() {
                "none".into()
            } else {
                settings.enabled_actions.join(", ")
            }
        }
        "outcome_stages" => settings
            .outcome_stages
            .iter()
            .map(|(outcome, stage)| format!("{outcome} → {stage}"))
            .collect::<Vec<_>>()
            .join(", "),
        "field_mapping" => match serde_json::to_value(&settings.field_mapping) {
            Ok(serde_json::Value::Object(map)) => map
                .iter()
                .filter_map(|(key, value)| Some(format!("{key} → {}", value.as_str()?)))
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        },
        "cache_enabled" => if settings.cache_enabled { "on" } else { "off" }.into(),
        "cache_max_records" => settings.cache_limits.max_records.to_string(),
        "cache_max_age_days" => (settings.cache_limits.max_age_ms / DAY_MS).to_string(),
        "updates" => settings.updates.as_str().into(),
        "update_url" => settings
            .update_url
            .as_ref()
            .map(|url| url.to_string())
            .unwrap_or_else(|| "Callside's own".into()),
        _ => return None,
    })
}

impl Settings {
    /// The settings view: which values the administrator set (locked or as defaults),
    /// which the user set, and whether the policy applies.
    pub fn managed(&self) -> ManagedSettings {
        use crate::settings::SettingSource;
        // The administrator's defaults on their own, to show what a user replaced.
        let admin = Settings::from_layers(SettingsInput {
            data_dir: Some(self.data_dir.clone()),
            ..self.policy_defaults.clone()
        })
        .ok();
        let admin_keys = crate::settings::present_keys(&self.policy_defaults);
        let settings = VIEW_KEYS
            .iter()
            .filter_map(|key| {
                let source = self.source(key);
                let admin_default = match (&admin, source) {
                    (_, SettingSource::AdminDefault | SettingSource::Locked) => None,
                    (Some(admin), _) if admin_keys.iter().any(|k| k == key) => {
                        display_value(admin, key)
                    }
                    _ => None,
                };
                Some(SettingView {
                    key: key.to_string(),
                    value: display_value(self, key)?,
                    source,
                    admin_default,
                })
            })
            .collect();
        ManagedSettings {
            policy_path: self.policy.path.display().to_string(),
            policy_from_environment: self.policy.from_environment,
            policy_state: self.policy.state,
            policy_problem: self.policy.problem.clone(),
            settings,
            enabled_actions: self.enabled_actions.clone(),
            disabled_actions: ACTIONS
                .iter()
                .map(|(kind, _)| kind.to_string())
                .filter(|kind| !self.enabled_actions.contains(kind))
                .collect(),
            cache_enabled: self.cache_enabled,
            overridden: self.overridden.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> ParsedPolicy {
        parse(text, Path::new("/etc/callside/policy.toml")).unwrap()
    }

    fn problem(text: &str) -> String {
        parse(text, Path::new("/etc/callside/policy.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn locked_values_and_defaults_become_two_layers() {
        let policy = parsed(
            "# managed by IT\n[locked]\nlogin_url = \"https://acme.my.salesforce.com\"\ncache_enabled = false\nenabled_actions = [\"log_call\", \"follow_up\"]\nupdates = \"off\"\n\n[defaults]\nregion = \"DE\"\ncallback_port = 7800\n",
        );
        assert_eq!(
            policy.policy.locked.login_url.as_deref(),
            Some("https://acme.my.salesforce.com")
        );
        assert_eq!(policy.policy.locked.cache_enabled, Some(false));
        assert_eq!(
            policy.policy.locked.enabled_actions,
            Some(vec!["log_call".to_string(), "follow_up".to_string()])
        );
        assert_eq!(policy.policy.locked.updates, Some(UpdateMode::Off));
        assert_eq!(policy.policy.locked.region, None);
        assert_eq!(policy.policy.defaults.region.as_deref(), Some("DE"));
        assert_eq!(policy.policy.defaults.callback_port, Some(7800));
        assert_eq!(
            policy.locked_keys,
            ["login_url", "enabled_actions", "cache_enabled", "updates"]
        );
        assert_eq!(policy.default_keys, ["callback_port", "region"]);
    }

    #[test]
    fn my_domain_names_the_login_server() {
        for (written, url) in [
            ("acme", "https://acme.my.salesforce.com"),
            (
                "acme--uat.sandbox.my.salesforce.com",
                "https://acme--uat.sandbox.my.salesforce.com",
            ),
            (
                "https://acme.my.salesforce.com/",
                "https://acme.my.salesforce.com",
            ),
        ] {
            let policy = parsed(&format!("[locked]\nmy_domain = \"{written}\"\n"));
            assert_eq!(policy.policy.locked.login_url.as_deref(), Some(url));
        }
        assert_eq!(
            problem("[locked]\nmy_domain = \"acme corp\"\n"),
            "/etc/callside/policy.toml:2:13: my_domain is \"acme corp\"; use the My Domain name (\"acme\") or its host name (\"acme.my.salesforce.com\")"
        );
        assert!(
            problem("[locked]\nlogin_url = \"https://login.salesforce.com\"\n[defaults]\nmy_domain = \"acme\"\n")
                .starts_with("/etc/callside/policy.toml:4:13: login_url and my_domain both"),
        );
    }

    #[test]
    fn a_misspelt_key_is_named_with_its_line_and_column() {
        assert_eq!(
            problem("[locked]\nclient_id = \"3MVG9\"\nlogin_ur = \"https://x.example.com\"\n"),
            "/etc/callside/policy.toml:3:1: unknown field `login_ur`, expected one of `login_url`, `my_domain`, `client_id`, `callback_port`, `region`, `enabled_actions`, `outcome_stages`, `field_mapping`, `cache_enabled`, `cache_max_records`, `cache_max_age_days`, `updates`, `update_url`, `audit_retention_days`, `sensitive_fields`, `api_warning_percent`, `panels`"
        );
        assert_eq!(
            problem("[locks]\nregion = \"DE\"\n"),
            "/etc/callside/policy.toml:1:2: unknown table or key `locks`; a policy has two tables, [locked] and [defaults]"
        );
        let mapping = problem("[defaults.field_mapping]\nnotes = \"Description\"\n");
        assert!(
            mapping.starts_with("/etc/callside/policy.toml:2:1: unknown field `notes`, expected one of `qualification_notes`, `next_action`"),
            "{mapping}"
        );
    }

    #[test]
    fn a_key_outside_both_tables_says_where_it_belongs() {
        assert_eq!(
            problem("\nregion = \"DE\"\n"),
            "/etc/callside/policy.toml:2:1: region is outside a table: put it under [locked] (users cannot change it) or [defaults] (users may change it)"
        );
    }

    #[test]
    fn broken_toml_and_wrong_types_are_placed() {
        assert_eq!(
            problem("[locked]\nregion = \n"),
            "/etc/callside/policy.toml:2:10: invalid string; expected `\"`, `'`"
        );
        assert_eq!(
            problem("[locked]\ncache_enabled = \"no\"\n"),
            "/etc/callside/policy.toml:2:17: invalid type: string \"no\", expected a boolean"
        );
        assert_eq!(
            problem("[locked]\nregion = \"DE\"\nregion = \"AT\"\n"),
            "/etc/callside/policy.toml:3:1: duplicate key `region` in table `locked`"
        );
    }

    #[test]
    fn values_callside_would_refuse_are_placed() {
        assert_eq!(
            problem("[locked]\ncallback_port = 70000\n"),
            "/etc/callside/policy.toml:2:17: callback_port must be a port number from 1 to 65535, not 70000"
        );
        assert_eq!(
            problem("[defaults]\nlogin_url = \"login.salesforce.com\"\n"),
            "/etc/callside/policy.toml:2:13: The login URL \"login.salesforce.com\" is not a web address such as https://login.salesforce.com"
        );
        assert!(problem("[defaults]\nregion = \"XX\"\n")
            .starts_with("/etc/callside/policy.toml:2:10: "));
        let actions =
            problem("[locked]\nenabled_actions = [\"log_call\",\n  \"delete_everything\"]\n");
        assert!(
            actions.starts_with("/etc/callside/policy.toml:3:3: enabled_actions lists \"delete_everything\"; the actions are log_call, follow_up,"),
            "{actions}"
        );
        assert_eq!(
            problem("[locked]\nupdates = \"sometimes\"\n"),
            "/etc/callside/policy.toml:2:11: updates is \"sometimes\"; use \"auto\", \"notify\" or \"off\""
        );
        assert!(
            problem("[locked]\nupdate_url = \"ftp://updates.example.com\"\n")
                .starts_with("/etc/callside/policy.toml:2:14: update_url")
        );
        assert_eq!(
            problem("[locked.field_mapping]\nnext_action = \"Next Steps\"\n"),
            "/etc/callside/policy.toml:1:1: field_mapping.next_action is \"Next Steps\"; use a Lead field's API name such as Description or Next_Steps__c"
        );
        assert!(problem("[locked]\ncache_max_age_days = 0\n")
            .starts_with("/etc/callside/policy.toml:2:22: cache_max_age_days must be from 1"));
    }

    #[test]
    fn a_key_in_both_tables_is_a_contradiction() {
        assert_eq!(
            problem("[locked]\nregion = \"DE\"\n[defaults]\nregion = \"AT\"\n"),
            "/etc/callside/policy.toml:4:10: region is in [locked] and in [defaults]; keep it in one of them"
        );
    }

    #[test]
    fn a_missing_file_is_no_policy_and_a_bad_one_is_ignored_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.toml");
        let missing = load_file(&path, true);
        assert_eq!(missing.status.state, PolicyState::Absent);
        assert!(missing.status.from_environment);

        // The first table is fine, the second has a typo: nothing of the file applies.
        std::fs::write(
            &path,
            "[locked]\nregion = \"DE\"\n\n[defaults]\ncache_max_record = 10\n",
        )
        .unwrap();
        let bad = load_file(&path, false);
        assert_eq!(bad.status.state, PolicyState::Invalid);
        assert_eq!(bad.policy.locked.region, None);
        let message = bad.status.problem.clone().unwrap();
        assert!(
            message.starts_with(&format!(
                "{}:5:1: unknown field `cache_max_record`",
                path.display()
            )),
            "{message}"
        );
        assert!(bad
            .status
            .warning()
            .unwrap()
            .contains("uses its own defaults"));

        std::fs::write(&path, [0xff, 0xfe, b'[']).unwrap();
        let binary = load_file(&path, false);
        assert_eq!(
            binary.status.problem.unwrap(),
            format!("{}: the file is not UTF-8 text", path.display())
        );

        std::fs::write(&path, "[defaults]\nregion = \"AT\"\n").unwrap();
        let good =
            load(&|name: &str| (name == POLICY_VAR).then(|| path.to_string_lossy().to_string()));
        assert_eq!(good.status.state, PolicyState::Applied);
        assert_eq!(good.policy.defaults.region.as_deref(), Some("AT"));
    }

    #[test]
    fn the_system_location_is_the_platform_one() {
        let path = system_policy_path(&|_: &str| None);
        if cfg!(target_os = "linux") {
            assert_eq!(path, PathBuf::from("/etc/callside/policy.toml"));
        }
        assert!(path.ends_with("policy.toml"));
    }

    /// Settings resolved with `pairs` as the environment and `policy` as the policy file.
    fn resolve(
        dir: &Path,
        policy: &str,
        config: &str,
        pairs: &[(&str, &str)],
        flags: SettingsInput,
    ) -> Settings {
        let policy_path = dir.join("policy.toml");
        let config_path = dir.join("config.toml");
        std::fs::write(&policy_path, policy).unwrap();
        std::fs::write(&config_path, config).unwrap();
        let mut env: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        env.insert(POLICY_VAR.into(), policy_path.to_string_lossy().into());
        env.insert(
            "CALLSIDE_CONFIG".into(),
            config_path.to_string_lossy().into(),
        );
        env.insert(
            "CALLSIDE_DATA_DIR".into(),
            dir.join("data").to_string_lossy().into(),
        );
        Settings::resolve_with(flags, move |name| env.get(name).cloned()).unwrap()
    }

    #[test]
    fn a_locked_value_wins_over_flags_environment_and_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let settings = resolve(
            dir.path(),
            "[locked]\nlogin_url = \"https://acme.my.salesforce.com\"\nclient_id = \"ADMIN\"\ncallback_port = 7800\ncache_enabled = false\n",
            "login_url = \"https://file.example.com\"\ncache_enabled = true\nregion = \"GB\"\n",
            &[
                ("CALLSIDE_CLIENT_ID", "from-env"),
                ("CALLSIDE_LOGIN_URL", "https://env.example.com"),
            ],
            SettingsInput {
                callback_port: Some(9200),
                ..SettingsInput::default()
            },
        );
        assert_eq!(
            settings.login_url.as_str(),
            "https://acme.my.salesforce.com/"
        );
        assert_eq!(settings.client_id.as_deref(), Some("ADMIN"));
        assert_eq!(settings.callback_port, 7800);
        assert!(!settings.cache_enabled);
        // What the policy does not lock is the user's.
        assert_eq!(settings.region, "GB");
        use crate::settings::SettingSource;
        assert_eq!(settings.source("login_url"), SettingSource::Locked);
        assert_eq!(settings.source("region"), SettingSource::ConfigFile);
        assert_eq!(settings.policy.state, PolicyState::Applied);
        assert_eq!(
            settings.overridden,
            [
                "callback_port (a command-line flag)",
                "client_id (the environment)",
                "login_url (the environment)",
                "cache_enabled (your config file)",
                "login_url (your config file)",
            ]
        );
    }

    #[test]
    fn a_policy_default_yields_to_the_user_but_beats_the_locale() {
        let dir = tempfile::tempdir().unwrap();
        let policy = "[defaults]\nregion = \"AT\"\nupdates = \"off\"\ncache_max_age_days = 3\n";
        let with_locale = resolve(
            dir.path(),
            policy,
            "",
            &[("LANG", "de_DE.UTF-8")],
            SettingsInput::default(),
        );
        assert_eq!(with_locale.region, "AT");
        assert_eq!(with_locale.updates, UpdateMode::Off);
        assert_eq!(with_locale.cache_limits.max_age_ms, 3 * 24 * 60 * 60 * 1000);
        let users = resolve(
            dir.path(),
            policy,
            "updates = \"auto\"\n",
            &[("LANG", "de_DE.UTF-8"), ("CALLSIDE_REGION", "CH")],
            SettingsInput::default(),
        );
        assert_eq!(users.region, "CH");
        assert_eq!(users.updates, UpdateMode::Auto);
        assert!(users.overridden.is_empty());
        let view = users.managed();
        let region = view.settings.iter().find(|s| s.key == "region").unwrap();
        assert_eq!(region.value, "CH");
        assert_eq!(region.source, crate::settings::SettingSource::Environment);
        assert_eq!(region.admin_default.as_deref(), Some("AT"));
        let age = view
            .settings
            .iter()
            .find(|s| s.key == "cache_max_age_days")
            .unwrap();
        assert_eq!(age.value, "3");
        assert_eq!(age.source, crate::settings::SettingSource::AdminDefault);
        assert_eq!(age.admin_default, None);
    }

    #[test]
    fn an_invalid_policy_leaves_the_users_settings_and_callsides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let settings = resolve(
            dir.path(),
            "[locked]\nclient_id = \"ADMIN\"\ncache_enabled = false\nenabled_actions = [\"log_cal\"]\n",
            "",
            &[("CALLSIDE_CLIENT_ID", "mine")],
            SettingsInput::default(),
        );
        assert_eq!(settings.policy.state, PolicyState::Invalid);
        let problem = settings.policy.problem.clone().unwrap();
        assert!(
            problem.ends_with("policy.toml:4:20: enabled_actions lists \"log_cal\"; the actions are log_call, follow_up, rate_lead, set_lead_status, set_stage, create_lead, create_opportunity, schedule_demo, qualify_lead, assign_lead"),
            "{problem}"
        );
        // Nothing of the file applies, not even its valid lines.
        assert_eq!(settings.client_id.as_deref(), Some("mine"));
        assert!(settings.cache_enabled);
        assert_eq!(settings.enabled_actions.len(), ACTIONS.len());
        assert_eq!(settings.managed().policy_state, PolicyState::Invalid);
    }

    #[test]
    fn disabled_actions_are_refused_naming_the_policy() {
        let dir = tempfile::tempdir().unwrap();
        let settings = resolve(
            dir.path(),
            "[locked]\nenabled_actions = [\"log_call\", \"follow_up\"]\n",
            "enabled_actions = [\"rate_lead\"]\n",
            &[],
            SettingsInput::default(),
        );
        assert_eq!(settings.enabled_actions, ["log_call", "follow_up"]);
        settings.check_action("log_call").unwrap();
        let refused = settings.check_action("rate_lead").unwrap_err().to_string();
        assert_eq!(
            refused,
            format!(
                "Rating leads is turned off by your administrator (enabled_actions in {}).",
                dir.path().join("policy.toml").display()
            )
        );
        let view = settings.managed();
        assert_eq!(view.disabled_actions.len(), ACTIONS.len() - 2);
        assert!(view.disabled_actions.contains(&"rate_lead".to_string()));

        // A user may narrow the actions for themselves when nothing is locked.
        let own = resolve(
            dir.path(),
            "",
            "enabled_actions = [\"log_call\"]\n",
            &[],
            SettingsInput::default(),
        );
        assert_eq!(
            own.check_action("create_lead").unwrap_err().to_string(),
            "Creating leads is turned off in your settings (enabled_actions, your config file)."
        );
    }

    #[test]
    fn every_policy_key_is_accepted_and_listed() {
        let message = problem("[locked]\nnot_a_key = 1\n");
        let listed: Vec<&str> = message
            .split("expected one of ")
            .nth(1)
            .unwrap()
            .split(", ")
            .map(|k| k.trim_matches('`'))
            .collect();
        assert_eq!(listed, POLICY_KEYS);
    }

    #[test]
    fn lines_and_columns_count_characters() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("ä = 1\nx", 6), (1, 6));
    }
}
