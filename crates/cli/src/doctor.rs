//! `callside doctor` (the checks are in `callside_core::doctor`) and the warnings every
//! command prints about the administrator's policy.

use std::process::ExitCode;

use callside_core::doctor::{self, CheckStatus, Options, Report};
use callside_core::{Settings, SettingsInput};

/// Runs the checks, prints them (one line each, with what to fix) or their JSON, and
/// exits non-zero when any failed.
pub async fn run(
    flags: SettingsInput,
    json: bool,
    warn_at: Option<u8>,
) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(flags);
    let policy = callside_core::policy::load(&|name: &str| std::env::var(name).ok()).status;
    let report = doctor::run(
        settings,
        policy,
        Options {
            api_warn_percent: warn_at,
            ..Options::default()
        },
    )
    .await;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The report as text: `status  check  message`, and `fix:` lines under what is not ok.
pub fn render(report: &Report) -> String {
    let width = report
        .checks
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for check in &report.checks {
        out.push_str(&format!(
            "{:<5} {:<width$}  {}\n",
            check.status.as_str(),
            check.name,
            check.message
        ));
        if let Some(fix) = &check.fix {
            out.push_str(&format!("{:<5} {:<width$}  fix: {fix}\n", "", ""));
        }
    }
    let failed = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .count();
    let warned = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Warn)
        .count();
    out.push_str(&match (failed, warned) {
        (0, 0) => "Everything is in order.\n".to_string(),
        (0, w) => format!("No failures; {w} warning(s).\n"),
        (f, _) => format!("{f} check(s) failed; fix them and run `callside doctor` again.\n"),
    });
    out
}

/// Says on stderr when the policy was ignored, and when it replaced values the user set.
pub fn warn_about_policy(settings: &Settings) {
    if let Some(warning) = settings.policy.warning() {
        eprintln!("callside: warning: {warning}");
    }
    if !settings.overridden.is_empty() {
        eprintln!(
            "callside: note: your administrator locked settings you also set, so the policy's values apply: {}",
            settings.overridden.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callside_core::doctor::Check;

    #[test]
    fn each_check_is_a_line_with_its_fix_under_it() {
        let report = Report {
            ok: false,
            checks: vec![
                Check {
                    name: "policy",
                    status: CheckStatus::Ok,
                    message: "no policy file".into(),
                    fix: None,
                },
                Check {
                    name: "signed_in",
                    status: CheckStatus::Fail,
                    message: "not signed in".into(),
                    fix: Some("Sign in.".into()),
                },
            ],
        };
        assert_eq!(
            render(&report),
            "ok    policy     no policy file\n\
             fail  signed_in  not signed in\n\
             \x20                fix: Sign in.\n\
             1 check(s) failed; fix them and run `callside doctor` again.\n"
        );
    }
}
