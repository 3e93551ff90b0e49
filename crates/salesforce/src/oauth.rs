//! Sign-in: the OAuth 2.0 authorization-code flow with PKCE (S256) and `state`, in the
//! system browser, with the redirect received on a loopback listener (RFC 8252).
//!
//! The listener is a few dozen lines over a `TcpListener` rather than an HTTP server
//! framework: it answers exactly one redirect, and keeping a server framework out of the
//! release binary keeps it small.

use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields,
    PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use crate::error::{Error, Result};
use crate::health::RequestSample;
use crate::secret::Sensitive;
use crate::token_store::StoredSession;

/// How to reach an org's login server and which connected app to sign in through.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    /// `https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain URL.
    pub login_url: Url,
    /// The connected app's consumer key.
    pub client_id: String,
    /// The loopback port registered in the connected app's callback URL.
    pub callback_port: u16,
    /// How long to wait for the browser to come back.
    pub timeout: Duration,
}

/// The scopes Callside asks for: REST access, a refresh token, and the identity.
pub const SCOPES: &[&str] = &["api", "refresh_token", "openid"];

impl OAuthConfig {
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}/callback", self.callback_port)
    }

    fn endpoint(&self, path: &str) -> Result<String> {
        self.login_url
            .join(path)
            .map(|url| url.to_string())
            .map_err(|e| Error::Config(format!("invalid login URL {}: {e}", self.login_url)))
    }

    fn client(&self) -> Result<SalesforceOAuthClient> {
        let auth_url = AuthUrl::new(self.endpoint("/services/oauth2/authorize")?)
            .map_err(|e| Error::Config(e.to_string()))?;
        let token_url = TokenUrl::new(self.endpoint("/services/oauth2/token")?)
            .map_err(|e| Error::Config(e.to_string()))?;
        let redirect_url =
            RedirectUrl::new(self.redirect_uri()).map_err(|e| Error::Config(e.to_string()))?;
        Ok(oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(auth_url)
            .set_token_uri(token_url)
            .set_redirect_uri(redirect_url))
    }
}

/// The fields Salesforce adds to a token response.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SalesforceTokenFields {
    pub instance_url: String,
    pub id: String,
    #[serde(default)]
    pub issued_at: Option<String>,
}

impl ExtraTokenFields for SalesforceTokenFields {}

type SalesforceTokenResponse = StandardTokenResponse<SalesforceTokenFields, BasicTokenType>;

type SalesforceOAuthClient = oauth2::Client<
    BasicErrorResponse,
    SalesforceTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The signed-in user, read from the userinfo endpoint.
#[derive(Clone, Debug, Deserialize)]
pub struct Identity {
    pub user_id: String,
    #[serde(rename = "organization_id")]
    pub org_id: String,
    pub name: String,
    #[serde(rename = "preferred_username")]
    pub username: String,
}

/// A fresh access token (and, with refresh-token rotation, a new refresh token).
pub struct Refreshed {
    pub access_token: Sensitive<String>,
    pub refresh_token: Option<Sensitive<String>>,
    pub instance_url: String,
}

fn http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        // The token endpoint must never be followed through a redirect (RFC 6749 §10.12).
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Error::Config(e.to_string()))
}

/// Opens `url` in the user's browser, honouring `$BROWSER` first as Linux tools do.
pub fn open_system_browser(url: String) -> Result<()> {
    webbrowser::open(&url).map_err(|e| {
        Error::SignIn(format!(
            "could not open a browser ({e}). Set $BROWSER or open this address yourself."
        ))
    })
}

/// Runs the whole browser sign-in: listens on the loopback port, opens the authorize
/// URL with `open_browser`, waits for the redirect, exchanges the code (with the PKCE
/// verifier) and reads the identity.
pub async fn sign_in<F>(config: &OAuthConfig, open_browser: F) -> Result<StoredSession>
where
    F: FnOnce(String) -> Result<()> + Send + 'static,
{
    sign_in_observed(config, open_browser, &|_| {}).await
}

