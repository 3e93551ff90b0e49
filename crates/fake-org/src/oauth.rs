//! OAuth 2.0 web-server flow with PKCE, refresh, revoke, UserInfo and the identity URL.
//!
//! Reproduces Salesforce's `/services/oauth2/{authorize,token,revoke,userinfo}` and
//! `/id/{orgId}/{userId}` for one connected app, [`crate::DEMO_CLIENT_ID`]:
//!
//! * `authorize` approves at once as the demo user (there is no login page) and
//!   redirects to `redirect_uri?code=…&state=…`. Codes look like Salesforce's (base64
//!   with `==` padding, so clients must URL-decode them), are single-use and live 10
//!   minutes.
//! * Unlike a real connected app, whose callback URL must match a registered one
//!   exactly (port included), the demo app accepts any `http://localhost:PORT/…` or
//!   `http://127.0.0.1:PORT/…` callback, so tests and the demo can use free ports.
//! * `token` answers the real JSON shape (`access_token`, `refresh_token` when the
//!   `refresh_token`/`offline_access` scope was granted or no scope was asked for,
//!   `signature`, `scope`, `instance_url`, `id`, `token_type`, `issued_at` as a string
//!   of epoch milliseconds) with no `expires_in`, and the real `{"error",
//!   "error_description"}` bodies with HTTP 400. No `id_token` is issued, and a
//!   `client_secret`, if sent, is not checked.
//! * Access tokens stay valid until revoked or [`crate::FakeOrg::expire_all_sessions`];
//!   refresh tokens stay valid until revoked (no rotation).
//! * `userinfo` and the identity URL answer a bad token with HTTP 401 and
//!   `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
//!   (a real org answers 403 with the text `Bad_OAuth_Token` there).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::distributions::Alphanumeric;
use rand::{Rng, RngCore};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::store::{id_matches, Store};
use crate::{invalid_session, json_response, Shared, DEMO_CLIENT_ID};

/// Key of the token `signature` (a real org uses the consumer secret).
const SIGNING_SECRET: &[u8] = b"callside-demo-consumer-secret";
const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// Scopes the demo connected app may grant.
const ALLOWED_SCOPES: &[&str] = &[
    "api",
    "web",
    "full",
    "id",
    "profile",
    "email",
    "address",
    "phone",
    "openid",
    "refresh_token",
    "offline_access",
    "visualforce",
    "chatter_api",
    "custom_permissions",
    "lightning",
    "content",
];
/// Granted when the authorize request names no scope.
const DEFAULT_SCOPE: &str = "refresh_token api web id";

struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    challenge: Option<String>,
    scope: String,
    issued: Instant,
}

struct AccessGrant {
    refresh_token: Option<String>,
}

struct RefreshGrant {
    client_id: String,
    scope: String,
}

/// Issued codes and tokens.
#[derive(Default)]
pub(crate) struct OAuthState {
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
}

impl OAuthState {
    pub fn is_valid_access_token(&self, token: &str) -> bool {
        self.access.contains_key(token)
    }

    pub fn expire_access_tokens(&mut self) {
        self.access.clear();
    }
}

/// HMAC-SHA256 (RFC 2104).
pub(crate) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for i in 0..64 {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

fn random_token(len: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

fn new_access_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    format!(
        "{}!AQ{}",
        crate::store::ORG_ID15,
        random_token(94, ALPHABET)
    )
}

fn new_refresh_token() -> String {
    let body: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(80)
        .map(char::from)
        .collect();
    format!("5Aep861{body}")
}

fn new_code() -> String {
    let mut bytes = [0u8; 58];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("aPrx{}", STANDARD.encode(bytes))
}

/// The form or query parameters of a request (first value of each name).
pub(crate) fn params(raw: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

/// The bearer token of a request (`Authorization: Bearer …` or `OAuth …`).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("Bearer") || scheme.eq_ignore_ascii_case("OAuth") {
        let token = token.trim();
        (!token.is_empty()).then(|| token.to_string())
    } else {
        None
    }
}

fn error_page(error: &str, description: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(description.as_bytes()).collect();
    let encoded = encoded.replace('+', "%20");
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>Callside Demo Org: authorization error</title></head>\
         <body><h1>Remote Access Authorization Error</h1>\
         <p>There was a problem in setting up your remote access.</p>\
         <p>error={error}&amp;error_description={encoded}</p></body></html>\n"
    );
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html;charset=UTF-8")],
        body,
    )
        .into_response()
}

fn redirect(location: String) -> Response {
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            (
                header::CACHE_CONTROL,
                "no-cache,must-revalidate,max-age=0,no-store,private".into(),
            ),
        ],
    )
        .into_response()
}

