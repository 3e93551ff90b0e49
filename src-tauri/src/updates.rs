//! In-app updates through the Tauri updater plugin. The app asks an update address for a
//! manifest (`{"version", "platforms": {"linux-x86_64-deb": {"url", "signature"}, ...}}`),
//! downloads the package it announces, and installs it only when the package's minisign
//! signature matches the public key built into the app (`plugins.updater.pubkey` in
//! `tauri.conf.json`) and was made for the announced version.
//!
//! The settings `updates` (`auto`, `notify`, `off`) and `update_url` come from the config
//! file or the administrator's policy; a locked `updates = "off"` turns updates off
//! entirely. Without `update_url` the address built into the app is used
//! (`plugins.updater.endpoints`, set by whoever builds the installers); without either,
//! nothing is checked.

use std::time::Duration;

use callside_core::settings::UpdateMode;
use callside_core::Settings;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use url::Url;

/// How long the app waits after its start before the first check, and between checks.
const FIRST_CHECK_AFTER: Duration = Duration::from_secs(30);
const CHECK_EVERY: Duration = Duration::from_secs(6 * 60 * 60);
/// Time limits for asking for the manifest and for downloading the package.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The update settings of this start of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateSettings {
    pub mode: UpdateMode,
    /// The manifest address; none: the one built into the app, if any. It may contain
    /// `{{target}}`, `{{arch}}`, `{{current_version}}` and `{{bundle_type}}`.
    pub url: Option<Url>,
}

impl UpdateSettings {
    pub fn from_settings(settings: &Settings) -> UpdateSettings {
        UpdateSettings {
            mode: settings.updates,
            url: settings.update_url.clone(),
        }
    }
}

/// What the app does about updates, or why it does nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpdatePlan {
    Off(String),
    /// Check `url` (none: the built-in address); install (`auto`) or announce (`notify`).
    Check {
        mode: UpdateMode,
        url: Option<Url>,
    },
}

/// Decides from the settings (none when they could not be read) and whether the app was
/// built with an update address.
pub fn plan(settings: Option<&UpdateSettings>, built_in_address: bool) -> UpdatePlan {
    let Some(settings) = settings else {
        return UpdatePlan::Off("the settings could not be read".into());
    };
    match settings.mode {
        UpdateMode::Off => UpdatePlan::Off("updates = \"off\"".into()),
        mode if settings.url.is_some() || built_in_address => UpdatePlan::Check {
            mode,
            url: settings.url.clone(),
        },
        _ => UpdatePlan::Off("no update address is set (update_url)".into()),
    }
}

/// The updater plugin. Its settings (the public key) come from `plugins.updater` in
/// `tauri.conf.json`; the address is given with each check.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
    tauri_plugin_updater::Builder::new().build()
}

/// An update whose package was downloaded and whose signature was verified.
pub struct VerifiedUpdate {
    pub update: Update,
    pub package: Vec<u8>,
}

impl VerifiedUpdate {
    pub fn version(&self) -> &str {
        &self.update.version
    }
}

/// Why an update was not fetched, in words for the log.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("the update's signature does not match this app's update key, so it was refused")]
    BadSignature,
    #[error("the update was signed for version {signed}, but the manifest announces {announced}, so it was refused")]
    VersionMismatch { signed: String, announced: String },
    #[error("the update's signature does not name the version it was made for, so it was refused")]
    UnversionedSignature,
    #[error("the update manifest has no package for this system ({0})")]
    NoPackageForThisSystem(String),
    #[error("the update manifest could not be read: {0}")]
    BadManifest(String),
    #[error("the update server could not be reached or answered with an error: {0}")]
    Network(String),
    #[error("the update could not be installed: {0}")]
    Install(String),
    #[error("the updater could not start: {0}")]
    Setup(String),
}

impl From<tauri_plugin_updater::Error> for UpdateError {
    fn from(error: tauri_plugin_updater::Error) -> Self {
        use tauri_plugin_updater::Error as E;
        match error {
            E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => UpdateError::BadSignature,
            E::SignedVersionMismatch { signed, announced } => {
                UpdateError::VersionMismatch { signed, announced }
            }
            E::MissingSignedVersion => UpdateError::UnversionedSignature,
            E::TargetNotFound(target) => UpdateError::NoPackageForThisSystem(target),
            E::TargetsNotFound(targets) => UpdateError::NoPackageForThisSystem(targets.join(", ")),
            E::Serialization(error) => UpdateError::BadManifest(error.to_string()),
            E::Semver(error) => UpdateError::BadManifest(error.to_string()),
            E::ReleaseNotFound => UpdateError::BadManifest("no release in the answer".into()),
            // reqwest's messages name the URL; the address is in the settings already.
            E::Reqwest(error) => UpdateError::Network(error.without_url().to_string()),
            E::Network(message) => UpdateError::Network(message),
            E::InsecureTransportProtocol => {
                UpdateError::Setup("the update address must use https".into())
            }
            error @ (E::InvalidUpdaterFormat
            | E::PackageInstallFailed
            | E::DebInstallFailed
            | E::AuthenticationFailed
            | E::TempDirNotFound
            | E::Io(_)) => UpdateError::Install(error.to_string()),
            other => UpdateError::Setup(other.to_string()),
        }
    }
}