/// [`sign_in`], telling `observer` about its requests to the login server (the code
/// exchange and the identity), as the client does for its own ([`crate::health`]).
pub async fn sign_in_observed<F>(
    config: &OAuthConfig,
    open_browser: F,
    observer: &(dyn Fn(&RequestSample) + Send + Sync),
) -> Result<StoredSession>
where
    F: FnOnce(String) -> Result<()> + Send + 'static,
{
    let client = config.client()?;
    let listener = TcpListener::bind(("127.0.0.1", config.callback_port))
        .await
        .map_err(|e| {
            Error::SignIn(format!(
                "cannot listen on 127.0.0.1:{} for the sign-in redirect ({e}). Close the program using that port or configure another callback port.",
                config.callback_port
            ))
        })?;

    let (pkce_challenge, pkce_verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(pkce_challenge);
    for scope in SCOPES {
        request = request.add_scope(Scope::new((*scope).to_string()));
    }
    let (authorize_url, state) = request.url();
    tracing::info!(login_url = %config.login_url, port = config.callback_port, "starting browser sign-in");

    let opener = tokio::task::spawn_blocking(move || open_browser(authorize_url.to_string()));
    let code = tokio::time::timeout(config.timeout, receive_redirect(&listener, state.secret()))
        .await
        .map_err(|_| {
            Error::SignIn(format!(
                "no answer from the browser within {} seconds",
                config.timeout.as_secs()
            ))
        })??;
    // A browser launcher that failed but still delivered the redirect is no error.
    if let Ok(Err(error)) = opener.await {
        tracing::warn!("browser launcher reported: {error}");
    }

    let http = http_client()?;
    let started = std::time::Instant::now();
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(pkce_verifier)
        .request_async(&http)
        .await
        .map_err(token_error);
    observer(&auth_sample(started, token.as_ref().err()));
    let token = token?;
    let extra = token.extra_fields();
    let access_token = Sensitive::new(token.access_token().secret().clone());
    let started = std::time::Instant::now();
    let identity = userinfo(&http, &extra.instance_url, &access_token).await;
    observer(&auth_sample(started, identity.as_ref().err()));
    let identity = identity?;
    Ok(StoredSession {
        access_token,
        refresh_token: token
            .refresh_token()
            .map(|t| Sensitive::new(t.secret().clone())),
        instance_url: extra.instance_url.clone(),
        identity_url: extra.id.clone(),
        user_id: identity.user_id,
        org_id: identity.org_id,
        user_name: identity.name,
        username: identity.username,
    })
}

/// A request to the login server as [`crate::health`] counts it: 200 when it worked,
/// else the answer's status (400 for a refusal) or 0 when no answer came.
pub(crate) fn auth_sample(started: std::time::Instant, failure: Option<&Error>) -> RequestSample {
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let status = match failure {
        None => 200,
        Some(Error::Api { status, .. }) => *status,
        Some(error) if error.kind() == crate::error::ErrorKind::Transport => 0,
        Some(_) => 400,
    };
    RequestSample {
        family: crate::health::Family::Auth,
        at_ms: crate::health::now_ms() - elapsed_ms as i64,
        elapsed_ms,
        status,
        error_code: failure.and_then(|error| crate::health::error_code_of(error, status)),
        usage: None,
    }
}

/// Exchanges a refresh token for a new access token.
pub async fn refresh(config: &OAuthConfig, refresh_token: &Sensitive<String>) -> Result<Refreshed> {
    let client = config.client()?;
    let http = http_client()?;
    let token = client
        .exchange_refresh_token(&RefreshToken::new(refresh_token.expose().clone()))
        .request_async(&http)
        .await
        .map_err(|error| match error {
            RequestTokenError::ServerResponse(response)
                if response.error().as_ref() == "invalid_grant" =>
            {
                Error::SignInRequired(
                    response
                        .error_description()
                        .cloned()
                        .unwrap_or_else(|| "the refresh token was refused".into()),
                )
            }
            other => token_error(other),
        })?;
    Ok(Refreshed {
        access_token: Sensitive::new(token.access_token().secret().clone()),
        refresh_token: token
            .refresh_token()
            .map(|t| Sensitive::new(t.secret().clone())),
        instance_url: token.extra_fields().instance_url.clone(),
    })
}

/// Revokes a token at the login server; revoking the refresh token ends its access
/// tokens too.
pub async fn revoke(config: &OAuthConfig, token: &Sensitive<String>) -> Result<()> {
    let http = http_client()?;
    let response = http
        .post(config.endpoint("/services/oauth2/revoke")?)
        .form(&[("token", token.expose().as_str())])
        .send()
        .await
        .map_err(Error::from_reqwest)?;
    let status = response.status();
    // 400 invalid_token means it was already gone: the goal is reached.
    if status.is_success() || status.as_u16() == 400 {
        Ok(())
    } else {
        Err(Error::SignIn(format!(
            "revoking the token failed (HTTP {status})"
        )))
    }
}

async fn userinfo(
    http: &reqwest::Client,
    instance_url: &str,
    access_token: &Sensitive<String>,
) -> Result<Identity> {
    let url = format!(
        "{}/services/oauth2/userinfo",
        instance_url.trim_end_matches('/')
    );
    let response = http
        .get(url)
        .bearer_auth(access_token.expose())
        .send()
        .await
        .map_err(Error::from_reqwest)?;
    let status = response.status();
    let body = response.text().await.map_err(Error::from_reqwest)?;
    if !status.is_success() {
        return Err(Error::from_response(status.as_u16(), &body));
    }
    serde_json::from_str(&body).map_err(|e| Error::Decode(format!("userinfo: {e}")))
}

fn token_error<RE: std::error::Error + 'static>(
    error: RequestTokenError<RE, BasicErrorResponse>,
) -> Error {
    match error {
        RequestTokenError::ServerResponse(response) => Error::SignIn(format!(
            "the login server refused the sign-in: {}{}",
            response.error().as_ref(),
            response
                .error_description()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        )),
        RequestTokenError::Request(inner) => {
            Error::Unreachable(format!("the login server could not be reached ({inner})"))
        }
        RequestTokenError::Parse(inner, _) => Error::Decode(format!("token response: {inner}")),
        RequestTokenError::Other(text) => Error::SignIn(text),
    }
}

