//! Signing in from the window with a choice of org: production, sandbox, a custom domain
//! (My Domain), or the built-in demo org. Each becomes a saved org connection (an alias,
//! as `callside login --alias` makes), so the next start and `callside orgs` know it.
//! Signing in to another org opens a core for it and puts it in place.

use std::sync::Arc;

use callside_core::settings::SettingSource;
use callside_core::{
    Callside, ErrorCode, OrgConnection, SessionStatus, Settings, SettingsInput, Text,
};
use tauri::State;
use url::Url;

use crate::app_state::AppState;
use crate::commands::core;
use crate::ipc::{IpcError, OrgChoice, OrgKind, OrgOptions};

pub const PRODUCTION_URL: &str = "https://login.salesforce.com";
pub const SANDBOX_URL: &str = "https://test.salesforce.com";
/// Where `scripts/demo` runs the demo org.
pub const DEMO_URL: &str = "http://127.0.0.1:7718";
/// The consumer key the demo org accepts.
pub const DEMO_CLIENT_ID: &str = "CallsideDemoConsumerKey";

fn invalid(text: Text) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, text)
}

/// A custom domain as typed: `https://acme.my.salesforce.com`, or just the host. Any
/// https host is taken (a My Domain, a test org); plain http only on this computer (the
/// demo org). No path, query or credentials.
pub fn custom_login_url(typed: &str) -> Result<String, IpcError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(invalid(Text::EnterMyDomain));
    }
    if typed.len() > 255 {
        return Err(invalid(Text::AddressTooLong));
    }
    let with_scheme = if typed.contains("://") {
        typed.to_string()
    } else {
        format!("https://{typed}")
    };
    let not_an_address = || {
        invalid(Text::NotAWebAddress {
            input: callside_core::text::quoted(typed),
        })
    };
    let url = Url::parse(&with_scheme).map_err(|_| not_an_address())?;
    let host = url.host_str().ok_or_else(not_an_address)?.to_string();
    let local = matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        "http" => return Err(invalid(Text::UseHttps { host })),
        _ => return Err(not_an_address()),
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid(Text::AddressWithoutPath { host }));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// The login URL and alias of a choice; the alias defaults to the kind (or the custom
/// domain's first name).
pub fn resolve_choice(choice: &OrgChoice) -> Result<(String, String), IpcError> {
    let login_url = match choice.kind {
        OrgKind::Production => PRODUCTION_URL.to_string(),
        OrgKind::Sandbox => SANDBOX_URL.to_string(),
        OrgKind::Demo => DEMO_URL.to_string(),
        OrgKind::Custom => custom_login_url(choice.url.as_deref().unwrap_or_default())?,
    };
    let alias = match choice
        .alias
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(alias) => alias.to_string(),
        None => default_alias(choice.kind, &login_url),
    };
    callside_core::connections::check_alias(&alias).map_err(IpcError::from)?;
    Ok((login_url, alias))
}

fn default_alias(kind: OrgKind, login_url: &str) -> String {
    match kind {
        OrgKind::Production => "production".into(),
        OrgKind::Sandbox => "sandbox".into(),
        OrgKind::Demo => "demo".into(),
        OrgKind::Custom => {
            let url = Url::parse(login_url).ok();
            let host = url.as_ref().and_then(Url::host_str).unwrap_or("custom");
            let name = if host.parse::<std::net::IpAddr>().is_ok() || host == "localhost" {
                match url.as_ref().and_then(Url::port) {
                    Some(port) => format!("{host}-{port}"),
                    None => host.to_string(),
                }
            } else {
                host.split('.').next().unwrap_or("custom").to_string()
            };
            let name: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '-'
                    }
                })
                .take(64)
                .collect();
            if name.is_empty() {
                "custom".into()
            } else {
                name
            }
        }
    }
}

/// Opens a core for a saved (or about to be saved) connection.
async fn open_core(input: SettingsInput) -> Result<Callside, IpcError> {
    tauri::async_runtime::spawn_blocking(move || {
        Settings::resolve(input).and_then(Callside::open_with_system_keychain)
    })
    .await
    .map_err(|error| {
        IpcError::new(
            ErrorCode::Internal,
            Text::OrgNotOpened {
                detail: error.to_string(),
            },
        )
    })?
    .map_err(IpcError::from)
}

