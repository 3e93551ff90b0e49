//! End-to-end tests: each starts a fake org on a free port and talks to it over HTTP.

use std::collections::HashMap;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use callside_fake_org::{FakeOrg, DEMO_CLIENT_ID};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

mod common;
use common::{client, error_code, query_of, REDIRECT, V};

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

struct Session {
    org: FakeOrg,
    http: Client,
    token: String,
}

/// `GET /services/oauth2/authorize` with redirects off; the Location's query.
async fn authorize(
    org: &FakeOrg,
    http: &Client,
    extra: &[(&str, &str)],
) -> HashMap<String, String> {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", DEMO_CLIENT_ID),
        ("redirect_uri", REDIRECT),
    ];
    params.extend_from_slice(extra);
    let resp = http
        .get(format!("{}/services/oauth2/authorize", org.base_url()))
        .query(&params)
        .send()
        .await
        .expect("authorize");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp
        .headers()
        .get("location")
        .expect("location header")
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(location.starts_with(REDIRECT), "{location}");
    query_of(&location)
}

async fn token_call(org: &FakeOrg, http: &Client, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = http
        .post(format!("{}/services/oauth2/token", org.base_url()))
        .form(form)
        .send()
        .await
        .expect("token");
    let status = resp.status();
    (status, resp.json().await.expect("token json"))
}

/// The full code + PKCE flow; the token response.
async fn login_with(org: &FakeOrg, http: &Client, verifier: &str, scope: Option<&str>) -> Value {
    let ch = challenge(verifier);
    let mut extra = vec![
        ("code_challenge", ch.as_str()),
        ("code_challenge_method", "S256"),
        ("state", "st"),
    ];
    if let Some(s) = scope {
        extra.push(("scope", s));
    }
    let q = authorize(org, http, &extra).await;
    let code = q.get("code").expect("code");
    let (status, body) = token_call(
        org,
        http,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn session() -> Session {
    let org = FakeOrg::start(0).await.expect("start");
    let http = client();
    let body = login_with(&org, &http, &"v".repeat(64), Some("api refresh_token")).await;
    let token = body["access_token"].as_str().expect("token").to_string();
    Session { org, http, token }
}

impl Session {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.org.base_url())
    }

    async fn get(&self, path: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("get")
    }

    async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let resp = self.get(path).await;
        let status = resp.status();
        (status, resp.json().await.expect("json"))
    }

    async fn query(&self, soql: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .get(self.url(&format!("{V}/query")))
            .query(&[("q", soql)])
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("query");
        let status = resp.status();
        (status, resp.json().await.expect("json"))
    }

    async fn query_ok(&self, soql: &str) -> Value {
        let (status, body) = self.query(soql).await;
        assert_eq!(status, StatusCode::OK, "{soql}: {body}");
        body
    }

    async fn search(&self, sosl: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .get(self.url(&format!("{V}/search/")))
            .query(&[("q", sosl)])
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("search");
        let status = resp.status();
        (status, resp.json().await.expect("json"))
    }

    async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &str,
    ) -> (StatusCode, Value) {
        let resp = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("send");
        let status = resp.status();
        let text = resp.text().await.expect("text");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("json body")
        };
        (status, value)
    }

    async fn create(&self, sobject: &str, body: Value) -> (StatusCode, Value) {
        self.send_json(
            reqwest::Method::POST,
            &format!("{V}/sobjects/{sobject}"),
            &body.to_string(),
        )
        .await
    }

    async fn create_ok(&self, sobject: &str, body: Value) -> String {
        let (status, resp) = self.create(sobject, body).await;
        assert_eq!(status, StatusCode::CREATED, "{resp}");
        assert_eq!(resp["success"], json!(true));
        assert_eq!(resp["errors"], json!([]));
        resp["id"].as_str().expect("id").to_string()
    }

    /// The Id of the one record a query returns.
    async fn id_of(&self, soql: &str) -> String {
        let body = self.query_ok(soql).await;
        assert_eq!(body["totalSize"], json!(1), "{soql}: {body}");
        body["records"][0]["Id"].as_str().expect("Id").to_string()
    }
}