fn callback_url(redirect_uri: &url::Url, pairs: &[(&str, &str)]) -> String {
    let mut u = redirect_uri.clone();
    {
        let mut q = u.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    u.to_string()
}

/// Whether the demo app accepts this callback: `http(s)://localhost|127.0.0.1[:port]/…`.
fn allowed_redirect(uri: &str) -> Option<url::Url> {
    let u = url::Url::parse(uri).ok()?;
    let host_ok = matches!(
        u.host_str(),
        Some("localhost") | Some("127.0.0.1") | Some("[::1]")
    );
    let scheme_ok = u.scheme() == "http" || u.scheme() == "https";
    (host_ok && scheme_ok && u.fragment().is_none()).then_some(u)
}

/// `GET /services/oauth2/authorize`.
pub(crate) fn authorize(shared: &Shared, query: Option<&str>) -> Response {
    let p = params(query.unwrap_or_default().as_bytes());
    let client_id = p.get("client_id").map(String::as_str).unwrap_or_default();
    if client_id != DEMO_CLIENT_ID {
        return error_page("invalid_client_id", "client identifier invalid");
    }
    let Some(redirect_uri) = p.get("redirect_uri").and_then(|r| allowed_redirect(r)) else {
        return error_page(
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        );
    };
    let state = p.get("state").cloned();
    let fail = |error: &str, description: &str| {
        let mut pairs = vec![("error", error), ("error_description", description)];
        if let Some(s) = &state {
            pairs.push(("state", s.as_str()));
        }
        redirect(callback_url(&redirect_uri, &pairs))
    };
    if p.get("response_type").map(String::as_str) != Some("code") {
        return fail("unsupported_response_type", "response type not supported");
    }
    let challenge = p.get("code_challenge").filter(|c| !c.is_empty()).cloned();
    if let Some(method) = p.get("code_challenge_method") {
        if method != "S256" {
            return fail("invalid_request", "invalid code_challenge_method");
        }
    }
    let scope = match p.get("scope").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => DEFAULT_SCOPE.to_string(),
        Some(s) => {
            let mut granted: Vec<&str> = Vec::new();
            for item in s.split_whitespace() {
                if !ALLOWED_SCOPES.contains(&item) {
                    return fail("invalid_scope", "the requested scope is not allowed");
                }
                if !granted.contains(&item) {
                    granted.push(item);
                }
            }
            granted.join(" ")
        }
    };
    let code = new_code();
    {
        let mut st = shared.lock();
        st.oauth
            .codes
            .retain(|_, c| c.issued.elapsed() < CODE_LIFETIME);
        st.oauth.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: client_id.to_string(),
                redirect_uri: p.get("redirect_uri").cloned().unwrap_or_default(),
                challenge,
                scope,
                issued: Instant::now(),
            },
        );
    }
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &state {
        pairs.push(("state", s.as_str()));
    }
    redirect(callback_url(&redirect_uri, &pairs))
}

fn token_error(error: &str, description: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"error": error, "error_description": description}),
    )
}

fn basic_client_id(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = STANDARD.decode(b64.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, _secret) = text.split_once(':').unwrap_or((text.as_str(), ""));
    Some(id.to_string())
}

fn identity_url(shared: &Shared) -> String {
    format!(
        "{}/id/{}/{}",
        shared.base_url,
        Store::org_id(),
        Store::demo_user_id()
    )
}

fn token_success(
    shared: &Shared,
    scope: &str,
    refresh_token: Option<String>,
    access_token: String,
) -> Response {
    let issued_at =
        (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).to_string();
    let id = identity_url(shared);
    let signature = STANDARD.encode(hmac_sha256(
        SIGNING_SECRET,
        format!("{id}{issued_at}").as_bytes(),
    ));
    let mut body = serde_json::Map::new();
    body.insert("access_token".into(), Value::String(access_token));
    if let Some(rt) = refresh_token {
        body.insert("refresh_token".into(), Value::String(rt));
    }
    body.insert("signature".into(), Value::String(signature));
    body.insert("scope".into(), Value::String(scope.to_string()));
    body.insert(
        "instance_url".into(),
        Value::String(shared.base_url.clone()),
    );
    body.insert("id".into(), Value::String(id));
    body.insert("token_type".into(), Value::String("Bearer".into()));
    body.insert("issued_at".into(), Value::String(issued_at));
    json_response(StatusCode::OK, &Value::Object(body))
}

fn grants_refresh(scope: &str) -> bool {
    scope
        .split_whitespace()
        .any(|s| s == "refresh_token" || s == "offline_access")
}