/// The login server the administrator's policy locks, if it does.
pub fn locked_login_url(settings: &Settings) -> Option<String> {
    (settings.source("login_url") == SettingSource::Locked).then(|| {
        settings
            .login_url
            .as_str()
            .trim_end_matches('/')
            .to_string()
    })
}

/// Refuses another org than the one the policy locks (the core would sign in to the
/// locked one anyway; saying so is clearer than going elsewhere than chosen).
fn check_not_locked_out(settings: &Settings, login_url: &str) -> Result<(), IpcError> {
    match locked_login_url(settings) {
        Some(locked) if locked != login_url.trim_end_matches('/') => {
            Err(invalid(Text::OrgLockedByAdministrator { url: locked }))
        }
        _ => Ok(()),
    }
}

/// The saved org connections and what the current one is, for the sign-in view. With a
/// login server locked by policy, only the connections to it are offered.
#[tauri::command]
pub async fn org_options(state: State<'_, AppState>) -> Result<OrgOptions, IpcError> {
    let callside = core(&state)?;
    let settings = callside.settings();
    let locked = locked_login_url(settings);
    let saved: Vec<OrgConnection> = callside
        .orgs()?
        .into_iter()
        .filter(|org| {
            locked
                .as_deref()
                .is_none_or(|url| org.login_url.trim_end_matches('/') == url)
        })
        .collect();
    Ok(OrgOptions {
        saved,
        current_login_url: settings
            .login_url
            .as_str()
            .trim_end_matches('/')
            .to_string(),
        current_alias: settings.alias.clone(),
        locked_login_url: locked,
        production_url: PRODUCTION_URL.into(),
        sandbox_url: SANDBOX_URL.into(),
        demo_url: DEMO_URL.into(),
    })
}

/// Signs in to the chosen org through the system browser, saving it as a connection
/// (unless it is the org in use, chosen without a name). An org whose session is still
/// stored signs in without the browser. The org in use before stays in use when this
/// fails.
#[tauri::command]
pub async fn sign_in_to(
    state: State<'_, AppState>,
    choice: OrgChoice,
) -> Result<SessionStatus, IpcError> {
    let (login_url, alias) = resolve_choice(&choice)?;
    // The org in use, chosen without a new name, signs in as it is (as `callside login`
    // does): its session stays where other instances and the command line find it.
    let current = core(&state)?;
    check_not_locked_out(current.settings(), &login_url)?;
    let unnamed = choice.alias.as_deref().is_none_or(|a| a.trim().is_empty());
    if unnamed && current.settings().login_url.as_str().trim_end_matches('/') == login_url {
        return Ok(current.sign_in().await?);
    }
    let callside = open_core(SettingsInput {
        login_url: Some(login_url),
        alias: Some(alias),
        client_id: (choice.kind == OrgKind::Demo).then(|| DEMO_CLIENT_ID.to_string()),
        ..SettingsInput::default()
    })
    .await?;
    let status = callside.status().await;
    let status = if status.signed_in {
        status
    } else {
        callside.sign_in().await?
    };
    state.replace(Arc::new(callside));
    Ok(status)
}

