//! Settings, from command-line flags, then the environment (`CALLSIDE_*`), then a TOML
//! config file, then defaults. The administrator's policy ([`crate::policy`]) sits on
//! both ends: its `[locked]` values win over everything, its `[defaults]` replace
//! Callside's own defaults.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::connections::{check_alias, Connections};
use crate::error::{Error, Result};
use crate::model::RecordType;
use crate::store::CacheLimits;

pub const DEFAULT_LOGIN_URL: &str = "https://login.salesforce.com";
/// The loopback port of the sign-in redirect; a connected app registers
/// `http://localhost:7717/callback`.
pub const DEFAULT_CALLBACK_PORT: u16 = 7717;
pub const DEFAULT_REGION: &str = "US";

/// One layer of settings; every field is optional and the first layer that has it wins.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub login_url: Option<String>,
    pub client_id: Option<String>,
    pub callback_port: Option<u16>,
    pub data_dir: Option<PathBuf>,
    /// The default region for numbers written without a country code (ISO 3166, "US").
    pub region: Option<String>,
    /// At most this many records are cached (least recently used go first).
    pub cache_max_records: Option<u64>,
    /// Cached entries older than this many days are not shown and are removed.
    pub cache_max_age_days: Option<u32>,
    /// Which record types rank first when several match, e.g. `["Lead", "Contact", "Account"]`.
    pub match_order: Option<Vec<String>>,
    /// The actions reps may take (`["log_call", "follow_up"]`); the others are refused.
    /// All of [`crate::policy::ACTIONS`] when unset.
    pub enabled_actions: Option<Vec<String>>,
    /// `false`: nothing is written to the local cache and every pop asks Salesforce.
    pub cache_enabled: Option<bool>,
    /// How the desktop app updates itself: `"auto"`, `"notify"` or `"off"`.
    pub updates: Option<UpdateMode>,
    /// The address the desktop app asks for updates (https).
    pub update_url: Option<String>,
    /// The saved org connection to use (`--alias`, `CALLSIDE_ORG`); else the active one.
    pub alias: Option<String>,
    /// Call outcomes and the opportunity stage each moves to, e.g.
    /// `[outcome_stages]` / `"Demo Scheduled" = "Value Proposition"` (config file only).
    pub outcome_stages: Option<std::collections::BTreeMap<String, String>>,
    /// The Lead fields qualification writes to (config file only).
    pub field_mapping: Option<FieldMappingInput>,
    /// Custom Account fields the caller card shows besides the standard facts, e.g.
    /// `["Last_Activity__c", "Health_Score__c"]` (config file only).
    pub account_fields: Option<Vec<String>>,
    /// Whether a lead created for an unknown caller goes through the org's lead
    /// assignment rules by default (the rep can choose per lead).
    pub lead_assignment_rules: Option<bool>,
    /// The desktop app's global shortcut that brings the window up with the number field
    /// focused, e.g. `"Ctrl+Alt+K"` (`CALLSIDE_FOCUS_SHORTCUT`).
    pub focus_shortcut: Option<String>,
    /// The desktop app's language, `"en"` or `"de"` (`CALLSIDE_LANGUAGE`); else the
    /// system's.
    pub language: Option<String>,
    /// Audit-trail entries older than this many days are removed (1–3650; 365).
    pub audit_retention_days: Option<u32>,
    /// Field API names whose values never reach the cache or the audit trail in clear
    /// text, e.g. `["Health_Notes__c"]`.
    pub sensitive_fields: Option<Vec<String>>,
    /// Warn when the org has used this percentage of its daily API requests (1–100; 80).
    pub api_warning_percent: Option<u8>,
    /// Industry panels under the caller card: a custom object related to the caller
    /// ([`crate::panels`]).
    pub panels: Option<Vec<crate::panels::PanelInput>>,
}

/// `[field_mapping]` in the config file: which Lead field each qualification value goes to.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldMappingInput {
    pub qualification_notes: Option<String>,
    pub next_action: Option<String>,
    /// A Task field that also gets the call's result, such as `Call_Outcome__c`.
    pub call_outcome: Option<String>,
    /// A Task field for the call's next steps, such as `Next_Steps__c` (else they end
    /// the Task's Description).
    pub next_steps: Option<String>,
}

