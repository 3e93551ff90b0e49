//! HTTPS: `FakeOrg::start_tls`, the certificate helper and the binary's TLS flags.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use callside_fake_org::{tls, FakeOrg, Fault, DEMO_CLIENT_ID};
use common::{client, session_on, tls_client, V};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn https_sign_in_and_rest_with_a_generated_certificate() {
    let cert = tls::generate().expect("certificate");
    assert!(cert.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(cert.cert_pem.matches("BEGIN CERTIFICATE").count(), 2);
    assert!(cert.key_pem.contains("PRIVATE KEY"));
    let org = FakeOrg::start_tls(0, &cert.cert_pem, &cert.key_pem)
        .await
        .expect("start");
    let base = org.base_url();
    assert_eq!(base, format!("https://127.0.0.1:{}", org.port()));

    let http = tls_client(&cert.ca_pem);
    let token = common::login(&org, &http).await;
    assert_eq!(token["instance_url"], json!(base));
    assert!(token["id"]
        .as_str()
        .expect("id")
        .starts_with(&format!("{base}/id/00D")));

    let s = session_on(org.clone(), http.clone()).await;
    let body = s.query_ok("SELECT Id, Name FROM Account LIMIT 2").await;
    assert_eq!(body["totalSize"], json!(2));
    let resources = s.get(&format!("{V}/")).await;
    assert!(resources.body["identity"]
        .as_str()
        .expect("identity")
        .starts_with("https://"));
    // The host name works too.
    let r = http
        .get(format!("https://localhost:{}/services/data/", org.port()))
        .send()
        .await
        .expect("localhost");
    assert_eq!(r.status(), StatusCode::OK);

    // A client that does not trust the CA refuses the server; plain HTTP gets nothing.
    let err = client()
        .get(format!("{base}/services/data/"))
        .send()
        .await
        .expect_err("untrusted");
    assert!(err.is_connect(), "{err:?}");
    let plain = client()
        .get(format!("http://127.0.0.1:{}/services/data/", org.port()))
        .send()
        .await;
    assert!(plain.is_err() || plain.is_ok_and(|r| !r.status().is_success()));

    // Faults work the same over TLS: the dropped connection is an error, not a status.
    org.inject(Fault::drop_before_apply(1));
    let err = s
        .http
        .get(s.url(&format!("{V}/limits")))
        .bearer_auth(&s.token)
        .send()
        .await
        .expect_err("dropped");
    assert!(err.status().is_none(), "{err:?}");
    assert_eq!(s.get(&format!("{V}/limits")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn bad_pem_is_an_invalid_input_error() {
    let cert = tls::generate().expect("certificate");
    let other = tls::generate().expect("certificate");
    for (c, k) in [
        ("", cert.key_pem.as_str()),
        (cert.cert_pem.as_str(), ""),
        ("not pem", "not pem"),
        (cert.cert_pem.as_str(), other.key_pem.as_str()),
    ] {
        let err = FakeOrg::start_tls(0, c, k).await.expect_err("bad pem");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    }
}

#[tokio::test]
async fn binary_generates_a_certificate_and_serves_https() {
    let dir = std::env::temp_dir().join(format!("fake-org-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let bin = env!("CARGO_BIN_EXE_callside-fake-org");
    let out = Command::new(bin)
        .arg("--generate-cert")
        .arg(&dir)
        .output()
        .expect("generate");
    assert!(out.status.success(), "{out:?}");
    let ca = std::fs::read_to_string(dir.join("ca.pem")).expect("ca.pem");
    for f in ["cert.pem", "key.pem"] {
        assert!(dir.join(f).exists(), "{f}");
    }

    let port_file = dir.join("port");
    let mut child = Command::new(bin)
        .args(["--port", "0", "--port-file"])
        .arg(&port_file)
        .arg("--tls-cert")
        .arg(dir.join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("key.pem"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let port: u16 = std::fs::read_to_string(&port_file)
        .expect("port file")
        .trim()
        .parse()
        .expect("port");
    assert_eq!(
        line.trim_end(),
        format!(
            "callside-fake-org listening on https://127.0.0.1:{port} (client id {DEMO_CLIENT_ID})"
        )
    );
    let r = tls_client(&ca)
        .get(format!("https://127.0.0.1:{port}/services/data/"))
        .send()
        .await
        .expect("versions");
    assert_eq!(r.status(), StatusCode::OK);
    let _ = child.kill();
    let _ = child.wait();

    // Half the TLS flags, or an unreadable file, is a usage error.
    let out = Command::new(bin)
        .arg("--tls-cert")
        .arg(dir.join("cert.pem"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(bin)
        .args([
            "--port",
            "0",
            "--tls-cert",
            "/nonexistent.pem",
            "--tls-key",
            "/nonexistent.pem",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}