/// Switches to a saved connection: signed in at once while its session is stored.
#[tauri::command]
pub async fn use_org(state: State<'_, AppState>, alias: String) -> Result<SessionStatus, IpcError> {
    let current = core(&state)?;
    if let Some(saved) = current.orgs()?.into_iter().find(|org| org.alias == alias) {
        check_not_locked_out(current.settings(), &saved.login_url)?;
    }
    current.use_org(&alias)?;
    let callside = open_core(SettingsInput {
        alias: Some(alias),
        ..SettingsInput::default()
    })
    .await?;
    let status = callside.status().await;
    state.replace(Arc::new(callside));
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(kind: OrgKind, url: Option<&str>, alias: Option<&str>) -> OrgChoice {
        OrgChoice {
            kind,
            url: url.map(str::to_string),
            alias: alias.map(str::to_string),
        }
    }

    #[test]
    fn custom_domains_are_checked() {
        assert_eq!(
            custom_login_url("https://acme.my.salesforce.com/").unwrap(),
            "https://acme.my.salesforce.com"
        );
        assert_eq!(
            custom_login_url(" acme--uat.sandbox.my.salesforce.com ").unwrap(),
            "https://acme--uat.sandbox.my.salesforce.com"
        );
        assert_eq!(
            custom_login_url("http://127.0.0.1:7718").unwrap(),
            "http://127.0.0.1:7718"
        );
        assert_eq!(
            custom_login_url("https://org.example.test").unwrap(),
            "https://org.example.test"
        );
        for (typed, says) in [
            ("", "My Domain"),
            (
                "http://acme.my.salesforce.com",
                "https://acme.my.salesforce.com",
            ),
            ("ftp://acme.my.salesforce.com", "not a web address"),
            ("https://acme.my.salesforce.com/home?x=1", "without a path"),
            ("https://user:pw@acme.my.salesforce.com", "without a path"),
            ("https://", "not a web address"),
            ("javascript:alert(1)", "not a web address"),
        ] {
            let error = custom_login_url(typed).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput);
            assert!(error.message.contains(says), "{typed}: {}", error.message);
        }
    }

    #[test]
    fn a_login_server_locked_by_policy_is_the_only_one_offered() {
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("policy.toml");
        std::fs::write(&policy, "[locked]\nmy_domain = \"acme\"\n").unwrap();
        let (policy, config) = (
            policy.to_string_lossy().to_string(),
            dir.path().join("none.toml").to_string_lossy().to_string(),
        );
        let settings = Settings::resolve_with(
            SettingsInput {
                login_url: Some(SANDBOX_URL.into()),
                data_dir: Some(dir.path().to_path_buf()),
                ..SettingsInput::default()
            },
            |name| match name {
                "CALLSIDE_POLICY" => Some(policy.clone()),
                "CALLSIDE_CONFIG" => Some(config.clone()),
                _ => None,
            },
        )
        .unwrap();
        assert_eq!(
            locked_login_url(&settings).as_deref(),
            Some("https://acme.my.salesforce.com")
        );
        assert!(check_not_locked_out(&settings, "https://acme.my.salesforce.com/").is_ok());
        let refused = check_not_locked_out(&settings, SANDBOX_URL).unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidInput);
        assert!(
            refused.message.contains("https://acme.my.salesforce.com"),
            "{}",
            refused.message
        );

        let unlocked = Settings::from_layers(SettingsInput {
            login_url: Some(SANDBOX_URL.into()),
            data_dir: Some(dir.path().to_path_buf()),
            ..SettingsInput::default()
        })
        .unwrap();
        assert_eq!(locked_login_url(&unlocked), None);
        assert!(check_not_locked_out(&unlocked, PRODUCTION_URL).is_ok());
    }

    #[test]
    fn each_choice_has_its_login_url_and_alias() {
        assert_eq!(
            resolve_choice(&choice(OrgKind::Production, None, None)).unwrap(),
            (PRODUCTION_URL.into(), "production".into())
        );
        assert_eq!(
            resolve_choice(&choice(OrgKind::Sandbox, Some("ignored"), Some("acme-uat"))).unwrap(),
            (SANDBOX_URL.into(), "acme-uat".into())
        );
        assert_eq!(
            resolve_choice(&choice(OrgKind::Demo, None, None)).unwrap(),
            (DEMO_URL.into(), "demo".into())
        );
        assert_eq!(
            resolve_choice(&choice(
                OrgKind::Custom,
                Some("acme.my.salesforce.com"),
                None
            ))
            .unwrap(),
            ("https://acme.my.salesforce.com".into(), "acme".into())
        );
        assert_eq!(
            resolve_choice(&choice(
                OrgKind::Custom,
                Some("http://127.0.0.1:54321"),
                Some(" ")
            ))
            .unwrap(),
            ("http://127.0.0.1:54321".into(), "127.0.0.1-54321".into())
        );
        let bad_alias =
            resolve_choice(&choice(OrgKind::Production, None, Some("../x"))).unwrap_err();
        assert_eq!(bad_alias.code, ErrorCode::InvalidInput);
        assert!(resolve_choice(&choice(OrgKind::Custom, None, None)).is_err());
    }
}
