//! `callside doctor`: checks a machine's setup end to end and says what to fix.
//!
//! The checks, in order: the administrator's policy (none, applied, or invalid and
//! ignored), the settings (flags, environment, config file), the OS keychain (a probe
//! entry is written, read and deleted), the org (`GET <login URL>/services/data/`, which
//! needs no session), the sign-in callback port (bound and released), the stored session
//! (one `GET /limits` with it) and the org's API usage (`DailyApiRequests` from that
//! answer). Each gives `ok`, `warn`, `fail` or `skip` (it could not run because an earlier
//! check failed), a message, and for anything not ok what to do about it.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use callside_salesforce::{KeyringStore, Sensitive, StoredSession, TokenStore};

use crate::policy::{PolicyState, PolicyStatus, POLICY_VAR};
use crate::settings::{SettingSource, Settings};
use crate::Callside;

/// How a check went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    Warn,
    Fail,
    /// Not run: what it needs failed before.
    Skip,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
            CheckStatus::Skip => "skip",
        }
    }
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// `policy`, `settings`, `keychain`, `org`, `callback_port`, `signed_in`, `api_usage`,
    /// `api_health`.
    pub name: &'static str,
    pub status: CheckStatus,
    pub message: String,
    /// What to do, for anything not ok.
    pub fix: Option<String>,
}

