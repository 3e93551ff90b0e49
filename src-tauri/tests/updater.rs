//! Updates as the app fetches them: a manifest and a package served over real HTTP on
//! 127.0.0.1, checked and downloaded through the Tauri updater plugin with the plugin
//! settings of `tauri.conf.json`. Each test signs with a key pair of its own, the way
//! `cargo tauri build` and `cargo tauri signer sign` do (minisign, the version in the
//! trusted comment).

use std::io::Cursor;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use callside_app::updates::{self, UpdateError};
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};

const PACKAGE_NAME: &str = "Callside_next_amd64.deb";

/// A throwaway signing key.
struct Signer {
    keys: minisign::KeyPair,
}

impl Signer {
    fn new() -> Signer {
        Signer {
            keys: minisign::KeyPair::generate_unencrypted_keypair().unwrap(),
        }
    }

    /// The public key as `plugins.updater.pubkey` holds it (`cargo tauri signer generate`
    /// prints the same form): the minisign public key file, base64-encoded.
    fn pubkey(&self) -> String {
        BASE64.encode(self.keys.pk.to_box().unwrap().into_string())
    }

    /// The signature as the `.sig` file next to a bundle holds it.
    fn sign(&self, package: &[u8], version: Option<&str>) -> String {
        let mut trusted = format!("timestamp:1767225600\tfile:{PACKAGE_NAME}");
        if let Some(version) = version {
            trusted.push_str(&format!("\tversion:{version}"));
        }
        let signature = minisign::sign(
            Some(&self.keys.pk),
            &self.keys.sk,
            Cursor::new(package),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )
        .unwrap();
        BASE64.encode(signature.into_string())
    }
}

/// The update server: one manifest, one package, and the paths it was asked for.
#[derive(Clone, Default)]
struct Served {
    manifest: Arc<Mutex<Value>>,
    package: Arc<Mutex<Vec<u8>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

struct UpdateServer {
    address: SocketAddr,
    served: Served,
}

impl UpdateServer {
    async fn start() -> UpdateServer {
        async fn manifest(State(served): State<Served>) -> impl IntoResponse {
            served.requests.lock().unwrap().push("/latest.json".into());
            axum::Json(served.manifest.lock().unwrap().clone())
        }
        async fn package(State(served): State<Served>) -> impl IntoResponse {
            served
                .requests
                .lock()
                .unwrap()
                .push(format!("/download/{PACKAGE_NAME}"));
            let body = served.package.lock().unwrap().clone();
            (
                StatusCode::OK,
                [(
                    header::CONTENT_TYPE,
                    "application/vnd.debian.binary-package",
                )],
                body,
            )
        }
        let served = Served::default();
        let router = Router::new()
            .route("/latest.json", get(manifest))
            .route(&format!("/download/{PACKAGE_NAME}"), get(package))
            .with_state(served.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        UpdateServer { address, served }
    }

    fn manifest_url(&self) -> url::Url {
        format!("http://{}/latest.json", self.address)
            .parse()
            .unwrap()
    }

    /// Serves `version` with `package` and `signature` under this system's target names.
    fn publish(&self, version: &str, package: &[u8], signature: &str) {
        let entry = json!({
            "url": format!("http://{}/download/{PACKAGE_NAME}", self.address),
            "signature": signature,
        });
        *self.served.manifest.lock().unwrap() = json!({
            "version": version,
            "notes": "Faster pops",
            "pub_date": "2026-01-01T00:00:00Z",
            "platforms": {
                target(): entry.clone(),
                format!("{}-deb", target()): entry,
            },
        });
        *self.served.package.lock().unwrap() = package.to_vec();
    }

    fn requests(&self) -> Vec<String> {
        self.served.requests.lock().unwrap().clone()
    }
}

/// The updater's name for this system (`linux-x86_64`, `darwin-aarch64`, ...).
fn target() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{os}-{}", std::env::consts::ARCH)
}

/// The next minor version after this build's.
fn next_version() -> String {
    let mut parts = env!("CARGO_PKG_VERSION").split('.');
    let major: u64 = parts.next().unwrap().parse().unwrap();
    let minor: u64 = parts.next().unwrap().parse().unwrap();
    format!("{major}.{}.0", minor + 1)
}

/// The `plugins.updater` section of the app's `tauri.conf.json`.
fn shipped_updater_config() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json");
    let config: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    config["plugins"]["updater"].clone()
}