/// Asks `url` (none: the address built into the app) for a newer version and, if there is
/// one, downloads its package and verifies the package's signature. `Ok(None)`: this
/// version is the newest.
pub async fn fetch_update<R: Runtime>(
    app: &AppHandle<R>,
    url: Option<Url>,
) -> Result<Option<VerifiedUpdate>, UpdateError> {
    let mut builder = app.updater_builder().timeout(CHECK_TIMEOUT);
    if let Some(url) = url {
        builder = builder.endpoints(vec![url])?;
    }
    let Some(mut update) = builder.build()?.check().await? else {
        return Ok(None);
    };
    update.timeout = Some(DOWNLOAD_TIMEOUT);
    // `download` verifies the signature before it hands the bytes out.
    let package = update.download(|_, _| {}, || {}).await?;
    Ok(Some(VerifiedUpdate { update, package }))
}

/// Whether the app was built with an update address (`plugins.updater.endpoints`).
fn has_built_in_address<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.updater_builder().build().is_ok()
}

/// What the `update-ready` event tells the window.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateReady {
    pub version: String,
    pub notes: Option<String>,
}

/// A verified update waiting for the user's word (`updates = "notify"`).
#[derive(Default)]
pub struct PendingUpdate(std::sync::Mutex<Option<VerifiedUpdate>>);

/// Installs the update that is waiting, if any, and returns its version.
pub fn install_pending<R: Runtime>(app: &AppHandle<R>) -> Result<Option<String>, UpdateError> {
    let Some(pending) = app.try_state::<PendingUpdate>() else {
        return Ok(None);
    };
    let waiting = pending.0.lock().unwrap_or_else(|e| e.into_inner()).take();
    let Some(verified) = waiting else {
        return Ok(None);
    };
    verified.update.install(&verified.package)?;
    Ok(Some(verified.version().to_string()))
}

/// Checks for updates in the background for as long as the app runs: shortly after the
/// start, then every few hours. With `updates = "auto"` a verified update is installed
/// (on Linux through the package manager, which asks for an administrator's password; on
/// Windows the installer restarts Callside) and used from the next start. With
/// `"notify"` it waits in [`PendingUpdate`] and the window gets an `update-ready` event.
pub fn start<R: Runtime>(app: &AppHandle<R>, settings: Option<UpdateSettings>) {
    let (mode, url) = match plan(settings.as_ref(), has_built_in_address(app)) {
        UpdatePlan::Check { mode, url } => (mode, url),
        UpdatePlan::Off(reason) => {
            tracing::info!("updates are off: {reason}");
            return;
        }
    };
    app.manage(PendingUpdate::default());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_CHECK_AFTER).await;
        loop {
            match fetch_update(&app, url.clone()).await {
                Ok(None) => tracing::info!("Callside is up to date"),
                Ok(Some(verified)) if mode == UpdateMode::Auto => {
                    match verified.update.install(&verified.package) {
                        Ok(()) => {
                            tracing::warn!(
                                "Callside {} was installed and starts with the next launch",
                                verified.version()
                            );
                            return;
                        }
                        Err(error) => tracing::warn!("{}", UpdateError::from(error)),
                    }
                }
                Ok(Some(verified)) => {
                    tracing::warn!("Callside {} is ready to install", verified.version());
                    let ready = UpdateReady {
                        version: verified.version().to_string(),
                        notes: verified.update.body.clone(),
                    };
                    *app.state::<PendingUpdate>()
                        .0
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) = Some(verified);
                    if let Err(error) = app.emit("update-ready", ready) {
                        tracing::warn!("the window was not told about the update: {error}");
                    }
                }
                Err(error) => tracing::warn!("no update: {error}"),
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(mode: UpdateMode, url: Option<&str>) -> UpdateSettings {
        UpdateSettings {
            mode,
            url: url.map(|u| Url::parse(u).unwrap()),
        }
    }

    #[test]
    fn off_in_the_settings_means_no_check_even_with_an_address() {
        let off = settings(
            UpdateMode::Off,
            Some("https://updates.example.com/latest.json"),
        );
        assert_eq!(
            plan(Some(&off), true),
            UpdatePlan::Off("updates = \"off\"".into())
        );
    }

    #[test]
    fn without_any_address_nothing_is_checked() {
        for mode in [UpdateMode::Auto, UpdateMode::Notify] {
            assert_eq!(
                plan(Some(&settings(mode, None)), false),
                UpdatePlan::Off("no update address is set (update_url)".into())
            );
        }
        assert!(matches!(plan(None, true), UpdatePlan::Off(_)));
    }

    #[test]
    fn the_address_from_the_settings_or_the_built_in_one_is_checked() {
        let url = "https://updates.example.com/callside/{{target}}/{{current_version}}";
        assert_eq!(
            plan(Some(&settings(UpdateMode::Auto, Some(url))), false),
            UpdatePlan::Check {
                mode: UpdateMode::Auto,
                url: Some(Url::parse(url).unwrap())
            }
        );
        assert_eq!(
            plan(Some(&settings(UpdateMode::Notify, None)), true),
            UpdatePlan::Check {
                mode: UpdateMode::Notify,
                url: None
            }
        );
    }
}