/// `POST /services/oauth2/token`.
pub(crate) fn token(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Response {
    let p = params(body);
    let Some(grant_type) = p.get("grant_type").filter(|g| !g.is_empty()) else {
        return token_error("invalid_request", "grant type is missing");
    };
    let client_id = p
        .get("client_id")
        .cloned()
        .or_else(|| basic_client_id(headers))
        .unwrap_or_default();
    match grant_type.as_str() {
        "authorization_code" => {
            if client_id != DEMO_CLIENT_ID {
                return token_error("invalid_client_id", "client identifier invalid");
            }
            let code = p.get("code").cloned().unwrap_or_default();
            let grant = shared.lock().oauth.codes.remove(&code);
            let Some(grant) = grant else {
                return token_error("invalid_grant", "invalid authorization code");
            };
            if grant.issued.elapsed() >= CODE_LIFETIME {
                return token_error("invalid_grant", "expired authorization code");
            }
            if grant.client_id != client_id {
                return token_error("invalid_grant", "invalid authorization code");
            }
            if p.get("redirect_uri") != Some(&grant.redirect_uri) {
                return token_error(
                    "redirect_uri_mismatch",
                    "redirect_uri must match configuration",
                );
            }
            if let Some(challenge) = &grant.challenge {
                let Some(verifier) = p.get("code_verifier").filter(|v| !v.is_empty()) else {
                    return token_error("invalid_grant", "invalid code verifier");
                };
                let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                if &computed != challenge {
                    return token_error("invalid_grant", "invalid code verifier");
                }
            }
            let access = new_access_token();
            let refresh = grants_refresh(&grant.scope).then(new_refresh_token);
            {
                let mut st = shared.lock();
                if let Some(rt) = &refresh {
                    st.oauth.refresh.insert(
                        rt.clone(),
                        RefreshGrant {
                            client_id: client_id.clone(),
                            scope: grant.scope.clone(),
                        },
                    );
                }
                st.oauth.access.insert(
                    access.clone(),
                    AccessGrant {
                        refresh_token: refresh.clone(),
                    },
                );
            }
            token_success(shared, &grant.scope, refresh, access)
        }
        "refresh_token" => {
            if client_id != DEMO_CLIENT_ID {
                return token_error("invalid_client_id", "client identifier invalid");
            }
            let rt = p.get("refresh_token").cloned().unwrap_or_default();
            let access = new_access_token();
            let scope = {
                let mut st = shared.lock();
                let scope = match st.oauth.refresh.get(&rt) {
                    Some(g) if g.client_id == client_id => g.scope.clone(),
                    _ => {
                        drop(st);
                        return token_error("invalid_grant", "expired access/refresh token");
                    }
                };
                st.oauth.access.insert(
                    access.clone(),
                    AccessGrant {
                        refresh_token: Some(rt.clone()),
                    },
                );
                scope
            };
            token_success(shared, &scope, None, access)
        }
        _ => token_error("unsupported_grant_type", "grant type not supported"),
    }
}

/// `POST /services/oauth2/revoke` (form `token=`), also `GET ?token=`.
pub(crate) fn revoke(shared: &Shared, query: Option<&str>, body: &[u8]) -> Response {
    let mut p = params(body);
    if !p.contains_key("token") {
        p = params(query.unwrap_or_default().as_bytes());
    }
    let token = p.get("token").cloned().unwrap_or_default();
    let mut st = shared.lock();
    if st.oauth.access.remove(&token).is_some() {
        return StatusCode::OK.into_response();
    }
    if st.oauth.refresh.remove(&token).is_some() {
        st.oauth
            .access
            .retain(|_, g| g.refresh_token.as_deref() != Some(token.as_str()));
        return StatusCode::OK.into_response();
    }
    drop(st);
    token_error("invalid_token", "invalid token")
}

fn user_fields(shared: &Shared) -> (String, String, String, String, String) {
    let st = shared.lock();
    let user = st
        .store
        .find_live(&Store::demo_user_id())
        .map(|(_, r)| r.clone());
    let get = |k: &str| {
        user.as_ref()
            .and_then(|u| u.get(k))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    (
        get("FirstName"),
        get("LastName"),
        get("Name"),
        get("Username"),
        get("Email"),
    )
}

fn urls(shared: &Shared, version: Option<&str>) -> Value {
    let base = &shared.base_url;
    let v = version.unwrap_or("{version}");
    let org = Store::org_id();
    let user = Store::demo_user_id();
    json!({
        "enterprise": format!("{base}/services/Soap/c/{v}/{org}"),
        "metadata": format!("{base}/services/Soap/m/{v}/{org}"),
        "partner": format!("{base}/services/Soap/u/{v}/{org}"),
        "rest": format!("{base}/services/data/v{v}/"),
        "sobjects": format!("{base}/services/data/v{v}/sobjects/"),
        "search": format!("{base}/services/data/v{v}/search/"),
        "query": format!("{base}/services/data/v{v}/query/"),
        "recent": format!("{base}/services/data/v{v}/recent/"),
        "tooling_soap": format!("{base}/services/Soap/T/{v}/{org}"),
        "tooling_rest": format!("{base}/services/data/v{v}/tooling/"),
        "profile": format!("{base}/{user}"),
        "feeds": format!("{base}/services/data/v{v}/chatter/feeds"),
        "groups": format!("{base}/services/data/v{v}/chatter/groups"),
        "users": format!("{base}/services/data/v{v}/chatter/users"),
        "feed_items": format!("{base}/services/data/v{v}/chatter/feed-items"),
        "feed_elements": format!("{base}/services/data/v{v}/chatter/feed-elements"),
        "custom_domain": base,
    })
}

fn authorized(shared: &Shared, headers: &HeaderMap, query: &HashMap<String, String>) -> bool {
    let token = bearer(headers).or_else(|| query.get("oauth_token").cloned());
    token.is_some_and(|t| shared.lock().oauth.is_valid_access_token(&t))
}

/// `GET /services/oauth2/userinfo`.
pub(crate) fn userinfo(shared: &Shared, headers: &HeaderMap, query: Option<&str>) -> Response {
    let q = params(query.unwrap_or_default().as_bytes());
    if !authorized(shared, headers, &q) {
        return invalid_session();
    }
    let (first, last, name, username, email) = user_fields(shared);
    let base = &shared.base_url;
    let body = json!({
        "sub": identity_url(shared),
        "user_id": Store::demo_user_id(),
        "organization_id": Store::org_id(),
        "preferred_username": username,
        "nickname": username.split('@').next().unwrap_or_default(),
        "name": name,
        "email": email,
        "email_verified": true,
        "given_name": first,
        "family_name": last,
        "zoneinfo": "America/Denver",
        "photos": {
            "picture": format!("{base}/profilephoto/005/F"),
            "thumbnail": format!("{base}/profilephoto/005/T"),
        },
        "profile": format!("{base}/{}", Store::demo_user_id()),
        "picture": format!("{base}/profilephoto/005/F"),
        "address": {},
        "is_salesforce_integration_user": false,
        "urls": urls(shared, None),
        "active": true,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": -25200000,
        "updated_at": "2026-01-05T09:00:00Z",
        "is_app_installed": true,
    });
    json_response(StatusCode::OK, &body)
}

/// `GET /id/{orgId}/{userId}`.
pub(crate) fn identity(
    shared: &Shared,
    org: &str,
    user: &str,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Response {
    let q = params(query.unwrap_or_default().as_bytes());
    if !authorized(shared, headers, &q) {
        return invalid_session();
    }
    if !id_matches(&Store::org_id(), org) || !id_matches(&Store::demo_user_id(), user) {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain;charset=UTF-8")],
            "Bad_Id",
        )
            .into_response();
    }
    let (first, last, name, username, email) = user_fields(shared);
    let base = &shared.base_url;
    let version = q.get("version").map(String::as_str);
    let body = json!({
        "id": identity_url(shared),
        "asserted_user": true,
        "user_id": Store::demo_user_id(),
        "organization_id": Store::org_id(),
        "username": username,
        "nick_name": username.split('@').next().unwrap_or_default(),
        "display_name": name,
        "email": email,
        "email_verified": true,
        "first_name": first,
        "last_name": last,
        "timezone": "America/Denver",
        "photos": {
            "picture": format!("{base}/profilephoto/005/F"),
            "thumbnail": format!("{base}/profilephoto/005/T"),
        },
        "addr_street": null,
        "addr_city": "Denver",
        "addr_state": "CO",
        "addr_country": "US",
        "addr_zip": null,
        "mobile_phone": null,
        "mobile_phone_verified": false,
        "is_lightning_login_user": false,
        "status": {"created_date": null, "body": null},
        "urls": urls(shared, version),
        "active": true,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": -25200000,
        "last_modified_date": "2026-01-05T09:00:00.000+0000",
        "is_app_installed": true,
    });
    json_response(StatusCode::OK, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn redirect_rules() {
        assert!(allowed_redirect("http://localhost:53682/callback").is_some());
        assert!(allowed_redirect("http://127.0.0.1:1717/OauthRedirect").is_some());
        assert!(allowed_redirect("http://example.com/cb").is_none());
        assert!(allowed_redirect("myapp://cb").is_none());
        assert!(allowed_redirect("not a url").is_none());
    }

    #[test]
    fn codes_need_url_decoding() {
        let code = new_code();
        assert!(code.starts_with("aPrx") && code.ends_with("=="));
    }
}