impl Check {
    fn new(name: &'static str, status: CheckStatus, message: impl Into<String>) -> Check {
        Check {
            name,
            status,
            message: message.into(),
            fix: None,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

/// Every check, and whether none failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub ok: bool,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// What the checks may use.
pub struct Options {
    /// API usage at or above this share (percent) of the daily allocation is a warning;
    /// none: the `api_warning_percent` setting.
    pub api_warn_percent: Option<u8>,
    /// The longest the org may take to answer.
    pub timeout: Duration,
    /// Where sessions are kept (the OS keychain; tests may pass another).
    pub tokens: Option<(Arc<dyn TokenStore>, String)>,
    /// Whether the keychain check writes to the OS keychain.
    pub probe_keychain: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            api_warn_percent: None,
            timeout: Duration::from_secs(10),
            tokens: None,
            probe_keychain: true,
        }
    }
}

/// The key of the keychain check's entry (deleted again at once), one per run so that
/// two checks at once do not read each other's entry.
fn probe_key() -> String {
    format!("callside-doctor-probe-{}", uuid::Uuid::new_v4())
}

/// Runs every check. `settings` is what resolving them gave (an error is a failed
/// settings check); `policy` is the policy's status when the settings failed before it
/// could be shown.
pub async fn run(
    settings: crate::Result<Settings>,
    policy: PolicyStatus,
    options: Options,
) -> Report {
    let mut checks = Vec::new();
    let policy = match &settings {
        Ok(settings) => settings.policy.clone(),
        Err(_) => policy,
    };
    checks.push(policy_check(&policy));
    let settings = match settings {
        Ok(settings) => {
            checks.push(settings_check(&settings));
            Some(settings)
        }
        Err(error) => {
            checks.push(
                Check::new("settings", CheckStatus::Fail, error.to_string()).fix(
                    "Correct the setting named above (command-line flag, CALLSIDE_* environment variable or config file).",
                ),
            );
            None
        }
    };
    checks.push(if options.probe_keychain {
        keychain_check()
    } else {
        Check::new("keychain", CheckStatus::Skip, "not checked")
    });
    let Some(settings) = settings else {
        for name in [
            "org",
            "callback_port",
            "signed_in",
            "api_usage",
            "api_health",
        ] {
            checks.push(Check::new(
                name,
                CheckStatus::Skip,
                "not checked: the settings are wrong",
            ));
        }
        return report(checks);
    };
    checks.push(org_check(&settings, options.timeout).await);
    checks.push(port_check(&settings));
    checks.extend(session_checks(settings, &options).await);
    report(checks)
}

fn report(checks: Vec<Check>) -> Report {
    Report {
        ok: !checks.iter().any(|c| c.status == CheckStatus::Fail),
        checks,
    }
}

fn policy_check(policy: &PolicyStatus) -> Check {
    let path = policy.path.display();
    match policy.state {
        PolicyState::Absent if policy.from_environment => Check::new(
            "policy",
            CheckStatus::Warn,
            format!("{POLICY_VAR} names {path}, which does not exist: no policy applies"),
        )
        .fix(format!(
            "Correct {POLICY_VAR}, or unset it to use the system policy."
        )),
        PolicyState::Absent => Check::new(
            "policy",
            CheckStatus::Ok,
            format!("no policy file ({path} does not exist)"),
        ),
        PolicyState::Applied => {
            let mut parts = Vec::new();
            if !policy.locked_keys.is_empty() {
                parts.push(format!("locks {}", policy.locked_keys.join(", ")));
            }
            if !policy.default_keys.is_empty() {
                parts.push(format!("sets defaults for {}", policy.default_keys.join(", ")));
            }
            if parts.is_empty() {
                parts.push("sets nothing".into());
            }
            let from = if policy.from_environment {
                format!(" (named by {POLICY_VAR})")
            } else {
                String::new()
            };
            Check::new(
                "policy",
                CheckStatus::Ok,
                format!("{path}{from} applies: {}", parts.join("; ")),
            )
        }
        PolicyState::Invalid => Check::new(
            "policy",
            CheckStatus::Fail,
            format!(
                "{} (ignored: Callside runs with its own defaults)",
                policy.problem.as_deref().unwrap_or("invalid")
            ),
        )
        .fix(format!(
            "Correct {path} at the place named (the format is in the README's \"Managed settings\")."
        )),
    }
}

fn settings_check(settings: &Settings) -> Check {
    if !settings.overridden.is_empty() {
        return Check::new(
            "settings",
            CheckStatus::Warn,
            format!(
                "your administrator locked settings you also set, so yours are ignored: {}",
                settings.overridden.join(", ")
            ),
        )
        .fix("Remove them from where they are set; the policy's values apply.");
    }
    Check::new(
        "settings",
        CheckStatus::Ok,
        format!(
            "login server {}, data in {}",
            settings.login_url.as_str().trim_end_matches('/'),
            settings.data_dir.display()
        ),
    )
}

/// Writes, reads and deletes a probe entry in the OS keychain.
fn keychain_check() -> Check {
    let keychain = KeyringStore;
    let probe = StoredSession {
        access_token: Sensitive::new("probe".to_string()),
        refresh_token: None,
        instance_url: "https://probe.invalid".into(),
        identity_url: String::new(),
        user_id: String::new(),
        org_id: String::new(),
        user_name: String::new(),
        username: String::new(),
    };
    let probe_key = probe_key();
    let outcome = keychain
        .save(&probe_key, &probe)
        .and_then(|()| keychain.load(&probe_key))
        .and_then(|read| {
            keychain.delete(&probe_key)?;
            Ok(read)
        });
    let fix = if cfg!(target_os = "linux") {
        "Start a Secret Service (GNOME Keyring or KeePassXC) and unlock it; without one, a sign-in lasts only while Callside runs."
    } else {
        "Unlock the keychain; without it, a sign-in lasts only while Callside runs."
    };
    match outcome {
        Ok(Some(read)) if read.instance_url == probe.instance_url => Check::new(
            "keychain",
            CheckStatus::Ok,
            format!(
                "{}: a test entry was written, read and deleted",
                keychain.describe()
            ),
        ),
        Ok(_) => Check::new(
            "keychain",
            CheckStatus::Fail,
            format!(
                "{} did not give back the test entry it was given",
                keychain.describe()
            ),
        )
        .fix(fix),
        Err(error) => {
            let _ = keychain.delete(&probe_key);
            Check::new(
                "keychain",
                CheckStatus::Fail,
                format!("{} does not answer: {error}", keychain.describe()),
            )
            .fix(fix)
        }
    }
}

/// Who decides a setting, for the fixes: the administrator or the user.
fn who_sets(settings: &Settings, key: &str, own: &str) -> String {
    match settings.source(key) {
        SettingSource::Locked => format!(
            "your administrator sets {key} in {}",
            settings.policy.path.display()
        ),
        _ => own.to_string(),
    }
}

/// `GET <login URL>/services/data/`: the API versions, answered without a session.
async fn org_check(settings: &Settings, timeout: Duration) -> Check {
    let base = settings.login_url.as_str().trim_end_matches('/');
    let url = format!("{base}/services/data/");
    let fix = format!(
        "Check the network connection and proxy, and the login server ({}).",
        who_sets(
            settings,
            "login_url",
            "--login-url, CALLSIDE_LOGIN_URL or login_url in the config file"
        )
    );
    let client = match reqwest::Client::builder().timeout(timeout).build() {
        Ok(client) => client,
        Err(error) => {
            return Check::new("org", CheckStatus::Fail, format!("no HTTP client: {error}"))
        }
    };
    let response = match client.get(&url).send().await {
        Ok(response) => response,
        Err(error) => {
            let why = if error.is_timeout() {
                format!("no answer within {} seconds", timeout.as_secs())
            } else if error.is_connect() {
                "the connection failed".to_string()
            } else {
                "the request failed".to_string()
            };
            // The innermost cause says most ("Connection refused", "dns error: ...").
            let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(&error);
            while let Some(inner) = cause.and_then(|c| c.source()) {
                cause = Some(inner);
            }
            let detail = cause.map(|cause| format!(" ({cause})")).unwrap_or_default();
            return Check::new(
                "org",
                CheckStatus::Fail,
                format!("{base} cannot be reached: {why}{detail}"),
            )
            .fix(fix);
        }
    };
    let status = response.status();
    let versions: Option<Vec<serde_json::Value>> = response.json().await.ok();
    match versions {
        Some(versions) if status.is_success() => {
            let latest = versions
                .iter()
                .filter_map(|v| v.get("version").and_then(|v| v.as_str()))
                .filter_map(|v| v.parse::<f64>().ok().map(|n| (n, v.to_string())))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, v)| format!(" (API versions up to {v})"))
                .unwrap_or_default();
            Check::new("org", CheckStatus::Ok, format!("{base} answers{latest}"))
        }
        _ => Check::new(
            "org",
            CheckStatus::Fail,
            format!(
                "{base} answered {status} without Salesforce's list of API versions; is it a Salesforce login server?"
            ),
        )
        .fix(fix),
    }
}

