//! `callside-fake-org [--port N] [--port-file PATH] [--tls-cert PEM --tls-key PEM]`:
//! runs the demo org until SIGTERM, SIGINT or Ctrl-C.
//! `callside-fake-org --generate-cert DIR` writes a test CA and a server certificate
//! for 127.0.0.1/localhost (`ca.pem`, `cert.pem`, `key.pem`) and exits.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use callside_fake_org::{FakeOrg, DEMO_CLIENT_ID};

const USAGE: &str =
    "usage: callside-fake-org [--port N] [--port-file PATH] [--tls-cert PEM --tls-key PEM]
       callside-fake-org --generate-cert DIR

Serves a Salesforce-compatible demo org on 127.0.0.1.
  --port N              port to listen on (default 0: any free port)
  --port-file PATH      write the bound port number to PATH once listening
  --tls-cert PEM        serve HTTPS with this certificate chain (needs --tls-key)
  --tls-key PEM         the private key of --tls-cert
  --generate-cert DIR   write ca.pem, cert.pem and key.pem (a test CA and a server
                        certificate for 127.0.0.1 and localhost) into DIR and exit";

struct Args {
    port: u16,
    port_file: Option<PathBuf>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    generate_cert: Option<PathBuf>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        port: 0,
        port_file: None,
        tls_cert: None,
        tls_key: None,
        generate_cert: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let value = |it: &mut dyn Iterator<Item = String>| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let v = value(&mut it)?;
                args.port = v
                    .parse()
                    .map_err(|_| format!("--port: not a port number: {v}"))?;
            }
            "--port-file" => args.port_file = Some(PathBuf::from(value(&mut it)?)),
            "--tls-cert" => args.tls_cert = Some(PathBuf::from(value(&mut it)?)),
            "--tls-key" => args.tls_key = Some(PathBuf::from(value(&mut it)?)),
            "--generate-cert" => args.generate_cert = Some(PathBuf::from(value(&mut it)?)),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    if args.tls_cert.is_some() != args.tls_key.is_some() {
        return Err("--tls-cert and --tls-key go together".into());
    }
    Ok(Some(args))
}

fn generate_cert(dir: &Path) -> ExitCode {
    let written = callside_fake_org::tls::generate()
        .map_err(|e| e.to_string())
        .and_then(|cert| cert.write_to(dir).map_err(|e| e.to_string()));
    match written {
        Ok(()) => {
            println!(
                "wrote {0}/ca.pem, {0}/cert.pem and {0}/key.pem",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "callside-fake-org: cannot write a certificate to {}: {e}",
                dir.display()
            );
            ExitCode::FAILURE
        }
    }
}

async fn start(args: &Args) -> Result<FakeOrg, String> {
    match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let read = |p: &PathBuf| {
                std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
            };
            let (cert, key) = (read(cert)?, read(key)?);
            FakeOrg::start_tls(args.port, &cert, &key)
                .await
                .map_err(|e| format!("cannot serve HTTPS on 127.0.0.1:{}: {e}", args.port))
        }
        _ => FakeOrg::start(args.port)
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port)),
    }
}

fn write_port_file(path: &PathBuf, port: u16) -> std::io::Result<()> {
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, format!("{port}\n"))?;
    std::fs::rename(&tmp, path)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("callside-fake-org: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.generate_cert {
        return generate_cert(dir);
    }
    let org = match start(&args).await {
        Ok(org) => org,
        Err(e) => {
            eprintln!("callside-fake-org: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.port_file {
        if let Err(e) = write_port_file(path, org.port()) {
            eprintln!("callside-fake-org: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!(
        "callside-fake-org listening on {} (client id {DEMO_CLIENT_ID})",
        org.base_url()
    );
    use std::io::Write;
    let _ = std::io::stdout().flush();
    shutdown_signal().await;
    ExitCode::SUCCESS
}