/// The app with the updater plugin as `lib.rs` registers it, with the shipped updater
/// settings and this test's public key.
fn app_trusting(pubkey: &str) -> tauri::App<MockRuntime> {
    app_with(pubkey, None)
}

/// The same, built with an update address (`plugins.updater.endpoints`).
fn app_with(pubkey: &str, built_in_address: Option<&url::Url>) -> tauri::App<MockRuntime> {
    let mut config = shipped_updater_config();
    config["pubkey"] = json!(pubkey);
    if let Some(address) = built_in_address {
        config["endpoints"] = json!([address]);
    }
    let mut context = mock_context(noop_assets());
    context
        .config_mut()
        .plugins
        .0
        .insert("updater".into(), config);
    context.package_info_mut().version = env!("CARGO_PKG_VERSION").parse().unwrap();
    mock_builder()
        .plugin(updates::plugin())
        .build(context)
        .unwrap()
}

fn package() -> Vec<u8> {
    // A .deb starts like this; the bytes only need to be what was signed.
    let mut bytes = b"!<arch>\ndebian-binary   ".to_vec();
    bytes.extend((0..64 * 1024).map(|i| (i % 251) as u8));
    bytes
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_update_is_downloaded_and_verified() {
    let signer = Signer::new();
    let server = UpdateServer::start().await;
    let version = next_version();
    server.publish(
        &version,
        &package(),
        &signer.sign(&package(), Some(&version)),
    );
    let app = app_trusting(&signer.pubkey());

    let verified = updates::fetch_update(app.handle(), Some(server.manifest_url()))
        .await
        .unwrap()
        .expect("a newer version is announced");

    assert_eq!(verified.version(), version);
    assert_eq!(verified.update.current_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(verified.update.body.as_deref(), Some("Faster pops"));
    assert_eq!(verified.package, package());
    assert!(verified.update.verify(&verified.package).is_ok());
    assert_eq!(
        server.requests(),
        [
            "/latest.json".to_string(),
            format!("/download/{PACKAGE_NAME}")
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_signature_is_refused() {
    let signer = Signer::new();
    let server = UpdateServer::start().await;
    let version = next_version();
    // One character of the signature itself changed (the second line of the .sig file).
    let signature = String::from_utf8(
        BASE64
            .decode(signer.sign(&package(), Some(&version)))
            .unwrap(),
    )
    .unwrap();
    let mut lines: Vec<String> = signature.lines().map(str::to_string).collect();
    let mut chars: Vec<char> = lines[1].chars().collect();
    chars[40] = if chars[40] == 'A' { 'B' } else { 'A' };
    lines[1] = chars.into_iter().collect();
    let tampered = BASE64.encode(lines.join("\n") + "\n");
    server.publish(&version, &package(), &tampered);
    let app = app_trusting(&signer.pubkey());

    let refused = updates::fetch_update(app.handle(), Some(server.manifest_url())).await;

    assert!(
        matches!(refused, Err(UpdateError::BadSignature)),
        "{:?}",
        refused.map(|update| update.map(|u| u.version().to_string()))
    );
    assert_eq!(
        updates::fetch_update(app.handle(), Some(server.manifest_url()))
            .await
            .err()
            .unwrap()
            .to_string(),
        "the update's signature does not match this app's update key, so it was refused"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_package_changed_after_signing_is_refused() {
    let signer = Signer::new();
    let server = UpdateServer::start().await;
    let version = next_version();
    let signature = signer.sign(&package(), Some(&version));
    let mut changed = package();
    changed[100] ^= 0x01;
    server.publish(&version, &changed, &signature);
    let app = app_trusting(&signer.pubkey());

    let refused = updates::fetch_update(app.handle(), Some(server.manifest_url())).await;

    assert!(matches!(refused, Err(UpdateError::BadSignature)));
    // The package was downloaded, and refused after the download.
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_package_signed_with_another_key_is_refused() {
    let trusted = Signer::new();
    let other = Signer::new();
    let server = UpdateServer::start().await;
    let version = next_version();
    server.publish(
        &version,
        &package(),
        &other.sign(&package(), Some(&version)),
    );
    let app = app_trusting(&trusted.pubkey());

    let refused = updates::fetch_update(app.handle(), Some(server.manifest_url())).await;

    assert!(matches!(refused, Err(UpdateError::BadSignature)));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_release_announced_as_a_newer_version_is_refused() {
    let signer = Signer::new();
    let server = UpdateServer::start().await;
    // A genuine package of this version, announced as the next one.
    let current = env!("CARGO_PKG_VERSION");
    server.publish(
        &next_version(),
        &package(),
        &signer.sign(&package(), Some(current)),
    );
    let app = app_trusting(&signer.pubkey());

    let refused = updates::fetch_update(app.handle(), Some(server.manifest_url())).await;

    match refused {
        Err(UpdateError::VersionMismatch { signed, announced }) => {
            assert_eq!(signed, current);
            assert_eq!(announced, next_version());
        }
        other => panic!("expected a version mismatch, got {:?}", other.err()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signature_without_a_version_is_refused() {
    let signer = Signer::new();
    let server = UpdateServer::start().await;
    let version = next_version();
    server.publish(&version, &package(), &signer.sign(&package(), None));
    let app = app_trusting(&signer.pubkey());

    let refused = updates::fetch_update(app.handle(), Some(server.manifest_url())).await;

    assert!(matches!(refused, Err(UpdateError::UnversionedSignature)));
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_is_downloaded_when_this_version_is_the_newest() {
    let signer = Signer::new();
    let server = UpdateServer::start().await;
    let current = env!("CARGO_PKG_VERSION");
    server.publish(current, &package(), &signer.sign(&package(), Some(current)));
    let app = app_trusting(&signer.pubkey());

    let none = updates::fetch_update(app.handle(), Some(server.manifest_url())).await;

    assert!(matches!(none, Ok(None)));
    assert_eq!(server.requests(), ["/latest.json".to_string()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_address_in_the_settings_the_built_in_one_is_asked() {
    let signer = Signer::new();
    let server = UpdateServer::start().await;
    let version = next_version();
    server.publish(
        &version,
        &package(),
        &signer.sign(&package(), Some(&version)),
    );
    let app = app_with(&signer.pubkey(), Some(&server.manifest_url()));

    let verified = updates::fetch_update(app.handle(), None)
        .await
        .unwrap()
        .expect("the built-in address announces a newer version");

    assert_eq!(verified.version(), version);
    assert_eq!(verified.package, package());

    // An app built without an address, and none in the settings, asks nobody.
    let nowhere = app_trusting(&signer.pubkey());
    assert!(matches!(
        updates::fetch_update(nowhere.handle(), None).await,
        Err(UpdateError::Setup(_))
    ));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn the_shipped_update_key_is_a_minisign_public_key() {
    let config = shipped_updater_config();
    let encoded = config["pubkey"]
        .as_str()
        .expect("plugins.updater.pubkey is set");
    let text = String::from_utf8(BASE64.decode(encoded).unwrap()).unwrap();
    assert!(
        text.starts_with("untrusted comment: minisign public key"),
        "{text}"
    );
    minisign::PublicKeyBox::from_string(&text)
        .unwrap()
        .into_public_key()
        .unwrap();
    assert_eq!(config["requireSignedVersion"], json!(true));
    // The address comes from the settings, never from the build.
    assert!(config.get("endpoints").is_none_or(|e| e == &json!([])));
}