/// Binds the callback port on 127.0.0.1, as the sign-in does, and lets it go.
fn port_check(settings: &Settings) -> Check {
    let port = settings.callback_port;
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => {
            drop(listener);
            Check::new(
                "callback_port",
                CheckStatus::Ok,
                format!("127.0.0.1:{port} is free for the sign-in redirect"),
            )
        }
        Err(error) => Check::new(
            "callback_port",
            CheckStatus::Fail,
            format!("127.0.0.1:{port} cannot be used for the sign-in redirect: {error}"),
        )
        .fix(format!(
            "Close the program that uses port {port}, or use another port ({}; the connected app's callback URL must name the same port).",
            who_sets(
                settings,
                "callback_port",
                "--callback-port, CALLSIDE_CALLBACK_PORT or callback_port in the config file"
            )
        )),
    }
}

/// The stored session (one `GET /limits` with it) and the org's API usage.
async fn session_checks(settings: Settings, options: &Options) -> Vec<Check> {
    let usage_skipped = |why: &str| {
        Check::new(
            "api_usage",
            CheckStatus::Skip,
            format!("not checked: {why}"),
        )
    };
    let login = "Sign in with `callside login` (or in the app).";
    let warn_percent = options
        .api_warn_percent
        .unwrap_or(settings.api_warning_percent);
    let opened = match &options.tokens {
        Some((tokens, note)) => Callside::open(settings, tokens.clone(), note.clone()),
        None => Callside::open_with_system_keychain(settings),
    };
    let callside = match opened {
        Ok(callside) => callside,
        Err(error) => {
            return vec![
                Check::new(
                    "signed_in",
                    CheckStatus::Fail,
                    format!("the stored session cannot be used: {error}"),
                )
                .fix(login),
                usage_skipped("not signed in"),
            ]
        }
    };
    let status = callside.status().await;
    if !status.signed_in {
        return vec![
            Check::new(
                "signed_in",
                CheckStatus::Fail,
                format!(
                    "not signed in to {}",
                    status.login_url.trim_end_matches('/')
                ),
            )
            .fix(login),
            usage_skipped("not signed in"),
        ];
    }
    let who = format!(
        "{} on {}",
        status.username.clone().unwrap_or_default(),
        status.instance_url.clone().unwrap_or_default()
    );
    let usage = match callside.daily_api_requests().await {
        Ok(usage) => usage,
        Err(crate::Error::Salesforce(error))
            if error.kind() == callside_salesforce::ErrorKind::LimitExceeded =>
        {
            let used = match callside.api_usage().await {
                Some((used, max)) => format!(" ({used} of {max} daily API requests used)"),
                None => String::new(),
            };
            return vec![
                Check::new(
                    "signed_in",
                    CheckStatus::Ok,
                    format!("signed in as {who}"),
                ),
                Check::new(
                    "api_usage",
                    CheckStatus::Fail,
                    format!("the org refuses API requests: {error}{used}"),
                )
                .fix(
                    "Salesforce refuses API requests until the 24-hour usage falls; ask your Salesforce administrator which integration uses them.",
                ),
            ];
        }
        Err(error) => {
            use crate::ErrorCode;
            let (status, fix) = match error.code() {
                ErrorCode::Offline => (
                    CheckStatus::Warn,
                    "Check the network connection; the session is checked once the org answers.",
                ),
                ErrorCode::NotSignedIn | ErrorCode::SessionExpired => (CheckStatus::Fail, login),
                _ => (CheckStatus::Fail, login),
            };
            return vec![
                Check::new(
                    "signed_in",
                    status,
                    format!("signed in as {who}, but the session does not work: {error}"),
                )
                .fix(fix),
                usage_skipped("the session does not work"),
            ];
        }
    };
    let signed_in = Check::new(
        "signed_in",
        CheckStatus::Ok,
        format!("signed in as {who}; the session works"),
    );
    let usage = match usage {
        None => Check::new(
            "api_usage",
            CheckStatus::Warn,
            "the org did not report DailyApiRequests",
        ),
        Some((used, max)) => usage_check(used, max, warn_percent),
    };
    let health = match callside.api_health().await {
        Ok(health) => health_check(&health.last_hour),
        Err(error) => Check::new(
            "api_health",
            CheckStatus::Skip,
            format!("not checked: {error}"),
        ),
    };
    vec![signed_in, usage, health]
}