/// The Lead fields qualification writes to (API names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldMapping {
    pub qualification_notes: String,
    pub next_action: String,
    /// Task fields (none by default).
    pub call_outcome: Option<String>,
    pub next_steps: Option<String>,
}

impl Default for FieldMapping {
    fn default() -> Self {
        FieldMapping {
            qualification_notes: "Description".into(),
            next_action: "Description".into(),
            call_outcome: None,
            next_steps: None,
        }
    }
}

/// The original brief's call outcomes and the stage each moves an opportunity to, in the
/// order a deal goes.
pub const DEFAULT_OUTCOME_STAGES: &[(&str, &str)] = &[
    ("Prospect Reached", "Prospecting"),
    ("Needs Identified", "Qualification"),
    ("Budget Confirmed", "Needs Analysis"),
    ("Demo Scheduled", "Value Proposition"),
    ("Proposal Requested", "Id. Decision Makers"),
    ("Negotiation Started", "Proposal/Price Quote"),
    ("Contract Sent", "Negotiation/Review"),
    ("Deal Closed", "Closed Won"),
];

/// Whether `name` can be a field's API name (letters, digits, underscores; a letter first).
fn is_api_name(name: &str) -> bool {
    name.len() <= 80
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl SettingsInput {
    fn or(self, other: SettingsInput) -> SettingsInput {
        SettingsInput {
            login_url: self.login_url.or(other.login_url),
            client_id: self.client_id.or(other.client_id),
            callback_port: self.callback_port.or(other.callback_port),
            data_dir: self.data_dir.or(other.data_dir),
            region: self.region.or(other.region),
            cache_max_records: self.cache_max_records.or(other.cache_max_records),
            cache_max_age_days: self.cache_max_age_days.or(other.cache_max_age_days),
            match_order: self.match_order.or(other.match_order),
            enabled_actions: self.enabled_actions.or(other.enabled_actions),
            cache_enabled: self.cache_enabled.or(other.cache_enabled),
            updates: self.updates.or(other.updates),
            update_url: self.update_url.or(other.update_url),
            alias: self.alias.or(other.alias),
            outcome_stages: self.outcome_stages.or(other.outcome_stages),
            field_mapping: self.field_mapping.or(other.field_mapping),
            account_fields: self.account_fields.or(other.account_fields),
            lead_assignment_rules: self.lead_assignment_rules.or(other.lead_assignment_rules),
            focus_shortcut: self.focus_shortcut.or(other.focus_shortcut),
            language: self.language.or(other.language),
            audit_retention_days: self.audit_retention_days.or(other.audit_retention_days),
            sensitive_fields: self.sensitive_fields.or(other.sensitive_fields),
            api_warning_percent: self.api_warning_percent.or(other.api_warning_percent),
            panels: self.panels.or(other.panels),
        }
    }

    /// Reads `CALLSIDE_LOGIN_URL`, `CALLSIDE_CLIENT_ID`, `CALLSIDE_CALLBACK_PORT`,
    /// `CALLSIDE_DATA_DIR` and `CALLSIDE_REGION` through `lookup`.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<SettingsInput> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let callback_port = match get("CALLSIDE_CALLBACK_PORT") {
            Some(text) => Some(parse_port(&text, "CALLSIDE_CALLBACK_PORT")?),
            None => None,
        };
        Ok(SettingsInput {
            login_url: get("CALLSIDE_LOGIN_URL"),
            client_id: get("CALLSIDE_CLIENT_ID"),
            callback_port,
            data_dir: get("CALLSIDE_DATA_DIR").map(PathBuf::from),
            region: get("CALLSIDE_REGION"),
            alias: get("CALLSIDE_ORG"),
            focus_shortcut: get("CALLSIDE_FOCUS_SHORTCUT"),
            language: get("CALLSIDE_LANGUAGE"),
            ..SettingsInput::default()
        })
    }

    /// Reads a TOML config file; a missing file is an empty layer.
    pub fn from_file(path: &Path) -> Result<SettingsInput> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| {
                Error::Config(format!("{}: {}", path.display(), e.to_string().trim()))
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok(SettingsInput::default())
            }
            Err(error) => Err(Error::Config(format!("{}: {error}", path.display()))),
        }
    }
}

fn parse_port(text: &str, source: &str) -> Result<u16> {
    match text.trim().parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(Error::Config(format!(
            "{source} must be a port number from 1 to 65535, not {text:?}"
        ))),
    }
}