fn names(records: &Value) -> Vec<String> {
    records
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["Name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// OAuth
// ---------------------------------------------------------------------------

#[tokio::test]
async fn oauth_code_pkce_refresh_and_revoke() {
    let org = FakeOrg::start(0).await.expect("start");
    let http = client();
    let verifier = "x".repeat(171); // jsforce-style, longer than RFC 7636's 128
    let ch = challenge(&verifier);
    let q = authorize(
        &org,
        &http,
        &[
            ("code_challenge", ch.as_str()),
            ("code_challenge_method", "S256"),
            ("state", "a b&c=d/é"),
            ("scope", "api refresh_token"),
        ],
    )
    .await;
    assert_eq!(q.get("state").map(String::as_str), Some("a b&c=d/é"));
    let code = q.get("code").expect("code").clone();

    let (status, tok) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tok}");
    let access = tok["access_token"].as_str().expect("access_token");
    assert!(
        access.starts_with("00D") && access.contains('!'),
        "{access}"
    );
    let refresh = tok["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_string();
    assert_eq!(tok["instance_url"], json!(org.base_url()));
    assert_eq!(tok["token_type"], json!("Bearer"));
    assert_eq!(tok["scope"], json!("api refresh_token"));
    assert!(tok.get("expires_in").is_none());
    let issued_at = tok["issued_at"].as_str().expect("issued_at is a string");
    assert!(issued_at.len() >= 13 && issued_at.bytes().all(|b| b.is_ascii_digit()));
    let id = tok["id"].as_str().expect("id");
    let parts: Vec<&str> = id.rsplit('/').take(2).collect();
    assert!(parts[0].starts_with("005") && parts[0].len() == 18, "{id}");
    assert!(parts[1].starts_with("00D") && parts[1].len() == 18, "{id}");
    assert!(id.starts_with(&format!("{}/id/", org.base_url())));
    let sig = STANDARD
        .decode(tok["signature"].as_str().expect("signature"))
        .expect("base64 signature");
    assert_eq!(sig.len(), 32);

    // The code is single-use.
    let (status, body) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], json!("invalid_grant"));

    // Refresh (a stray code_verifier is ignored): no refresh_token in the answer.
    let (status, refreshed) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", DEMO_CLIENT_ID),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert!(refreshed.get("refresh_token").is_none());
    assert!(refreshed.get("expires_in").is_none());
    let access2 = refreshed["access_token"]
        .as_str()
        .expect("access")
        .to_string();
    assert_ne!(access2, access);
    assert_eq!(refreshed["instance_url"], json!(org.base_url()));
    let me = http
        .get(format!("{}{V}/", org.base_url()))
        .bearer_auth(&access2)
        .send()
        .await
        .expect("rest");
    assert_eq!(me.status(), StatusCode::OK);

    // Revoking an access token kills only it.
    let revoke = |token: String| {
        let http = http.clone();
        let url = format!("{}/services/oauth2/revoke", org.base_url());
        async move {
            http.post(url)
                .form(&[("token", token)])
                .send()
                .await
                .expect("revoke")
        }
    };
    assert_eq!(revoke(access.to_string()).await.status(), StatusCode::OK);
    let r = http
        .get(format!("{}{V}/", org.base_url()))
        .bearer_auth(access)
        .send()
        .await
        .expect("rest");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http
        .get(format!("{}{V}/", org.base_url()))
        .bearer_auth(&access2)
        .send()
        .await
        .expect("rest");
    assert_eq!(r.status(), StatusCode::OK);

    // Revoking the refresh token revokes its access tokens and further refreshes.
    assert_eq!(revoke(refresh.clone()).await.status(), StatusCode::OK);
    let r = http
        .get(format!("{}{V}/", org.base_url()))
        .bearer_auth(&access2)
        .send()
        .await
        .expect("rest");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", DEMO_CLIENT_ID),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], json!("invalid_grant"));
    assert_eq!(
        body["error_description"],
        json!("expired access/refresh token")
    );

    let r = revoke("nonsense".into()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"], json!("invalid_token"));
}

#[tokio::test]
async fn oauth_authorize_errors() {
    let org = FakeOrg::start(0).await.expect("start");
    let http = client();
    let url = format!("{}/services/oauth2/authorize", org.base_url());

    let r = http
        .get(&url)
        .query(&[
            ("response_type", "code"),
            ("client_id", "SomeOtherApp"),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers().get("location").is_none());
    assert!(r
        .text()
        .await
        .expect("text")
        .contains("error=invalid_client_id"));

    let r = http
        .get(&url)
        .query(&[
            ("response_type", "code"),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", "https://evil.example/cb"),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers().get("location").is_none());

    for response_type in [Some("token"), None] {
        let mut params = vec![
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", "http://127.0.0.1:40001/cb"),
            ("state", "xyz"),
        ];
        if let Some(rt) = response_type {
            params.push(("response_type", rt));
        }
        let r = http
            .get(&url)
            .query(&params)
            .send()
            .await
            .expect("authorize");
        assert_eq!(r.status(), StatusCode::FOUND);
        let location = r.headers()["location"].to_str().expect("ascii").to_string();
        assert!(
            location.starts_with("http://127.0.0.1:40001/cb?"),
            "{location}"
        );
        let q = query_of(&location);
        assert_eq!(q["error"], "unsupported_response_type");
        assert_eq!(q["state"], "xyz");
        assert!(!q.contains_key("code"));
    }
}

#[tokio::test]
async fn oauth_token_errors() {
    let org = FakeOrg::start(0).await.expect("start");
    let http = client();
    let verifier = "correct-horse-battery-staple-0123456789-abcdefghijklmnop";
    let ch = challenge(verifier);
    let new_code = || async {
        authorize(
            &org,
            &http,
            &[
                ("code_challenge", ch.as_str()),
                ("code_challenge_method", "S256"),
            ],
        )
        .await["code"]
            .clone()
    };

    let code = new_code().await;
    let (s, b) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier-wrong",
            ),
        ],
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(b["error_description"], json!("invalid code verifier"));

    let code = new_code().await;
    let (s, b) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    let code = new_code().await;
    let (s, b) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", "http://localhost:9999/other"),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("redirect_uri_mismatch"))
    );

    let code = new_code().await;
    let (s, b) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "SomeOtherApp"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_client_id"))
    );

    let (s, b) = token_call(&org, &http, &[("client_id", DEMO_CLIENT_ID)]).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    assert_eq!(b["error_description"], json!("grant type is missing"));

    let (s, b) = token_call(
        &org,
        &http,
        &[("grant_type", "password"), ("client_id", DEMO_CLIENT_ID)],
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unsupported_grant_type"))
    );

    let (s, b) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "authorization_code"),
            ("code", "never-issued"),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn oauth_scopes_decide_refresh_tokens() {
    let org = FakeOrg::start(0).await.expect("start");
    let http = client();
    let no_scope = login_with(&org, &http, &"a".repeat(50), None).await;
    assert!(no_scope["refresh_token"].is_string());
    let api_only = login_with(&org, &http, &"b".repeat(50), Some("api")).await;
    assert!(api_only.get("refresh_token").is_none());
    assert_eq!(api_only["scope"], json!("api"));
    let offline = login_with(&org, &http, &"c".repeat(50), Some("api offline_access")).await;
    assert!(offline["refresh_token"].is_string());
}

#[tokio::test]
async fn userinfo_and_identity() {
    let s = session().await;
    let (status, info) = s.get_json("/services/oauth2/userinfo").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["name"], json!("Riley Demo"));
    assert_eq!(info["email"], json!("riley.demo@callside.example"));
    assert_eq!(
        info["preferred_username"],
        json!("riley.demo@callside.example")
    );
    assert_eq!(info["given_name"], json!("Riley"));
    assert_eq!(info["family_name"], json!("Demo"));
    assert!(info["user_id"]
        .as_str()
        .expect("user_id")
        .starts_with("005"));
    assert!(info["organization_id"]
        .as_str()
        .expect("org")
        .starts_with("00D"));
    assert_eq!(info["active"], json!(true));

    let sub = info["sub"].as_str().expect("sub").to_string();
    let path = sub.strip_prefix(&s.org.base_url()).expect("same host");
    let (status, id) = s.get_json(path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(id["id"], json!(sub));
    assert_eq!(id["username"], json!("riley.demo@callside.example"));
    assert_eq!(id["display_name"], json!("Riley Demo"));
    assert_eq!(id["first_name"], json!("Riley"));
    assert_eq!(id["last_name"], json!("Demo"));
    assert_eq!(
        id["urls"]["query"],
        json!(format!(
            "{}/services/data/v{{version}}/query/",
            s.org.base_url()
        ))
    );
    assert!(id["urls"]["rest"]
        .as_str()
        .expect("rest")
        .contains("{version}"));
    assert!(id["urls"]["sobjects"].is_string() && id["urls"]["search"].is_string());

    let r = s
        .http
        .get(s.url("/services/oauth2/userinfo"))
        .bearer_auth("00Dbogus!token")
        .send()
        .await
        .expect("userinfo");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------
// REST basics
// ---------------------------------------------------------------------------

#[tokio::test]
async fn versions_resources_and_unknown_paths() {
    let s = session().await;
    let r = s
        .http
        .get(s.url("/services/data/"))
        .send()
        .await
        .expect("versions");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("sforce-limit-info").is_none());
    let versions: Value = r.json().await.expect("json");
    let last = versions
        .as_array()
        .and_then(|a| a.last())
        .expect("versions");
    assert_eq!(
        last,
        &json!({"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"})
    );
    assert_eq!(s.org.api_request_count(), 0);

    for path in ["/services/data/v62.0", "/services/data/v59.0/"] {
        let (status, map) = s.get_json(path).await;
        assert_eq!(status, StatusCode::OK);
        for key in ["query", "search", "sobjects", "limits", "composite"] {
            assert!(map[key].is_string(), "{key} in {map}");
        }
        let identity = map["identity"].as_str().expect("identity");
        assert!(identity.starts_with(&format!("{}/id/00D", s.org.base_url())));
    }

    for path in [
        "/services/data/v62.0/nothing-here",
        "/services/data/v62.0/sobjects/Nope/describe",
        "/services/data/v62.0/sobjects/Lead/00Q000000000000AAA",
    ] {
        let (status, body) = s.get_json(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            body,
            json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}])
        );
    }
}

