//! Sign-in, token refresh, session errors and the OS keychain.

use std::sync::Arc;

use callside_fake_org::FakeOrg;
use callside_salesforce::oauth;
use callside_salesforce::{
    Error, ErrorKind, KeyringStore, MemoryStore, SalesforceClient, TokenStore,
};

use crate::{config, curl, free_port, quick_retries, signed_in, token_requests};

#[tokio::test]
async fn signs_in_with_pkce_through_the_loopback_redirect_and_reads_the_identity() {
    let org = FakeOrg::start(0).await.unwrap();
    let (_, session) = signed_in(&org).await;
    assert_eq!(session.user_name, "Riley Demo");
    assert!(session.org_id.starts_with("00D"), "{}", session.org_id);
    assert!(session.user_id.starts_with("005"), "{}", session.user_id);
    assert_eq!(session.instance_url.trim_end_matches('/'), org.base_url());
    assert!(
        session.refresh_token.is_some(),
        "scope refresh_token was asked for"
    );
    let authorize = org
        .request_log()
        .into_iter()
        .find(|r| r.path == "/services/oauth2/authorize")
        .expect("the browser went to the authorize endpoint");
    let query = authorize.query.unwrap_or_default();
    for expected in [
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "scope=api+refresh_token+openid",
    ] {
        assert!(
            query.contains(expected),
            "authorize query {query} lacks {expected}"
        );
    }
}