/// Answers loopback connections until the redirect with the expected `state` arrives.
async fn receive_redirect(listener: &TcpListener, expected_state: &str) -> Result<String> {
    loop {
        let (stream, _) = listener
            .accept()
            .await
            .map_err(|e| Error::SignIn(format!("the loopback listener failed: {e}")))?;
        if let Some(outcome) = handle_connection(stream, expected_state).await {
            return outcome;
        }
    }
}

/// Handles one browser connection. `None` means "not the redirect, keep listening".
async fn handle_connection(mut stream: TcpStream, expected_state: &str) -> Option<Result<String>> {
    let head = match tokio::time::timeout(Duration::from_secs(10), read_head(&mut stream)).await {
        Ok(Ok(head)) => head,
        _ => return None,
    };
    let mut parts = head.lines().next().unwrap_or_default().split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    if method == "OPTIONS" {
        // Chrome's Private Network Access preflight.
        respond(&mut stream, "204 No Content", "").await;
        return None;
    }
    let Ok(url) = Url::parse(&format!("http://localhost{target}")) else {
        respond(&mut stream, "400 Bad Request", &page("Bad request", "")).await;
        return None;
    };
    if url.path() != "/callback" {
        respond(&mut stream, "404 Not Found", &page("Not found", "")).await;
        return None;
    }
    if method != "GET" {
        respond(
            &mut stream,
            "405 Method Not Allowed",
            &page("Method not allowed", ""),
        )
        .await;
        return None;
    }
    let query = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    let outcome = if let Some(error) = query("error") {
        let description = query("error_description").unwrap_or_default();
        Err(Error::SignIn(
            if error == "access_denied" || error == "access-denied" {
                "access was denied in the browser".to_string()
            } else {
                format!("{error} {description}").trim().to_string()
            },
        ))
    } else if query("state").as_deref() != Some(expected_state) {
        Err(Error::SignIn(
            "the browser returned a redirect with the wrong state; the sign-in was stopped".into(),
        ))
    } else {
        match query("code") {
            Some(code) if !code.is_empty() => Ok(code),
            _ => Err(Error::SignIn(
                "the redirect carried no authorization code".into(),
            )),
        }
    };
    match &outcome {
        Ok(_) => {
            respond(
                &mut stream,
                "200 OK",
                &page(
                    "Signed in to Callside",
                    "You can close this tab and return to Callside.",
                ),
            )
            .await
        }
        Err(error) => {
            respond(
                &mut stream,
                "400 Bad Request",
                &page("Callside sign-in failed", &error.to_string()),
            )
            .await
        }
    }
    Some(outcome)
}

async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::with_capacity(2048);
    let mut chunk = [0u8; 1024];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") && buffer.len() < 16 * 1024 {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nAccess-Control-Allow-Private-Network: true\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn page(title: &str, text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{0}</title></head><body style=\"font-family:system-ui,sans-serif;margin:3em\"><h1>{0}</h1><p>{1}</p></body></html>",
        escape(title),
        escape(text)
    )
}