#[tokio::test]
async fn limit_header_counts_rest_calls() {
    let s = session().await;
    let r1 = s.get(&format!("{V}/")).await;
    assert_eq!(r1.headers()["sforce-limit-info"], "api-usage=1/15000");
    let r2 = s.get(&format!("{V}/limits/")).await;
    assert_eq!(r2.headers()["sforce-limit-info"], "api-usage=2/15000");
    let limits: Value = r2.json().await.expect("json");
    assert_eq!(
        limits["DailyApiRequests"],
        json!({"Max": 15000, "Remaining": 14998})
    );
    let (_, _) = s.query("SELECT Id FROM Lead").await;
    assert_eq!(s.org.api_request_count(), 3);
    // OAuth endpoints are not REST calls.
    let _ = s.get("/services/oauth2/userinfo").await;
    assert_eq!(s.org.api_request_count(), 3);
}

#[tokio::test]
async fn expired_sessions_get_401_and_refresh_recovers() {
    let org = FakeOrg::start(0).await.expect("start");
    let http = client();
    let tok = login_with(&org, &http, &"r".repeat(60), None).await;
    let access = tok["access_token"].as_str().expect("access");
    let refresh = tok["refresh_token"].as_str().expect("refresh");
    let ping = |token: String| {
        let http = http.clone();
        let url = format!("{}{V}/query?q=SELECT+Id+FROM+Account", org.base_url());
        async move { http.get(url).bearer_auth(token).send().await.expect("get") }
    };
    assert_eq!(ping(access.into()).await.status(), StatusCode::OK);

    org.expire_all_sessions();
    let r = ping(access.into()).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get("sforce-limit-info").is_none());
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        body,
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
    );
    let r = http
        .get(format!("{}{V}/", org.base_url()))
        .send()
        .await
        .expect("no auth");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let (status, refreshed) = token_call(
        &org,
        &http,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", DEMO_CLIENT_ID),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let fresh = refreshed["access_token"].as_str().expect("access");
    assert_eq!(ping(fresh.into()).await.status(), StatusCode::OK);

    // Also through the admin API.
    let r = http
        .post(format!("{}/__admin/expire-sessions", org.base_url()))
        .send()
        .await
        .expect("admin");
    assert!(r.status().is_success());
    assert_eq!(ping(fresh.into()).await.status(), StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------
// SOQL
// ---------------------------------------------------------------------------

#[tokio::test]
async fn query_with_parent_fields_and_child_subqueries() {
    let s = session().await;
    let body = s
        .query_ok(
            "SELECT Id, Name, Title, Phone, Account.Name, Account.Owner.Name, \
             (SELECT Name, StageName, Amount FROM Opportunities WHERE IsClosed = false ORDER BY Amount DESC), \
             (SELECT Subject, Status, Priority FROM Cases WHERE IsClosed = false) \
             FROM Contact WHERE Name = 'dana whitfield'",
        )
        .await;
    assert_eq!(body["totalSize"], json!(1));
    assert_eq!(body["done"], json!(true));
    let dana = &body["records"][0];
    assert_eq!(dana["attributes"]["type"], json!("Contact"));
    let id = dana["Id"].as_str().expect("Id");
    assert_eq!(id.len(), 18);
    assert_eq!(
        dana["attributes"]["url"],
        json!(format!("/services/data/v62.0/sobjects/Contact/{id}"))
    );
    assert_eq!(dana["Title"], json!("Head of Purchasing"));
    assert_eq!(dana["Phone"], json!("+1 720 555 0111"));
    assert_eq!(dana["Account"]["attributes"]["type"], json!("Account"));
    assert_eq!(dana["Account"]["Name"], json!("Summit Outdoor Supply"));
    assert_eq!(dana["Account"]["Owner"]["Name"], json!("Riley Demo"));
    let opps = &dana["Opportunities"];
    assert_eq!(opps["totalSize"], json!(2));
    assert_eq!(opps["done"], json!(true));
    assert_eq!(
        names(&opps["records"]),
        ["Summit - Store Fixtures", "Summit - Spring Catalog"]
    );
    assert_eq!(opps["records"][0]["Amount"], json!(48500.0));
    assert_eq!(opps["records"][0]["StageName"], json!("Negotiation/Review"));
    let cases = &dana["Cases"]["records"];
    assert_eq!(cases.as_array().map(Vec::len), Some(1));
    assert_eq!(cases[0]["Subject"], json!("Damaged shipment"));
    assert_eq!(cases[0]["Priority"], json!("High"));

    // Account with all its open opportunities; empty children are null.
    let body = s
        .query_ok(
            "select name, (select name from opportunities where isclosed = false), (select id from cases) \
             from account where name like 'Bergmann%' or name = 'Lichtwerk Optik GmbH' order by name",
        )
        .await;
    let recs = &body["records"];
    assert_eq!(
        names(recs),
        ["Bergmann Maschinenbau GmbH", "Lichtwerk Optik GmbH"]
    );
    assert_eq!(
        names(&recs[0]["Opportunities"]["records"]),
        ["Bergmann - Retrofit"]
    );
    assert_eq!(recs[0]["Cases"], Value::Null);
    assert_eq!(recs[1]["Opportunities"], Value::Null);

    // An empty lookup is null.
    s.create_ok("Contact", json!({"LastName": "Loner", "Phone": "555 0000"}))
        .await;
    let body = s
        .query_ok("SELECT Name, Account.Name FROM Contact WHERE LastName = 'Loner'")
        .await;
    assert_eq!(body["records"][0]["Account"], Value::Null);

    // Polymorphic Who resolves to the lead or contact.
    let body = s
        .query_ok("SELECT Subject, Who.Name, What.Name FROM Task ORDER BY Subject")
        .await;
    let recs = &body["records"];
    assert_eq!(recs[0]["Who"]["Name"], json!("Dana Whitfield"));
    assert_eq!(recs[0]["Who"]["attributes"]["type"], json!("Contact"));
    assert_eq!(recs[0]["What"]["Name"], json!("Summit Outdoor Supply"));
    assert_eq!(recs[1]["Who"]["Name"], json!("Priya Raman"));
    assert_eq!(recs[1]["Who"]["attributes"]["type"], json!("Lead"));
    assert_eq!(recs[1]["What"], Value::Null);
}

#[tokio::test]
async fn converted_leads_are_filtered_by_where() {
    let s = session().await;
    let all = s
        .query_ok("SELECT Name, IsConverted FROM Lead ORDER BY Name")
        .await;
    assert!(names(&all["records"]).contains(&"Tom Becker".to_string()));
    let open = s
        .query_ok("SELECT Name FROM Lead WHERE IsConverted = false ORDER BY Name")
        .await;
    let open_names = names(&open["records"]);
    assert!(!open_names.contains(&"Tom Becker".to_string()));
    assert!(open_names.contains(&"Priya Raman".to_string()));
    assert_eq!(
        open["totalSize"].as_u64().map(|n| n + 1),
        all["totalSize"].as_u64()
    );
    let converted = s
        .query_ok(
            "SELECT Name, ConvertedAccount.Name, ConvertedDate FROM Lead WHERE IsConverted = true",
        )
        .await;
    assert_eq!(names(&converted["records"]), ["Tom Becker"]);
    assert_eq!(
        converted["records"][0]["ConvertedAccount"]["Name"],
        json!("Becker Logistik")
    );
}

#[tokio::test]
async fn query_filters_order_limit_offset_and_escapes() {
    let s = session().await;
    let b = s
        .query_ok(r"SELECT Name, Company FROM Lead WHERE LastName = 'O\'Connor'")
        .await;
    assert_eq!(b["records"][0]["Company"], json!("Harbour & Sons"));
    let b = s
        .query_ok("SELECT Name FROM Contact WHERE LastName = 'Müller'")
        .await;
    assert_eq!(names(&b["records"]), ["Jürgen Müller"]);
    let b = s
        .query_ok("SELECT Name FROM Lead WHERE Rating IN ('Hot', 'Warm') AND IsConverted = false ORDER BY Name DESC")
        .await;
    assert_eq!(
        names(&b["records"]),
        ["美咲 佐藤", "Siobhan O'Connor", "Priya Raman"]
    );
    let b = s
        .query_ok("SELECT Name FROM Lead WHERE Rating NOT IN ('Hot') AND (Status = 'Open - Not Contacted' OR Status = 'Working - Contacted') ORDER BY Rating NULLS LAST, Name LIMIT 3 OFFSET 1")
        .await;
    assert_eq!(
        names(&b["records"]),
        ["Priya Raman", "美咲 佐藤", "Lena Vogt"],
        "nulls last, then by name"
    );
    let b = s
        .query_ok("SELECT Name FROM Opportunity WHERE Amount >= 15000 AND CloseDate > TODAY ORDER BY Amount")
        .await;
    assert_eq!(
        names(&b["records"]),
        [
            "Rossi - Cellar Expansion",
            "Summit - Store Fixtures",
            "Bergmann - Retrofit"
        ]
    );
    let b = s
        .query_ok("SELECT Name, Probability, IsWon FROM Opportunity WHERE StageName = 'Closed Won'")
        .await;
    assert_eq!(b["records"][0]["Probability"], json!(100.0));
    assert_eq!(b["records"][0]["IsWon"], json!(true));
    let b = s.query_ok("SELECT COUNT() FROM Account").await;
    assert_eq!(b["totalSize"], json!(8));
    assert_eq!(b["records"], json!([]));
    let b = s
        .query_ok("SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:10")
        .await;
    assert_eq!(
        b["totalSize"],
        json!(2),
        "Priya (5 days) and Marco (9 days)"
    );
}

#[tokio::test]
async fn soql_errors() {
    let s = session().await;
    let (status, b) = s.query("SELECT Id, Foo FROM Lead").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "INVALID_FIELD");
    assert!(
        b[0]["message"]
            .as_str()
            .expect("message")
            .contains("No such column 'Foo' on entity 'Lead'."),
        "{b}"
    );
    let (status, b) = s.query("SELECT Id FROM Foo").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "INVALID_TYPE");
    assert!(b[0]["message"]
        .as_str()
        .expect("message")
        .contains("sObject type 'Foo' is not supported."));
    for bad in [
        "SELECT FROM Lead",
        "SELECT Id FROM Lead WHERE Name = 'x",
        "",
    ] {
        let (status, b) = s.query(bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(error_code(&b), "MALFORMED_QUERY", "{bad}");
    }
    let (status, b) = s.get_json(&format!("{V}/query")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "MALFORMED_QUERY");
}

#[tokio::test]
async fn query_paging_with_next_records_url() {
    let s = session().await;
    let who = s
        .id_of("SELECT Id FROM Lead WHERE Name = 'Grace Kim'")
        .await;
    for i in 0..205 {
        s.create_ok(
            "Task",
            json!({"Subject": format!("Bulk {i:03}"), "WhoId": who, "Status": "Completed"}),
        )
        .await;
    }
    let resp = s
        .http
        .get(s.url(&format!("{V}/query/")))
        .query(&[(
            "q",
            "SELECT Subject FROM Task WHERE Subject LIKE 'Bulk%' ORDER BY Subject",
        )])
        .header("Sforce-Query-Options", "batchSize=200")
        .bearer_auth(&s.token)
        .send()
        .await
        .expect("query");
    let first: Value = resp.json().await.expect("json");
    assert_eq!(first["totalSize"], json!(205));
    assert_eq!(first["done"], json!(false));
    assert_eq!(first["records"].as_array().map(Vec::len), Some(200));
    let next = first["nextRecordsUrl"].as_str().expect("nextRecordsUrl");
    assert!(next.starts_with("/services/data/v62.0/query/01g"), "{next}");
    let resp = s
        .http
        .get(s.url(next))
        .header("Sforce-Query-Options", "batchSize=200")
        .bearer_auth(&s.token)
        .send()
        .await
        .expect("more");
    let second: Value = resp.json().await.expect("json");
    assert_eq!(second["done"], json!(true));
    assert!(second.get("nextRecordsUrl").is_none());
    let subjects: Vec<&str> = second["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["Subject"].as_str())
        .collect();
    assert_eq!(
        subjects,
        ["Bulk 200", "Bulk 201", "Bulk 202", "Bulk 203", "Bulk 204"]
    );

    let (status, b) = s.get_json(&format!("{V}/query/01gNOPE-200")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "INVALID_QUERY_LOCATOR");
}

// ---------------------------------------------------------------------------
// SOSL
// ---------------------------------------------------------------------------

const PHONE_RETURNING: &str = "RETURNING Lead(Id, Name, Company, Phone, MobilePhone, Status, Rating WHERE IsConverted = false), \
     Contact(Id, Name, Phone, MobilePhone, HomePhone, OtherPhone, AssistantPhone, AccountId, Account.Name), \
     Account(Id, Name, Phone)";

async fn phone_search(s: &Session, term: &str) -> Vec<String> {
    let (status, body) = s
        .search(&format!(
            "FIND {{{term}}} IN PHONE FIELDS {PHONE_RETURNING}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{term}: {body}");
    body["searchRecords"]
        .as_array()
        .expect("searchRecords")
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["attributes"]["type"].as_str().unwrap_or_default(),
                r["Name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[tokio::test]
async fn sosl_phone_search_matches_every_stored_format() {
    let s = session().await;
    let cases: &[(&str, &[&str])] = &[
        ("7205550100", &["Account:Summit Outdoor Supply"]),
        ("+17205550100", &["Account:Summit Outdoor Supply"]),
        ("17205550111", &["Contact:Dana Whitfield"]),
        ("7205550111", &["Contact:Dana Whitfield"]),
        ("7205550122", &["Contact:Dana Whitfield"]),
        ("\\+1 \\(720\\) 555\\-0122", &["Contact:Dana Whitfield"]),
        ("7205550133", &["Lead:Priya Raman"]),
        ("7205550144", &["Lead:Siobhan O'Connor"]),
        ("\\+17205550144", &["Lead:Siobhan O'Connor"]),
        ("+49891234567", &["Account:Bergmann Maschinenbau GmbH"]),
        ("0897654321", &["Contact:Jürgen Müller"]),
        ("3035550188", &["Lead:Marco Rossi", "Contact:Elena Rossi"]),
        ("00493012345678", &["Contact:Wei Zhang"]),
        ("+442079460100", &["Lead:Nadia Decoy"]),
        ("+81355550199", &["Lead:美咲 佐藤"]),
        ("2065550151", &["Contact:Marcus Lee"]),
        ("2065550150", &["Account:Cascade Dental Group"]),
        ("7205550166", &["Contact:Aisha Bello"]),
        ("7205550160", &["Lead:Grace Kim"]),
        // The converted lead is filtered out by the RETURNING WHERE.
        ("3035550177", &[]),
        // Country code on one side, trunk prefix on the other: no match, as in a real org.
        ("+493012345678", &[]),
        ("03012345678", &[]),
        ("+49897654321", &[]),
        ("0891234567", &[]),
        ("2079460100", &[]),
        ("7205550199", &[]),
    ];
    for (term, expected) in cases {
        assert_eq!(&phone_search(&s, term).await, expected, "term {term}");
    }
    let (_, body) = s
        .search(&format!(
            "FIND {{3035550188}} IN PHONE FIELDS {PHONE_RETURNING}"
        ))
        .await;
    let elena = &body["searchRecords"][1];
    assert_eq!(elena["Account"]["Name"], json!("Rossi Family Wines"));
    assert_eq!(elena["Account"]["attributes"]["type"], json!("Account"));
    assert!(elena["AccountId"]
        .as_str()
        .expect("AccountId")
        .starts_with("001"));
    let marco = &body["searchRecords"][0];
    assert_eq!(marco["Company"], json!("Rossi Imports"));
    assert_eq!(marco["Rating"], json!("Cold"));
    assert_eq!(marco["MobilePhone"], Value::Null);
}

#[tokio::test]
async fn sosl_finds_new_records_and_other_groups() {
    let s = session().await;
    assert!(phone_search(&s, "7195550123").await.is_empty());
    s.create_ok(
        "Lead",
        json!({"LastName": "Newcomer", "Company": "Fresh Co", "Phone": "+1 (719) 555-0123"}),
    )
    .await;
    assert_eq!(phone_search(&s, "7195550123").await, ["Lead:Newcomer"]);
    assert_eq!(
        phone_search(&s, "7195550123 OR 7205550133").await,
        ["Lead:Priya Raman", "Lead:Newcomer"]
    );

    let (status, b) = s
        .search("FIND {müller OR o\\'connor} IN NAME FIELDS RETURNING Lead(Name), Contact(Name)")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        names(&b["searchRecords"]),
        ["Siobhan O'Connor", "Jürgen Müller"]
    );
    let (_, b) = s
        .search(
            "FIND {summitoutdoor.example} IN EMAIL FIELDS RETURNING Contact(Name ORDER BY Name)",
        )
        .await;
    assert_eq!(
        names(&b["searchRecords"]),
        ["Aisha Bello", "Dana Whitfield"]
    );
    let (_, b) = s
        .search("FIND {\"Harbour & Sons\"} RETURNING Lead(Name, Company), Account(Name) LIMIT 5")
        .await;
    assert_eq!(names(&b["searchRecords"]), ["Siobhan O'Connor"]);
    let (_, b) = s.search("FIND {Summit}").await;
    let recs = b["searchRecords"].as_array().expect("records");
    assert!(!recs.is_empty());
    assert!(recs
        .iter()
        .all(|r| r["Id"].is_string() && r.get("Name").is_none()));

    for bad in [
        "FIND 7205550100",
        "FIND {7205550100",
        "FIND {abc} RETURNING Lead(Id",
    ] {
        let (status, b) = s.search(bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(error_code(&b), "MALFORMED_SEARCH", "{bad}");
    }
    let (status, b) = s.search("FIND {abc} RETURNING Widget(Id)").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "INVALID_TYPE");
    let (_, b) = s.search("FIND {abc} RETURNING Lead(Id, Nope)").await;
    assert_eq!(error_code(&b), "INVALID_FIELD");
}

/// `Type:Name` of every record a search returned, in order.
fn typed_names(body: &Value) -> Vec<String> {
    body["searchRecords"]
        .as_array()
        .expect("searchRecords")
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["attributes"]["type"].as_str().unwrap_or_default(),
                r["Name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[tokio::test]
async fn sosl_text_search_matches_whole_words_in_the_search_group() {
    let s = session().await;
    let returning = "RETURNING Contact(Name ORDER BY Name), Lead(Name WHERE IsConverted = false ORDER BY Name), Account(Name ORDER BY Name)";
    let found = |term: &str, group: &str| {
        let sosl = format!("FIND {{{term}}} IN {group} FIELDS {returning}");
        let s = &s;
        async move {
            let (status, body) = s.search(&sosl).await;
            assert_eq!(status, StatusCode::OK, "{sosl}: {body}");
            typed_names(&body)
        }
    };
    // Whole words, any order, case-insensitive; a part of a word finds nothing.
    assert_eq!(
        found("\"whitfield\" \"dana\"", "NAME").await,
        ["Contact:Dana Whitfield"]
    );
    assert!(found("hitfiel", "NAME").await.is_empty());
    // A trailing * asks for words that start so.
    assert_eq!(found("Whit*", "NAME").await, ["Contact:Dana Whitfield"]);
    // A contact's account name is one of its name fields; so is an account's website.
    assert_eq!(
        found("\"Summit Outdoor Supply\"", "NAME").await,
        [
            "Contact:Aisha Bello",
            "Contact:Dana Whitfield",
            "Account:Summit Outdoor Supply"
        ]
    );
    assert_eq!(
        found("\"summitholdings.example\"", "NAME").await,
        ["Account:Summit Holdings Inc."]
    );
    // A lead's company is a name field.
    assert_eq!(
        found("\"Summit Trail Rentals\"", "NAME").await,
        [
            "Contact:Rosa Delgado",
            "Lead:Lena Vogt",
            "Account:Summit Trail Rentals"
        ]
    );
    // Escaped reserved characters are text; punctuation separates words as in the index.
    assert_eq!(found("O\\'Connor", "NAME").await, ["Lead:Siobhan O'Connor"]);
    assert_eq!(found("\"Kim \\& Park\"", "NAME").await, ["Lead:Grace Kim"]);
    assert_eq!(found("Müller", "NAME").await, ["Contact:Jürgen Müller"]);
    // Japanese has no spaces: any run of its characters matches.
    assert_eq!(found("佐藤", "NAME").await, ["Lead:美咲 佐藤"]);
    assert_eq!(
        found("\"さくらデザイン\"", "NAME").await,
        ["Lead:美咲 佐藤"]
    );
    // Email fields: a whole address, or a domain's words.
    assert_eq!(
        found("\"dana.whitfield@summitoutdoor.example\"", "EMAIL").await,
        ["Contact:Dana Whitfield"]
    );
    assert_eq!(
        found("\"summittrail.example\"", "EMAIL").await,
        ["Contact:Rosa Delgado", "Lead:Lena Vogt"]
    );
    // Names are not email fields, and emails are not name fields.
    assert!(found("Whitfield", "EMAIL")
        .await
        .contains(&"Contact:Dana Whitfield".to_string()));
    assert!(found("\"summittrail.example\"", "NAME").await == ["Account:Summit Trail Rentals"]);
    assert!(found("Rosa", "EMAIL").await == ["Contact:Rosa Delgado"]);
    assert!(found("\"Operations Manager\"", "NAME").await.is_empty());
    // A term of punctuation only matches nothing.
    assert!(found("\\&\\&", "NAME").await.is_empty());

    // Shorter than two characters: refused, as Salesforce refuses it.
    let (status, body) = s
        .search(&format!("FIND {{J*}} IN NAME FIELDS {returning}"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "INVALID_SEARCH");
    assert!(
        body[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("search term must be longer than one character"),
        "{body}"
    );
}

// ---------------------------------------------------------------------------
// DML
// ---------------------------------------------------------------------------

#[tokio::test]
async fn task_create_validation() {
    let s = session().await;
    let dana = s
        .id_of("SELECT Id FROM Contact WHERE Name = 'Dana Whitfield'")
        .await;
    let priya = s
        .id_of("SELECT Id FROM Lead WHERE Name = 'Priya Raman'")
        .await;
    let summit = s
        .id_of("SELECT Id FROM Account WHERE Name = 'Summit Outdoor Supply'")
        .await;
    let opp = s
        .id_of("SELECT Id FROM Opportunity WHERE Name = 'Summit - Store Fixtures'")
        .await;

    let expect = |status: StatusCode, body: &Value, code: &str, field: Option<&str>| {
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(body), code, "{body}");
        if let Some(f) = field {
            assert_eq!(body[0]["fields"], json!([f]), "{body}");
        }
    };

    let (st, b) = s
        .create("Task", json!({"Id": "00T000000000001AAA", "Subject": "x"}))
        .await;
    expect(st, &b, "INVALID_FIELD", None);
    assert_eq!(
        b[0]["message"],
        json!("The Id field should not be specified in the sobject data.")
    );
    let (st, b) = s
        .create("Task", json!({"Subject": "x", "Mood": "good"}))
        .await;
    expect(st, &b, "INVALID_FIELD", None);
    let (st, b) = s
        .send_json(
            reqwest::Method::POST,
            &format!("{V}/sobjects/Task"),
            "{\"Subject\": ",
        )
        .await;
    expect(st, &b, "JSON_PARSER_ERROR", None);
    let (st, b) = s.create("Lead", json!({"FirstName": "Only"})).await;
    expect(st, &b, "REQUIRED_FIELD_MISSING", None);
    assert_eq!(b[0]["fields"], json!(["LastName", "Company"]));
    let (st, b) = s.create("Task", json!({"Subject": "s".repeat(256)})).await;
    expect(st, &b, "STRING_TOO_LONG", Some("Subject"));
    let (st, b) = s
        .create(
            "Task",
            json!({"Subject": "ok", "Description": "d".repeat(32001)}),
        )
        .await;
    expect(st, &b, "STRING_TOO_LONG", Some("Description"));
    let (st, b) = s
        .create("Task", json!({"CallDisposition": "c".repeat(256)}))
        .await;
    expect(st, &b, "STRING_TOO_LONG", Some("CallDisposition"));
    let (st, b) = s
        .create("Task", json!({"CallObject": "c".repeat(256)}))
        .await;
    expect(st, &b, "STRING_TOO_LONG", Some("CallObject"));
    for (field, value) in [
        ("TaskSubtype", "Meeting"),
        ("CallType", "Sideways"),
        ("Status", "Done"),
        ("Priority", "Urgent"),
    ] {
        let (st, b) = s
            .create("Task", json!({"Subject": "x", field: value}))
            .await;
        expect(
            st,
            &b,
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            Some(field),
        );
        assert!(b[0]["message"]
            .as_str()
            .expect("message")
            .ends_with(&format!("bad value for restricted picklist field: {value}")));
    }
    let (st, b) = s
        .create("Task", json!({"Subject": "x", "WhoId": summit}))
        .await;
    expect(st, &b, "INVALID_CROSS_REFERENCE_KEY", Some("WhoId"));
    let (st, b) = s
        .create(
            "Task",
            json!({"Subject": "x", "WhoId": "003000000000000AAA"}),
        )
        .await;
    expect(st, &b, "INVALID_CROSS_REFERENCE_KEY", Some("WhoId"));
    let (st, b) = s
        .create("Task", json!({"Subject": "x", "WhatId": priya}))
        .await;
    expect(st, &b, "INVALID_CROSS_REFERENCE_KEY", Some("WhatId"));
    let (st, b) = s
        .create("Task", json!({"Subject": "x", "WhoId": "bogus"}))
        .await;
    expect(st, &b, "INVALID_CROSS_REFERENCE_KEY", Some("WhoId"));
    let (st, b) = s
        .create(
            "Task",
            json!({"Subject": "x", "WhoId": priya, "WhatId": opp}),
        )
        .await;
    expect(st, &b, "FIELD_INTEGRITY_EXCEPTION", Some("WhatId"));
    let (st, b) = s
        .create("Task", json!({"Subject": "x", "IsClosed": true}))
        .await;
    expect(st, &b, "INVALID_FIELD_FOR_INSERT_UPDATE", Some("IsClosed"));
    assert_eq!(s.org.records("Task").len(), 2, "nothing was saved");

    // A valid call log.
    let id = s
        .create_ok(
            "Task",
            json!({
                "Subject": "Inbound call from Dana Whitfield",
                "TaskSubtype": "Call",
                "Type": "Call",
                "CallType": "Inbound",
                "Status": "Completed",
                "Priority": "Normal",
                "CallDurationInSeconds": 95,
                "CallObject": "call-0001",
                "ActivityDate": "2026-11-25",
                "Description": "Asked about the damaged shipment. Ça va, Jürgen? 你好",
                "WhoId": dana,
                "WhatId": opp,
            }),
        )
        .await;
    assert!(id.starts_with("00T") && id.len() == 18);
    let (st, task) = s.get_json(&format!("{V}/sobjects/Task/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(task["attributes"]["type"], json!("Task"));
    assert_eq!(task["IsClosed"], json!(true));
    assert_eq!(task["AccountId"], json!(summit));
    assert_eq!(task["TaskSubtype"], json!("Call"));
    assert_eq!(task["CallDurationInSeconds"], json!(95));
    assert_eq!(task["IsDeleted"], json!(false));
    assert!(task["OwnerId"].as_str().expect("owner").starts_with("005"));
    let created = task["CreatedDate"].as_str().expect("created");
    assert_eq!(created.len(), 28);
    assert!(created.ends_with(".000+0000"), "{created}");
    let (_, only) = s
        .get_json(&format!("{V}/sobjects/Task/{id}?fields=Subject,CallType"))
        .await;
    assert_eq!(
        only,
        json!({"attributes": task["attributes"], "Subject": "Inbound call from Dana Whitfield", "CallType": "Inbound"})
    );
    assert_eq!(s.org.records("Task").len(), 3);

    // A lead WhoId without WhatId is fine; defaults are filled in.
    let id = s
        .create_ok("Task", json!({"Subject": "Call Priya", "WhoId": priya}))
        .await;
    let (_, task) = s.get_json(&format!("{V}/sobjects/Task/{id}")).await;
    assert_eq!(task["Status"], json!("Not Started"));
    assert_eq!(task["Priority"], json!("Normal"));
    assert_eq!(task["TaskSubtype"], json!("Task"));
    assert_eq!(task["IsClosed"], json!(false));
    assert_eq!(task["AccountId"], Value::Null);
}

#[tokio::test]
async fn update_delete_and_conditional_patch() {
    let s = session().await;
    let priya = s
        .id_of("SELECT Id FROM Lead WHERE Name = 'Priya Raman'")
        .await;
    let path = format!("{V}/sobjects/Lead/{priya}");
    let (st, b) = s
        .send_json(
            reqwest::Method::PATCH,
            &path,
            r#"{"Rating":"Hot","Status":"Working - Contacted"}"#,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{b}");
    let (_, lead) = s.get_json(&path).await;
    assert_eq!(lead["Rating"], json!("Hot"));
    assert_eq!(lead["Status"], json!("Working - Contacted"));
    assert_ne!(lead["LastModifiedDate"], lead["CreatedDate"]);

    let (st, b) = s
        .send_json(reqwest::Method::PATCH, &path, r#"{"Rating":"Lukewarm"}"#)
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    let (st, b) = s
        .send_json(reqwest::Method::PATCH, &path, r#"{"LastName":null}"#)
        .await;
    assert_eq!(
        (st, error_code(&b)),
        (StatusCode::BAD_REQUEST, "REQUIRED_FIELD_MISSING")
    );

    // Stale If-Unmodified-Since -> 412; a bad one -> 400; a current one passes.
    let patch_if = |value: &'static str| {
        let http = s.http.clone();
        let url = s.url(&path);
        let token = s.token.clone();
        async move {
            http.patch(url)
                .bearer_auth(token)
                .header("If-Unmodified-Since", value)
                .header("Content-Type", "application/json")
                .body(r#"{"Title":"COO"}"#)
                .send()
                .await
                .expect("patch")
        }
    };
    let r = patch_if("Mon, 30 Nov 2020 08:34:54 GMT").await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let b: Value = r.json().await.expect("json");
    assert_eq!(error_code(&b), "PRECONDITION_FAILED");
    let r = patch_if("not a date").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = patch_if("Fri, 01 Jan 2100 00:00:00 GMT").await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    // Converted leads cannot be updated.
    let tom = s
        .id_of("SELECT Id FROM Lead WHERE IsConverted = true")
        .await;
    let (st, b) = s
        .send_json(
            reqwest::Method::PATCH,
            &format!("{V}/sobjects/Lead/{tom}"),
            r#"{"Rating":"Hot"}"#,
        )
        .await;
    assert_eq!(
        (st, error_code(&b)),
        (StatusCode::BAD_REQUEST, "CANNOT_UPDATE_CONVERTED_LEAD")
    );

    // Stage changes recompute the derived opportunity fields.
    let opp = s
        .id_of("SELECT Id FROM Opportunity WHERE Name = 'Bergmann - Retrofit'")
        .await;
    let opp_path = format!("{V}/sobjects/Opportunity/{opp}");
    let (st, _) = s
        .send_json(
            reqwest::Method::PATCH,
            &opp_path,
            r#"{"StageName":"Closed Lost"}"#,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, o) = s.get_json(&opp_path).await;
    assert_eq!(o["Probability"], json!(0.0));
    assert_eq!(o["IsClosed"], json!(true));
    assert_eq!(o["IsWon"], json!(false));
    assert_eq!(o["ForecastCategoryName"], json!("Omitted"));

    // Delete, then the record is gone from queries and answers ENTITY_IS_DELETED.
    let (st, _) = s.send_json(reqwest::Method::DELETE, &path, "").await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, b) = s.get_json(&path).await;
    assert_eq!(
        (st, error_code(&b)),
        (StatusCode::NOT_FOUND, "ENTITY_IS_DELETED")
    );
    let b = s
        .query_ok("SELECT Id FROM Lead WHERE Name = 'Priya Raman'")
        .await;
    assert_eq!(b["totalSize"], json!(0));
    assert!(s
        .org
        .records("Lead")
        .iter()
        .all(|r| r["Name"] != json!("Priya Raman")));
    let all = s
        .get_json(&format!(
            "{V}/queryAll?q=SELECT+Id,IsDeleted+FROM+Lead+WHERE+Name+=+'Priya+Raman'"
        ))
        .await
        .1;
    assert_eq!(all["records"][0]["IsDeleted"], json!(true));
}

#[tokio::test]
async fn create_lead_and_read_it_back() {
    let s = session().await;
    let id = s
        .create_ok(
            "Lead",
            json!({
                "FirstName": "Zoë",
                "LastName": "D'Arcy",
                "Company": "Ünïcode & Co",
                "Phone": "+1 303 555 0111",
                "Email": "zoe@unicode.example",
                "Rating": "Warm",
                "attributes": {"type": "Lead"},
            }),
        )
        .await;
    let (st, lead) = s.get_json(&format!("{V}/sobjects/lead/{id}/")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(lead["Name"], json!("Zoë D'Arcy"));
    assert_eq!(lead["Status"], json!("Open - Not Contacted"));
    assert_eq!(lead["IsConverted"], json!(false));
    let records = s.org.records("Lead");
    let last = records.last().expect("lead");
    assert_eq!(last["Id"], json!(id));
    let (st, b) = s
        .create(
            "Lead",
            json!({"LastName": "X", "Company": "Y", "Email": "no-at-sign"}),
        )
        .await;
    assert_eq!(
        (st, error_code(&b)),
        (StatusCode::BAD_REQUEST, "INVALID_EMAIL_ADDRESS")
    );
    let (st, b) = s
        .create(
            "Opportunity",
            json!({"Name": "N", "StageName": "Won-ish", "CloseDate": "2026-12-01"}),
        )
        .await;
    assert_eq!(
        (st, error_code(&b)),
        (
            StatusCode::BAD_REQUEST,
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
        )
    );
    let (st, b) = s.get_json(&format!("{V}/sobjects/Lead/describe")).await;
    assert_eq!(st, StatusCode::OK);
    let status_field = b["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == json!("Status"))
        .expect("Status field");
    assert_eq!(status_field["restrictedPicklist"], json!(true));
    assert_eq!(
        status_field["picklistValues"][0]["value"],
        json!("Open - Not Contacted")
    );
}

// ---------------------------------------------------------------------------
// Test support surfaces
// ---------------------------------------------------------------------------

#[tokio::test]
async fn request_log_and_admin_api() {
    let s = session().await;
    let _ = s.query("SELECT Id FROM Account").await;
    let log = s.org.request_log();
    let methods_paths: Vec<(String, String)> = log
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        methods_paths,
        [
            ("GET".to_string(), "/services/oauth2/authorize".to_string()),
            ("POST".to_string(), "/services/oauth2/token".to_string()),
            ("GET".to_string(), format!("{V}/query")),
        ]
    );
    assert!(log[2]
        .query
        .as_deref()
        .expect("query")
        .starts_with("q=SELECT"));
    assert!(log[1].query.is_none());

    let leads: Value = s
        .http
        .get(s.url("/__admin/records/Lead"))
        .send()
        .await
        .expect("admin")
        .json()
        .await
        .expect("json");
    assert_eq!(
        leads.as_array().map(Vec::len),
        Some(s.org.records("Lead").len())
    );
    let requests: Value = s
        .http
        .get(s.url("/__admin/requests"))
        .send()
        .await
        .expect("admin")
        .json()
        .await
        .expect("json");
    assert_eq!(requests[2]["path"], json!(format!("{V}/query")));
    assert_eq!(s.org.request_log().len(), 3, "admin calls are not logged");
    let r = s
        .http
        .get(s.url("/__admin/records/Widget"))
        .send()
        .await
        .expect("admin");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn seed_data_is_present() {
    let org = FakeOrg::start(0).await.expect("start");
    let phones = |sobject: &str| -> Vec<(String, String)> {
        org.records(sobject)
            .iter()
            .flat_map(|r| {
                ["Phone", "MobilePhone"].into_iter().filter_map(move |f| {
                    r[f].as_str().map(|p| {
                        (
                            r["Name"].as_str().unwrap_or_default().to_string(),
                            p.to_string(),
                        )
                    })
                })
            })
            .collect()
    };
    let all: Vec<(String, String)> = ["Account", "Contact", "Lead"]
        .iter()
        .flat_map(|o| phones(o))
        .collect();
    for (name, phone) in [
        ("Summit Outdoor Supply", "(720) 555-0100"),
        ("Dana Whitfield", "+1 720 555 0111"),
        ("Dana Whitfield", "720.555.0122"),
        ("Bergmann Maschinenbau GmbH", "+49 89 1234567"),
        ("Jürgen Müller", "089 7654321"),
        ("Priya Raman", "720-555-0133"),
        ("Siobhan O'Connor", "+17205550144"),
        ("Tom Becker", "(303) 555-0177"),
        ("Marco Rossi", "(303) 555-0188"),
        ("Elena Rossi", "303-555-0188"),
        ("Wei Zhang", "0049 30 12345678"),
        ("Nadia Decoy", "+44 20 7946 0100"),
    ] {
        assert!(
            all.contains(&(name.to_string(), phone.to_string())),
            "{name} {phone}"
        );
    }
    assert!(org.records("Nothing").is_empty());
}

#[tokio::test]
async fn binary_prints_its_url_and_writes_the_port_file() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = std::env::temp_dir().join(format!("fake-org-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let port_file = dir.join("port");
    let mut child = Command::new(env!("CARGO_BIN_EXE_callside-fake-org"))
        .args(["--port", "0", "--port-file"])
        .arg(&port_file)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("line");
    let port: u16 = std::fs::read_to_string(&port_file)
        .expect("port file")
        .trim()
        .parse()
        .expect("port number");
    assert_eq!(
        line.trim_end(),
        format!(
            "callside-fake-org listening on http://127.0.0.1:{port} (client id {DEMO_CLIENT_ID})"
        )
    );
    let r = client()
        .get(format!("http://127.0.0.1:{port}/services/data/"))
        .send()
        .await
        .expect("versions");
    assert_eq!(r.status(), StatusCode::OK);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
