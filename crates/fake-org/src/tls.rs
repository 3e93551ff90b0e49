//! Certificates for serving the fake org over HTTPS in tests and the conformance run.
//!
//! [`generate`] makes a throw-away certificate authority and a server certificate it
//! signed for `localhost`, `127.0.0.1` and `::1` (ECDSA P-256, valid from yesterday for
//! ten years). Clients trust the CA (`ca_pem`): Python's `requests` with
//! `session.verify = "ca.pem"`, reqwest with `add_root_certificate`, Node with
//! `NODE_EXTRA_CA_CERTS`. A separate CA rather than one self-signed leaf keeps strict
//! verifiers (OpenSSL's X509_STRICT, webpki) happy.

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

/// A CA certificate and a server certificate + key it signed, all PEM.
#[derive(Clone)]
pub struct GeneratedCert {
    /// The certificate authority to trust.
    pub ca_pem: String,
    /// The server's certificate chain: its own certificate, then the CA's.
    pub cert_pem: String,
    /// The server certificate's private key (PKCS#8).
    pub key_pem: String,
}

impl std::fmt::Debug for GeneratedCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedCert").finish_non_exhaustive()
    }
}

impl GeneratedCert {
    /// Writes `ca.pem`, `cert.pem` and `key.pem` into `dir` (created if missing).
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("ca.pem"), &self.ca_pem)?;
        std::fs::write(dir.join("cert.pem"), &self.cert_pem)?;
        std::fs::write(dir.join("key.pem"), &self.key_pem)?;
        Ok(())
    }
}

/// A fresh CA and a server certificate for `localhost`, `127.0.0.1` and `::1`.
pub fn generate() -> Result<GeneratedCert, rcgen::Error> {
    let now = OffsetDateTime::now_utc();
    let not_before = now - Duration::days(1);
    let not_after = now + Duration::days(3650);

    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Callside Fake Org Test CA");
    ca_params
        .distinguished_name
        .push(DnType::OrganizationName, "Callside tests");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = not_before;
    ca_params.not_after = not_after;
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;

    let mut params = CertificateParams::new(vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ])?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = not_after;
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &ca)?;

    Ok(GeneratedCert {
        ca_pem: ca.pem(),
        cert_pem: format!("{}{}", cert.pem(), ca.pem()),
        key_pem: key.serialize_pem(),
    })
}
