//! Helpers shared by the integration test files: sign in through the real OAuth flow
//! and call the REST API over HTTP.
#![allow(dead_code)]

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use callside_fake_org::{FakeOrg, DEMO_CLIENT_ID};
use reqwest::header::HeaderMap;
use reqwest::{redirect, Client, Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const REDIRECT: &str = "http://localhost:53682/oauth/callback";
pub const V: &str = "/services/data/v62.0";

pub fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

/// A client that trusts `ca_pem` (and nothing else).
pub fn tls_client(ca_pem: &str) -> Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("ca pem");
    Client::builder()
        .redirect(redirect::Policy::none())
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .build()
        .expect("tls client")
}

/// Query parameters of a URL.
pub fn query_of(location: &str) -> HashMap<String, String> {
    url::Url::parse(location)
        .expect("location url")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The authorization-code flow with PKCE; the token response.
pub async fn login(org: &FakeOrg, http: &Client) -> Value {
    let verifier = "v".repeat(64);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let resp = http
        .get(format!("{}/services/oauth2/authorize", org.base_url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("scope", "api refresh_token"),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    let code = query_of(&location).remove("code").expect("code");
    let resp = http
        .post(format!("{}/services/oauth2/token", org.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", DEMO_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.expect("token json")
}

pub struct Session {
    pub org: FakeOrg,
    pub http: Client,
    pub token: String,
}

/// A fresh org and a signed-in session on it.
pub async fn session() -> Session {
    let org = FakeOrg::start(0).await.expect("start");
    session_on(org, client()).await
}

pub async fn session_on(org: FakeOrg, http: Client) -> Session {
    let body = login(&org, &http).await;
    let token = body["access_token"].as_str().expect("token").to_string();
    Session { org, http, token }
}

/// A response's status, headers and JSON body (`Null` when empty).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Session {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.org.base_url())
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.expect("send");
        answer(resp).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn query(&self, soql: &str) -> Answer {
        let resp = self
            .http
            .get(self.url(&format!("{V}/query")))
            .query(&[("q", soql)])
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("query");
        answer(resp).await
    }

    pub async fn query_ok(&self, soql: &str) -> Value {
        let a = self.query(soql).await;
        assert_eq!(a.status, StatusCode::OK, "{soql}: {}", a.body);
        a.body
    }

    pub async fn create_ok(&self, sobject: &str, body: Value) -> String {
        let a = self.post(&format!("{V}/sobjects/{sobject}"), body).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        a.body["id"].as_str().expect("id").to_string()
    }

    pub async fn id_of(&self, soql: &str) -> String {
        let body = self.query_ok(soql).await;
        assert_eq!(body["totalSize"], json!(1), "{soql}: {body}");
        body["records"][0]["Id"].as_str().expect("Id").to_string()
    }
}

pub async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("text");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    Answer {
        status,
        headers,
        body,
    }
}

pub fn error_code(body: &Value) -> &str {
    body[0]["errorCode"].as_str().unwrap_or_default()
}

/// The records of `sobject` whose `field` equals `value`.
pub fn records_where(org: &FakeOrg, sobject: &str, field: &str, value: &str) -> Vec<Value> {
    org.records(sobject)
        .into_iter()
        .filter(|r| r[field].as_str() == Some(value))
        .collect()
}
