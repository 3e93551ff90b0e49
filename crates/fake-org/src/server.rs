//! The accept loop: HTTP/1.1 over plain TCP or TLS (rustls), one task per connection.
//!
//! The server runs its own loop on hyper-util instead of `axum::serve` so that a
//! request handler can drop the TCP connection it arrived on without answering (the
//! "dropped connection" faults): every request carries a [`ConnControl`] in its
//! extensions, and [`ConnControl::kill`] makes the connection's task return, which
//! drops the socket mid-request. The client sees the connection close before any
//! response byte, as when a load balancer or a flaky network cuts a call.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;
use tower_service::Service;

/// Lets a request handler close the connection it came in on.
#[derive(Clone, Default)]
pub(crate) struct ConnControl {
    killed: Arc<Notify>,
}

impl ConnControl {
    /// Closes the connection without an answer (as soon as the handler yields).
    pub fn kill(&self) {
        self.killed.notify_one();
    }
}

/// A rustls server configuration from PEM text: the certificate chain (leaf first)
/// and its private key (PKCS#8, PKCS#1 or SEC1).
pub(crate) fn tls_config(cert_pem: &str, key_pem: &str) -> std::io::Result<Arc<ServerConfig>> {
    let invalid = |msg: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, msg);
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| invalid(format!("bad certificate PEM: {e}")))?;
    if certs.is_empty() {
        return Err(invalid("no certificate in the certificate PEM".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| invalid(format!("bad private key PEM: {e}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS setup: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| invalid(format!("certificate and key do not fit: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves `app` on `listener` until the runtime shuts down.
pub(crate) fn spawn(listener: TcpListener, app: Router, tls: Option<Arc<ServerConfig>>) {
    let acceptor = tls.map(TlsAcceptor::from);
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait and go on.
                    tracing::warn!("fake org accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let app = app.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                match acceptor {
                    None => serve_connection(stream, app).await,
                    Some(acceptor) => {
                        let handshake =
                            tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream));
                        match handshake.await {
                            Ok(Ok(tls)) => serve_connection(tls, app).await,
                            Ok(Err(e)) => tracing::debug!("TLS handshake failed: {e}"),
                            Err(_) => tracing::debug!("TLS handshake timed out"),
                        }
                    }
                }
            });
        }
    });
}

async fn serve_connection<S>(io: S, app: Router)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let control = ConnControl::default();
    let killed = Arc::clone(&control.killed);
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(control.clone());
        // A Router is always ready, so `call` needs no `poll_ready` first.
        let mut app = app.clone();
        async move { app.call(req).await }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::select! {
        result = conn => {
            if let Err(e) = result {
                tracing::debug!("connection ended: {e}");
            }
        }
        // Returning drops the connection and with it the socket: no response is sent.
        _ = killed.notified() => {}
    }
}