/// This machine's requests to Salesforce in the last hour, per endpoint family: a
/// family whose requests failed more often than one in five is a warning.
pub fn health_check(last_hour: &[crate::metrics::FamilyFigures]) -> Check {
    let busy: Vec<_> = last_hour.iter().filter(|f| f.requests > 0).collect();
    if busy.is_empty() {
        return Check::new(
            "api_health",
            CheckStatus::Ok,
            "no requests from this machine in the last hour",
        );
    }
    let line = busy
        .iter()
        .map(|f| {
            let p95 = f
                .p95_ms
                .map(|ms| format!(", p95 {ms} ms"))
                .unwrap_or_default();
            let errors = match f.error_codes.first() {
                Some(top) if f.errors > 0 => format!(", {} failed ({})", f.errors, top.code),
                _ if f.errors > 0 => format!(", {} failed", f.errors),
                _ => String::new(),
            };
            format!("{} {}{p95}{errors}", f.family, f.requests)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let message = format!("last hour: {line}");
    if busy.iter().any(|f| f.error_rate > 0.2) {
        Check::new("api_health", CheckStatus::Warn, message).fix(
            "Many requests failed in the last hour; `callside stats --api` shows the error codes.",
        )
    } else {
        Check::new("api_health", CheckStatus::Ok, message)
    }
}

/// Today's API requests against the allocation.
pub fn usage_check(used: u64, max: u64, warn_percent: u8) -> Check {
    let percent = used.saturating_mul(100).checked_div(max).unwrap_or(100);
    let message = format!("{used} of {max} daily API requests used ({percent}%)");
    if used >= max {
        Check::new("api_usage", CheckStatus::Fail, message).fix(
            "Salesforce refuses API requests until the 24-hour usage falls; ask your Salesforce administrator which integration uses them.",
        )
    } else if percent >= u64::from(warn_percent) {
        Check::new("api_usage", CheckStatus::Warn, message).fix(
            "The org is close to its daily limit; ask your Salesforce administrator which integration uses the requests.",
        )
    } else {
        Check::new("api_usage", CheckStatus::Ok, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_health_names_each_family_and_warns_on_many_failures() {
        use crate::metrics::{ErrorCodeCount, FamilyFigures};
        let family = |name: &str, requests, errors| FamilyFigures {
            family: name.into(),
            requests,
            p50_ms: Some(80),
            p95_ms: Some(240),
            errors,
            error_rate: f64::from(errors) / f64::from(requests.max(1)),
            error_codes: if errors > 0 {
                vec![ErrorCodeCount {
                    code: "SERVER_UNAVAILABLE".into(),
                    requests: errors,
                }]
            } else {
                Vec::new()
            },
        };
        let calm = health_check(&[family("search", 10, 0), family("composite", 0, 0)]);
        assert_eq!(calm.status, CheckStatus::Ok);
        assert_eq!(calm.message, "last hour: search 10, p95 240 ms");
        let failing = health_check(&[family("query", 10, 4)]);
        assert_eq!(failing.status, CheckStatus::Warn);
        assert!(
            failing.message.contains("4 failed (SERVER_UNAVAILABLE)"),
            "{}",
            failing.message
        );
        assert_eq!(health_check(&[]).status, CheckStatus::Ok);
    }

    #[test]
    fn api_usage_warns_near_the_limit_and_fails_at_it() {
        assert_eq!(usage_check(10, 15_000, 80).status, CheckStatus::Ok);
        let near = usage_check(12_000, 15_000, 80);
        assert_eq!(near.status, CheckStatus::Warn);
        assert_eq!(near.message, "12000 of 15000 daily API requests used (80%)");
        assert!(near.fix.is_some());
        assert_eq!(usage_check(15_000, 15_000, 80).status, CheckStatus::Fail);
        assert_eq!(usage_check(0, 0, 80).status, CheckStatus::Fail);
    }

    #[test]
    fn the_policy_check_tells_none_applied_and_invalid_apart() {
        let mut policy = PolicyStatus {
            path: "/etc/callside/policy.toml".into(),
            ..PolicyStatus::none()
        };
        let none = policy_check(&policy);
        assert_eq!(none.status, CheckStatus::Ok);
        assert_eq!(
            none.message,
            "no policy file (/etc/callside/policy.toml does not exist)"
        );

        policy.from_environment = true;
        assert_eq!(policy_check(&policy).status, CheckStatus::Warn);

        policy.from_environment = false;
        policy.state = PolicyState::Applied;
        policy.locked_keys = vec!["login_url".into(), "cache_enabled".into()];
        policy.default_keys = vec!["region".into()];
        let applied = policy_check(&policy);
        assert_eq!(
            applied.message,
            "/etc/callside/policy.toml applies: locks login_url, cache_enabled; sets defaults for region"
        );

        policy.state = PolicyState::Invalid;
        policy.problem = Some("/etc/callside/policy.toml:3:1: unknown field `x`".into());
        let invalid = policy_check(&policy);
        assert_eq!(invalid.status, CheckStatus::Fail);
        assert!(invalid
            .message
            .starts_with("/etc/callside/policy.toml:3:1: unknown field `x` (ignored"));
        assert!(invalid.fix.unwrap().contains("/etc/callside/policy.toml"));
    }
}