/// Resolved settings.
#[derive(Clone, Debug)]
pub struct Settings {
    pub login_url: Url,
    pub client_id: Option<String>,
    pub callback_port: u16,
    pub data_dir: PathBuf,
    pub region: String,
    pub sign_in_timeout: Duration,
    pub cache_limits: CacheLimits,
    /// Record types in ranking order.
    pub match_order: Vec<RecordType>,
    /// The actions reps may take, in [`crate::policy::ACTIONS`] order.
    pub enabled_actions: Vec<String>,
    /// Whether anything may be written to the local cache.
    pub cache_enabled: bool,
    /// How the desktop app updates itself.
    pub updates: UpdateMode,
    /// The address the desktop app asks for updates; none: the app's own.
    pub update_url: Option<Url>,
    /// The administrator's policy: which file, whether it applies, what it set.
    pub policy: crate::policy::PolicyStatus,
    /// The policy's `[defaults]`, for showing what the administrator suggested.
    pub policy_defaults: SettingsInput,
    /// Where each setting came from, by key (`login_url`, `enabled_actions`, ...).
    pub sources: std::collections::BTreeMap<String, SettingSource>,
    /// User values that a locked policy value replaced, as `key (from where)`.
    pub overridden: Vec<String>,
    /// The saved org connection in use, if any.
    pub alias: Option<String>,
    /// Call outcome → opportunity stage, in listing order (the brief's order by default;
    /// a config file's table is listed in name order).
    pub outcome_stages: Vec<(String, String)>,
    /// The Lead fields qualification notes and the next action go to.
    pub field_mapping: FieldMapping,
    /// Custom Account fields shown with the account's facts (API names).
    pub account_fields: Vec<String>,
    /// New leads go through the org's lead assignment rules unless the rep says otherwise.
    pub lead_assignment_rules: bool,
    /// The desktop app's focus shortcut, as written (the app checks it).
    pub focus_shortcut: Option<String>,
    /// The desktop app's language, as written (the app checks it).
    pub language: Option<String>,
    /// How long the audit trail keeps its entries, in days.
    pub audit_retention_days: u32,
    /// Fields whose values are kept out of the cache and the audit trail (API names).
    pub sensitive_fields: Vec<String>,
    /// The share of the daily API requests (percent) at which Callside warns.
    pub api_warning_percent: u8,
    /// The industry panels, checked for shape (not yet against the org).
    pub panels: Vec<crate::panels::PanelInput>,
}

/// The region of the system locale (`de_DE.UTF-8` gives `DE`), if it names one.
pub fn locale_region(lookup: &impl Fn(&str) -> Option<String>) -> Option<String> {
    ["LC_ALL", "LC_TELEPHONE", "LANG"]
        .iter()
        .filter_map(|name| lookup(name))
        .find(|value| !value.is_empty())
        .and_then(|locale| {
            let territory = locale.split(['.', '@']).next()?.split(['_', '-']).nth(1)?;
            let region = territory.to_ascii_uppercase();
            crate::phone::parse_region(&region).ok().map(|_| region)
        })
}

/// The platform's data directory for Callside (`~/.local/share/callside` on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.data_dir().to_path_buf())
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("com", "Callside", "Callside")
}

/// The config file: `CALLSIDE_CONFIG`, else `config.toml` in the platform's config
/// directory (`~/.config/callside/config.toml` on Linux).
pub fn config_file_path(lookup: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    lookup("CALLSIDE_CONFIG")
        .map(PathBuf::from)
        .or_else(|| project_dirs().map(|dirs| dirs.config_dir().join("config.toml")))
}

impl Settings {
    /// Resolves flags over the process environment over the config file.
    pub fn resolve(flags: SettingsInput) -> Result<Settings> {
        Settings::resolve_with(flags, |name| std::env::var(name).ok())
    }