#[tokio::test]
async fn a_redirect_with_a_forged_state_is_refused() {
    let org = FakeOrg::start(0).await.unwrap();
    let config = config(&org);
    let port = config.callback_port;
    let error = oauth::sign_in(&config, move |_url| {
        curl(&format!(
            "http://localhost:{port}/callback?code=stolen&state=forged"
        ))
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("wrong state"), "{error}");
}

#[tokio::test]
async fn denied_consent_is_reported() {
    let org = FakeOrg::start(0).await.unwrap();
    let config = config(&org);
    let port = config.callback_port;
    let error = oauth::sign_in(&config, move |url| {
        let state = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        curl(&format!(
            "http://localhost:{port}/callback?error=access_denied&error_description=end-user+denied+authorization&state={state}"
        ))
    })
    .await
    .unwrap_err();
    assert!(error.to_string().contains("denied"), "{error}");
}

#[tokio::test]
async fn an_expired_session_is_refreshed_once_and_the_request_retried() {
    let org = FakeOrg::start(0).await.unwrap();
    let (config, session) = signed_in(&org).await;
    let store = Arc::new(MemoryStore::default());
    let client =
        SalesforceClient::new(config, store.clone(), "key".into(), session.clone()).unwrap();
    client
        .query("SELECT Id FROM Account LIMIT 1")
        .await
        .unwrap();
    assert_eq!(token_requests(&org), 1, "only the code exchange so far");

    org.expire_all_sessions();
    let result = client.query("SELECT Id, Name FROM Account").await.unwrap();
    assert!(result.total_size > 0);
    assert_eq!(token_requests(&org), 2, "one refresh");
    let saved = store
        .load("key")
        .unwrap()
        .expect("the refreshed session was saved");
    assert_ne!(saved.access_token, session.access_token);
    assert!(client.api_usage().is_some(), "Sforce-Limit-Info was read");
}

#[tokio::test]
async fn ten_requests_failing_at_once_share_one_refresh() {
    let org = FakeOrg::start(0).await.unwrap();
    let (config, session) = signed_in(&org).await;
    let client = Arc::new(
        SalesforceClient::new(
            config,
            Arc::new(MemoryStore::default()),
            "key".into(),
            session,
        )
        .unwrap(),
    );
    org.expire_all_sessions();
    let mut handles = Vec::new();
    for _ in 0..10 {
        let client = client.clone();
        handles.push(tokio::spawn(async move {
            client
                .query("SELECT Id FROM Lead")
                .await
                .map(|r| r.total_size)
        }));
    }
    for handle in handles {
        handle.await.unwrap().unwrap();
    }
    assert_eq!(
        token_requests(&org),
        2,
        "the code exchange and exactly one refresh"
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_asks_for_a_new_sign_in_instead_of_looping() {
    let org = FakeOrg::start(0).await.unwrap();
    let (config, session) = signed_in(&org).await;
    oauth::revoke(&config, session.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    let client = SalesforceClient::new(
        config,
        Arc::new(MemoryStore::default()),
        "key".into(),
        session,
    )
    .unwrap();
    let error = client.query("SELECT Id FROM Lead").await.unwrap_err();
    assert!(error.needs_sign_in(), "{error:?}");
    assert_eq!(token_requests(&org), 2, "one refresh attempt, no loop");
}

#[tokio::test]
async fn salesforce_errors_arrive_typed() {
    let org = FakeOrg::start(0).await.unwrap();
    let (config, session) = signed_in(&org).await;
    let client = SalesforceClient::new(
        config,
        Arc::new(MemoryStore::default()),
        "key".into(),
        session,
    )
    .unwrap();
    match client.query("SELECT Id FROM").await.unwrap_err() {
        Error::Api { status, code, .. } => {
            assert_eq!(status, 400);
            assert_eq!(code, "MALFORMED_QUERY");
        }
        other => panic!("expected MALFORMED_QUERY, got {other:?}"),
    }
    match client
        .create("Task", &serde_json::json!({"Subject": "x".repeat(300)}))
        .await
        .unwrap_err()
    {
        Error::Api { code, fields, .. } => {
            assert_eq!(code, "STRING_TOO_LONG");
            assert_eq!(fields, vec!["Subject".to_string()]);
        }
        other => panic!("expected STRING_TOO_LONG, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_org_is_reported_as_offline() {
    let org = FakeOrg::start(0).await.unwrap();
    let (config, mut session) = signed_in(&org).await;
    session.instance_url = format!("http://127.0.0.1:{}", free_port());
    let client = SalesforceClient::new(
        config,
        Arc::new(MemoryStore::default()),
        "key".into(),
        session,
    )
    .unwrap()
    .with_retry_policy(quick_retries());
    let error = client.query("SELECT Id FROM Lead").await.unwrap_err();
    assert!(error.is_offline(), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::Transport);
}

/// The OS keychain for real: the Secret Service on Linux (GNOME Keyring under a D-Bus
/// session in `scripts/test`).
#[tokio::test]
async fn sessions_round_trip_through_the_os_keychain() {
    let org = FakeOrg::start(0).await.unwrap();
    let (_, session) = signed_in(&org).await;
    let keychain = KeyringStore;
    keychain.probe().expect(
        "a Secret Service must be reachable (run the suite with scripts/test, which starts one)",
    );
    let key = format!("test-{}@{}", std::process::id(), org.base_url());
    keychain.save(&key, &session).unwrap();
    let loaded = keychain
        .load(&key)
        .unwrap()
        .expect("the session is in the keychain");
    assert_eq!(loaded.access_token, session.access_token);
    assert_eq!(loaded.refresh_token, session.refresh_token);
    assert_eq!(loaded.org_id, session.org_id);
    keychain.delete(&key).unwrap();
    assert!(keychain.load(&key).unwrap().is_none());
}

#[tokio::test]
async fn a_browser_that_never_comes_back_times_out_with_a_clear_message() {
    let org = FakeOrg::start(0).await.unwrap();
    let mut config = config(&org);
    config.timeout = std::time::Duration::from_millis(300);
    let error = oauth::sign_in(&config, |_url| Ok(())).await.unwrap_err();
    assert!(
        error.to_string().contains("no answer from the browser"),
        "{error}"
    );
    // The port is free again for the next try.
    std::net::TcpListener::bind(("127.0.0.1", config.callback_port)).expect("listener closed");
}

#[tokio::test]
async fn only_the_redirect_path_counts_and_other_requests_do_not_end_the_sign_in() {
    let org = FakeOrg::start(0).await.unwrap();
    let config = config(&org);
    let port = config.callback_port;
    let session = oauth::sign_in(&config, move |url| {
        // A favicon request first, as browsers do, then the real redirect.
        let favicon = std::process::Command::new("curl")
            .args([
                "--silent",
                "--output",
                "/dev/null",
                "--write-out",
                "%{http_code}",
            ])
            .arg(format!("http://localhost:{port}/favicon.ico"))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&favicon.stdout), "404");
        curl(&url)
    })
    .await
    .unwrap();
    assert_eq!(session.user_name, "Riley Demo");
}
