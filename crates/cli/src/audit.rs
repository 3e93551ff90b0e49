//! `callside audit`: check the audit trail's hash chain, and export it as JSON lines.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use callside_core::audit::{self, AuditLog};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check that no entry was edited or deleted (every org's trail on this machine, or
    /// an exported file); exits 1 when one was
    Verify {
        /// An exported trail (JSON lines) to check instead
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Print the trail as JSON lines, one entry a line with its hashes
    Export {
        /// The org (its 00D id); needed when this machine has trails of several orgs
        #[arg(long, value_name = "ORG_ID")]
        org: Option<String>,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

pub fn run(data_dir: &Path, command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify {
            file: Some(file),
            json,
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let report = audit::verify_lines(&text);
            let name = file.display().to_string();
            print_report(&[(name, report.clone())], json)?;
            Ok(exit(report.intact()))
        }
        AuditCommand::Verify { file: None, json } => {
            let logs = audit::org_logs(data_dir)?;
            if logs.is_empty() && !json {
                println!("No audit trail on this machine yet.");
                return Ok(ExitCode::SUCCESS);
            }
            let mut reports = Vec::new();
            for (org_id, path) in logs {
                let log = AuditLog::open(&path, &org_id, "")?;
                reports.push((org_id, log.verify()?));
            }
            print_report(&reports, json)?;
            Ok(exit(reports.iter().all(|(_, r)| r.intact())))
        }
        AuditCommand::Export { org, output } => {
            let logs = audit::org_logs(data_dir)?;
            let (org_id, path) = match org {
                Some(org) => logs.into_iter().find(|(id, _)| *id == org).ok_or_else(|| {
                    anyhow::anyhow!("There is no audit trail of org {org} on this machine.")
                })?,
                None => match logs.len() {
                    0 => anyhow::bail!("There is no audit trail on this machine yet."),
                    1 => logs.into_iter().next().expect("one trail"),
                    _ => anyhow::bail!(
                        "This machine has trails of several orgs; choose one with --org: {}",
                        logs.iter()
                            .map(|(id, _)| id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
            };
            let log = AuditLog::open(&path, &org_id, "")?;
            match output {
                Some(file) => {
                    let mut out = std::fs::File::create(&file)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
                    let count = log.export(&mut out)?;
                    out.flush()?;
                    eprintln!("{count} entries written to {}", file.display());
                }
                None => {
                    let mut out = std::io::stdout().lock();
                    log.export(&mut out)?;
                    out.flush()?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn exit(intact: bool) -> ExitCode {
    if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_report(reports: &[(String, audit::Verification)], json: bool) -> anyhow::Result<()> {
    if json {
        let value: Vec<_> = reports
            .iter()
            .map(|(name, report)| {
                serde_json::json!({
                    "trail": name,
                    "intact": report.intact(),
                    "entries": report.entries,
                    "firstSeq": report.first_seq,
                    "lastSeq": report.last_seq,
                    "problem": report.problem,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    for (name, report) in reports {
        match &report.problem {
            None => println!(
                "ok      {name}: {} entries, the chain is intact",
                report.entries
            ),
            Some(problem) => println!("FAILED  {name}: {problem}"),
        }
    }
    Ok(())
}