    pub fn resolve_with(
        flags: SettingsInput,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings> {
        let env = SettingsInput::from_env_with(&lookup)?;
        let file = match config_file_path(&lookup) {
            Some(path) => SettingsInput::from_file(&path)?,
            None => SettingsInput::default(),
        };
        let locale = SettingsInput {
            region: locale_region(&lookup),
            ..SettingsInput::default()
        };
        // A saved connection (the one named, else the active one) beats the environment
        // and the config file; only flags override it.
        let chosen = flags.clone().or(env.clone()).or(file.clone());
        let data_dir = chosen.data_dir.clone().or_else(default_data_dir);
        let saved = match &data_dir {
            Some(dir) => {
                let connections = Connections::load(dir)?;
                let alias = chosen.alias.clone().or(connections.active.clone());
                match alias {
                    Some(alias) => {
                        check_alias(&alias)?;
                        let saved = connections.connections.get(&alias).cloned();
                        SettingsInput {
                            alias: Some(alias),
                            login_url: saved.as_ref().map(|c| c.login_url.clone()),
                            client_id: saved.as_ref().and_then(|c| c.client_id.clone()),
                            callback_port: saved.and_then(|c| c.callback_port),
                            ..SettingsInput::default()
                        }
                    }
                    None => SettingsInput::default(),
                }
            }
            None => SettingsInput::default(),
        };
        let loaded = crate::policy::load(&lookup);
        let locked = loaded.policy.locked;
        let defaults = loaded.policy.defaults;
        // Locked policy values win over everything; the policy's defaults only over
        // Callside's own (and the locale's guess).
        let layers = [
            (SettingSource::Locked, &locked),
            (SettingSource::Flag, &flags),
            (SettingSource::SavedConnection, &saved),
            (SettingSource::Environment, &env),
            (SettingSource::ConfigFile, &file),
            (SettingSource::AdminDefault, &defaults),
            (SettingSource::Locale, &locale),
        ];
        let sources = sources_of(&layers);
        let locked_keys = present_keys(&locked);
        let mut overridden = Vec::new();
        for (source, layer) in [
            (SettingSource::Flag, &flags),
            (SettingSource::Environment, &env),
            (SettingSource::ConfigFile, &file),
        ] {
            for key in present_keys(layer) {
                if locked_keys.contains(&key) {
                    overridden.push(format!("{key} ({})", source.describe()));
                }
            }
        }
        let mut settings = Settings::from_layers(
            locked
                .or(flags)
                .or(saved)
                .or(env)
                .or(file)
                .or(defaults.clone())
                .or(locale),
        )?;
        settings.sources = sources;
        settings.policy = loaded.status;
        settings.policy_defaults = defaults;
        settings.overridden = overridden;
        Ok(settings)
    }

    /// Settings from one layer over the defaults (no policy is read; every given value
    /// counts as a flag's).
    pub fn from_layers(input: SettingsInput) -> Result<Settings> {
        let given = sources_of(&[(SettingSource::Flag, &input)]);
        let login_text = input
            .login_url
            .unwrap_or_else(|| DEFAULT_LOGIN_URL.to_string());
        let login_url = Url::parse(login_text.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "https" | "http") && url.host().is_some())
            .ok_or_else(|| {
                Error::Config(format!(
                    "The login URL {login_text:?} is not a web address such as https://login.salesforce.com"
                ))
            })?;
        let data_dir = match input.data_dir {
            Some(dir) => dir,
            None => default_data_dir().ok_or_else(|| {
                Error::Config("No data directory could be found; set CALLSIDE_DATA_DIR.".into())
            })?,
        };
        let region = input
            .region
            .unwrap_or_else(|| DEFAULT_REGION.to_string())
            .trim()
            .to_ascii_uppercase();
        crate::phone::parse_region(&region)?;
        let defaults = CacheLimits::default();
        let cache_limits = CacheLimits {
            max_records: input.cache_max_records.unwrap_or(defaults.max_records),
            max_age_ms: input
                .cache_max_age_days
                .map(|days| i64::from(days) * 24 * 60 * 60 * 1000)
                .unwrap_or(defaults.max_age_ms),
        };
        let match_order = match input.match_order {
            None => crate::lookup::DEFAULT_ORDER.to_vec(),
            Some(names) => {
                let mut order = Vec::new();
                for name in &names {
                    let record_type = RecordType::from_api_name(name.trim()).ok_or_else(|| {
                        Error::Config(format!(
                            "match_order lists {name:?}; use Contact, Lead and Account"
                        ))
                    })?;
                    if !order.contains(&record_type) {
                        order.push(record_type);
                    }
                }
                order
            }
        };
        let outcome_stages = match input.outcome_stages {
            None => DEFAULT_OUTCOME_STAGES
                .iter()
                .map(|(o, s)| (o.to_string(), s.to_string()))
                .collect(),
            Some(table) => {
                let mut pairs = Vec::new();
                for (outcome, stage) in table {
                    let (outcome, stage) = (outcome.trim(), stage.trim());
                    if outcome.is_empty() || stage.is_empty() {
                        return Err(Error::Config(
                            "outcome_stages needs a name and a stage for every outcome".into(),
                        ));
                    }
                    if pairs
                        .iter()
                        .any(|(o, _): &(String, String)| o.eq_ignore_ascii_case(outcome))
                    {
                        return Err(Error::Config(format!(
                            "outcome_stages lists {outcome:?} twice"
                        )));
                    }
                    pairs.push((outcome.to_string(), stage.to_string()));
                }
                pairs
            }
        };
        let mapping_input = input.field_mapping.unwrap_or_default();
        let defaults = FieldMapping::default();
        let mut field_mapping = FieldMapping {
            qualification_notes: mapping_input
                .qualification_notes
                .map(|f| f.trim().to_string())
                .unwrap_or(defaults.qualification_notes),
            next_action: mapping_input
                .next_action
                .map(|f| f.trim().to_string())
                .unwrap_or(defaults.next_action),
            call_outcome: mapping_input.call_outcome.map(|f| f.trim().to_string()),
            next_steps: mapping_input.next_steps.map(|f| f.trim().to_string()),
        };
        for (key, field) in [
            ("call_outcome", &field_mapping.call_outcome),
            ("next_steps", &field_mapping.next_steps),
        ] {
            if let Some(field) = field.as_deref().filter(|f| !is_api_name(f)) {
                return Err(Error::Config(format!(
                    "field_mapping.{key} is {field:?}; use a Task field's API name such as Call_Outcome__c or Next_Steps__c"
                )));
            }
        }
        for (key, field) in [
            (
                "qualification_notes",
                &mut field_mapping.qualification_notes,
            ),
            ("next_action", &mut field_mapping.next_action),
        ] {
            if !is_api_name(field) {
                return Err(Error::Config(format!(
                    "field_mapping.{key} is {field:?}; use a Lead field's API name such as Description or Next_Steps__c"
                )));
            }
        }
        let enabled_actions = match input.enabled_actions {
            None => crate::policy::ACTIONS
                .iter()
                .map(|(kind, _)| kind.to_string())
                .collect(),
            Some(names) => {
                for name in &names {
                    if !crate::policy::ACTIONS.iter().any(|(kind, _)| kind == name) {
                        return Err(Error::Config(format!(
                            "enabled_actions lists {name:?}; the actions are {}",
                            crate::policy::ACTIONS
                                .iter()
                                .map(|(kind, _)| *kind)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    }
                }
                crate::policy::ACTIONS
                    .iter()
                    .filter(|(kind, _)| names.iter().any(|name| name == kind))
                    .map(|(kind, _)| kind.to_string())
                    .collect()
            }
        };
        let mut account_fields: Vec<String> = Vec::new();
        for field in input.account_fields.unwrap_or_default() {
            let field = field.trim().to_string();
            if !is_api_name(&field) {
                return Err(Error::Config(format!(
                    "account_fields lists {field:?}; use an Account field's API name such as Health_Score__c"
                )));
            }
            if !account_fields
                .iter()
                .any(|f| f.eq_ignore_ascii_case(&field))
            {
                account_fields.push(field);
            }
        }
        let audit_retention_days = input
            .audit_retention_days
            .unwrap_or(crate::audit::DEFAULT_RETENTION_DAYS);
        if !(1..=3650).contains(&audit_retention_days) {
            return Err(Error::Config(format!(
                "audit_retention_days must be from 1 to 3650, not {audit_retention_days}"
            )));
        }
        let mut sensitive_fields: Vec<String> = Vec::new();
        for field in input.sensitive_fields.unwrap_or_default() {
            let field = field.trim().to_string();
            if !is_api_name(&field) {
                return Err(Error::Config(format!(
                    "sensitive_fields lists {field:?}; use a field's API name such as Health_Notes__c"
                )));
            }
            sensitive_fields.push(field);
        }
        let api_warning_percent = input.api_warning_percent.unwrap_or(80);
        if !(1..=100).contains(&api_warning_percent) {
            return Err(Error::Config(format!(
                "api_warning_percent must be from 1 to 100, not {api_warning_percent}"
            )));
        }
        let update_url = match input.update_url {
            None => None,
            Some(text) => Some(parse_update_url(&text)?),
        };
        Ok(Settings {
            enabled_actions,
            cache_enabled: input.cache_enabled.unwrap_or(true),
            updates: input.updates.unwrap_or_default(),
            update_url,
            policy: crate::policy::PolicyStatus::none(),
            policy_defaults: SettingsInput::default(),
            sources: given,
            overridden: Vec::new(),
            login_url,
            client_id: input.client_id.map(|id| id.trim().to_string()),
            callback_port: input.callback_port.unwrap_or(DEFAULT_CALLBACK_PORT),
            data_dir,
            region,
            sign_in_timeout: Duration::from_secs(120),
            cache_limits,
            match_order,
            alias: input.alias,
            outcome_stages,
            field_mapping,
            account_fields,
            lead_assignment_rules: input.lead_assignment_rules.unwrap_or(false),
            audit_retention_days,
            sensitive_fields,
            api_warning_percent,
            panels: crate::panels::validate(input.panels.unwrap_or_default())?,
            focus_shortcut: input
                .focus_shortcut
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            language: input
                .language
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        })
    }

    /// Where a setting came from (`key` as in the config file: `login_url`, ...).
    pub fn source(&self, key: &str) -> SettingSource {
        self.sources
            .get(key)
            .copied()
            .unwrap_or(SettingSource::Default)
    }

    /// Refuses an action the settings do not enable, naming who turned it off.
    pub fn check_action(&self, kind: &str) -> Result<()> {
        let known = crate::policy::ACTIONS.iter().any(|(k, _)| *k == kind);
        if !known || self.enabled_actions.iter().any(|k| k == kind) {
            return Ok(());
        }
        let action = crate::policy::action_label(kind).to_string();
        Err(Error::InvalidInput(match self.source("enabled_actions") {
            SettingSource::Locked | SettingSource::AdminDefault => {
                crate::text::Text::ActionOffByAdministrator {
                    action,
                    file: self.policy.path.display().to_string(),
                }
            }
            other => crate::text::Text::ActionOffInSettings {
                action,
                source: other.describe().to_string(),
            },
        }))
    }

    /// The key under which this connection's session is kept in the token store: per
    /// alias for a saved connection (two orgs may share a login URL and client id).
    pub fn session_key(&self) -> String {
        if let Some(alias) = &self.alias {
            return format!("org:{alias}");
        }
        format!(
            "{}@{}",
            self.client_id.as_deref().unwrap_or("-"),
            self.login_url.as_str().trim_end_matches('/')
        )
    }
}

/// How the desktop app updates itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateMode {
    /// Download and install updates.
    Auto,
    /// Tell the user an update is there; install when they say so.
    #[default]
    Notify,
    /// Never ask for updates.
    Off,
}

impl UpdateMode {
    pub fn parse(text: &str) -> std::result::Result<UpdateMode, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(UpdateMode::Auto),
            "notify" => Ok(UpdateMode::Notify),
            "off" => Ok(UpdateMode::Off),
            _ => Err(format!(
                "updates is {text:?}; use \"auto\", \"notify\" or \"off\""
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UpdateMode::Auto => "auto",
            UpdateMode::Notify => "notify",
            UpdateMode::Off => "off",
        }
    }
}

/// An update address: https, or http to this machine (for tests).
fn parse_update_url(text: &str) -> Result<Url> {
    let url = Url::parse(text.trim()).map_err(|error| {
        Error::Config(format!(
            "update_url is {text:?}, not a web address ({error})"
        ))
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(Error::Config(format!(
            "update_url is {text:?}; it must be an https address"
        ))),
    }
}

/// Where a setting's value came from, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SettingSource {
    /// The policy's `[locked]` table: users cannot change it.
    Locked,
    /// A command-line flag.
    Flag,
    /// The saved org connection in use.
    SavedConnection,
    /// A `CALLSIDE_*` environment variable.
    Environment,
    /// The user's config file.
    ConfigFile,
    /// The policy's `[defaults]` table.
    AdminDefault,
    /// The system locale (the region).
    Locale,
    /// Callside's own default.
    Default,
}

impl SettingSource {
    /// "the environment", "your config file", ...
    pub fn describe(self) -> &'static str {
        match self {
            SettingSource::Locked => "locked by your administrator",
            SettingSource::Flag => "a command-line flag",
            SettingSource::SavedConnection => "the saved org connection",
            SettingSource::Environment => "the environment",
            SettingSource::ConfigFile => "your config file",
            SettingSource::AdminDefault => "your administrator's default",
            SettingSource::Locale => "the system locale",
            SettingSource::Default => "Callside's default",
        }
    }
}

/// The keys a layer sets (as in the config file), in name order.
pub(crate) fn present_keys(layer: &SettingsInput) -> Vec<String> {
    let mut keys: Vec<String> = match serde_json::to_value(layer) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(key, _)| key)
            .collect(),
        _ => Vec::new(),
    };
    keys.sort();
    keys
}

/// Each key's source: the first layer that sets it.
fn sources_of(
    layers: &[(SettingSource, &SettingsInput)],
) -> std::collections::BTreeMap<String, SettingSource> {
    let mut sources = std::collections::BTreeMap::new();
    for (source, layer) in layers {
        for key in present_keys(layer) {
            sources.entry(key).or_insert(*source);
        }
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn flags_win_over_environment_which_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(
            &file,
            "login_url = \"https://file.example.com\"\nclient_id = \"from-file\"\ncallback_port = 9000\nregion = \"DE\"\n",
        )
        .unwrap();
        let file_text = file.to_string_lossy().to_string();
        let lookup = env(&[
            ("CALLSIDE_CONFIG", &file_text),
            ("CALLSIDE_CLIENT_ID", "from-env"),
            ("CALLSIDE_CALLBACK_PORT", "9100"),
            ("CALLSIDE_DATA_DIR", "/tmp/callside-test"),
        ]);
        let flags = SettingsInput {
            callback_port: Some(9200),
            ..Default::default()
        };
        let settings = Settings::resolve_with(flags, lookup).unwrap();
        assert_eq!(settings.login_url.as_str(), "https://file.example.com/");
        assert_eq!(settings.client_id.as_deref(), Some("from-env"));
        assert_eq!(settings.callback_port, 9200);
        assert_eq!(settings.region, "DE");
        assert_eq!(settings.data_dir, PathBuf::from("/tmp/callside-test"));
    }

    #[test]
    fn the_region_falls_back_to_the_system_locale() {
        let lookup = env(&[
            ("LANG", "de_DE.UTF-8"),
            ("CALLSIDE_CONFIG", "/nonexistent/c.toml"),
            ("CALLSIDE_DATA_DIR", "/tmp/x"),
        ]);
        assert_eq!(
            Settings::resolve_with(SettingsInput::default(), lookup)
                .unwrap()
                .region,
            "DE"
        );
        let lookup = env(&[
            ("LANG", "C.UTF-8"),
            ("CALLSIDE_CONFIG", "/nonexistent/c.toml"),
            ("CALLSIDE_DATA_DIR", "/tmp/x"),
        ]);
        assert_eq!(
            Settings::resolve_with(SettingsInput::default(), lookup)
                .unwrap()
                .region,
            "US"
        );
        let lookup = env(&[
            ("LANG", "de_DE.UTF-8"),
            ("CALLSIDE_REGION", "GB"),
            ("CALLSIDE_CONFIG", "/nonexistent/c.toml"),
            ("CALLSIDE_DATA_DIR", "/tmp/x"),
        ]);
        assert_eq!(
            Settings::resolve_with(SettingsInput::default(), lookup)
                .unwrap()
                .region,
            "GB"
        );
    }

    #[test]
    fn the_match_order_comes_from_the_config_file_and_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "match_order = [\"Lead\", \"Contact\"]\n").unwrap();
        let file_text = file.to_string_lossy().to_string();
        let settings = Settings::resolve_with(
            SettingsInput::default(),
            env(&[
                ("CALLSIDE_CONFIG", &file_text),
                ("CALLSIDE_DATA_DIR", "/tmp/x"),
            ]),
        )
        .unwrap();
        assert_eq!(
            settings.match_order,
            vec![RecordType::Lead, RecordType::Contact]
        );
        std::fs::write(&file, "match_order = [\"Opportunity\"]\n").unwrap();
        let error = Settings::resolve_with(
            SettingsInput::default(),
            env(&[
                ("CALLSIDE_CONFIG", &file_text),
                ("CALLSIDE_DATA_DIR", "/tmp/x"),
            ]),
        )
        .unwrap_err();
        assert!(error.to_string().contains("Opportunity"), "{error}");
    }

    #[test]
    fn outcome_stages_and_the_field_mapping_come_from_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let file_text = file.to_string_lossy().to_string();
        let lookup = || {
            env(&[
                ("CALLSIDE_CONFIG", &file_text),
                ("CALLSIDE_DATA_DIR", "/tmp/x"),
            ])
        };
        std::fs::write(&file, "").unwrap();
        let defaults = Settings::resolve_with(SettingsInput::default(), lookup()).unwrap();
        assert_eq!(defaults.outcome_stages.len(), 8);
        assert_eq!(
            defaults.outcome_stages[3],
            (
                "Demo Scheduled".to_string(),
                "Value Proposition".to_string()
            )
        );
        assert_eq!(defaults.field_mapping, FieldMapping::default());

        std::fs::write(
            &file,
            "[outcome_stages]\n\"Demo Booked\" = \"Qualification\"\n\n[field_mapping]\nnext_action = \"Next_Steps__c\"\n",
        )
        .unwrap();
        let custom = Settings::resolve_with(SettingsInput::default(), lookup()).unwrap();
        assert_eq!(
            custom.outcome_stages,
            vec![("Demo Booked".to_string(), "Qualification".to_string())]
        );
        assert_eq!(custom.field_mapping.next_action, "Next_Steps__c");
        assert_eq!(custom.field_mapping.qualification_notes, "Description");

        std::fs::write(&file, "[field_mapping]\nnext_action = \"Next Steps\"\n").unwrap();
        let error = Settings::resolve_with(SettingsInput::default(), lookup()).unwrap_err();
        assert!(
            error.to_string().contains("field_mapping.next_action"),
            "{error}"
        );
        std::fs::write(&file, "[field_mapping]\nnotes = \"Description\"\n").unwrap();
        let error = Settings::resolve_with(SettingsInput::default(), lookup()).unwrap_err();
        assert!(error.to_string().contains("notes"), "{error}");
    }

    #[test]
    fn account_fields_come_from_the_config_file_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let file_text = file.to_string_lossy().to_string();
        let lookup = || {
            env(&[
                ("CALLSIDE_CONFIG", &file_text),
                ("CALLSIDE_DATA_DIR", "/tmp/x"),
            ])
        };
        std::fs::write(&file, "").unwrap();
        let none = Settings::resolve_with(SettingsInput::default(), lookup()).unwrap();
        assert!(none.account_fields.is_empty());
        std::fs::write(
            &file,
            "account_fields = [\"Last_Activity__c\", \" Health_Score__c \", \"health_score__c\"]\n",
        )
        .unwrap();
        let mapped = Settings::resolve_with(SettingsInput::default(), lookup()).unwrap();
        assert_eq!(
            mapped.account_fields,
            ["Last_Activity__c", "Health_Score__c"]
        );
        std::fs::write(&file, "account_fields = [\"Health Score\"]\n").unwrap();
        let error = Settings::resolve_with(SettingsInput::default(), lookup()).unwrap_err();
        assert!(
            error.to_string().contains("account_fields")
                && error.to_string().contains("Health Score"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_port_in_the_environment_is_named() {
        let error = Settings::resolve_with(
            SettingsInput::default(),
            env(&[
                ("CALLSIDE_CALLBACK_PORT", "http"),
                ("CALLSIDE_CONFIG", "/nonexistent/c.toml"),
            ]),
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("CALLSIDE_CALLBACK_PORT"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_key_in_the_config_file_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "login_ur = \"https://x\"\n").unwrap();
        let error = SettingsInput::from_file(&file).unwrap_err().to_string();
        assert!(
            error.contains("config.toml") && error.contains("login_ur"),
            "{error}"
        );
    }

    #[test]
    fn a_login_url_that_is_not_a_web_address_is_refused() {
        let error = Settings::from_layers(SettingsInput {
            login_url: Some("login.salesforce.com".into()),
            data_dir: Some("/tmp".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(error.to_string().contains("not a web address"), "{error}");
    }
}
