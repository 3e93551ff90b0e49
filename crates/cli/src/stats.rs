//! `callside stats`: call metrics from this machine's call history and outbox.

use std::process::ExitCode;

use callside_core::metrics::{self, CallStats};
use callside_core::Callside;

/// Prints the metrics since `since` (a date or an RFC 3339 time; the start of this week
/// when omitted) up to now, as text, JSON, or the calls as CSV.
pub async fn run(
    callside: &Callside,
    since: Option<&str>,
    json: bool,
    csv: bool,
) -> anyhow::Result<ExitCode> {
    let offset = metrics::local_offset();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let since_ms = match since {
        Some(text) => metrics::parse_since(text, offset).map_err(anyhow::Error::msg)?,
        None => metrics::day_and_week_start(now_ms, offset).1,
    };
    if since_ms > now_ms {
        anyhow::bail!("--since is in the future; give a day up to today");
    }
    let status = callside.status().await;
    let org_id = status
        .org_id
        .ok_or_else(|| anyhow::anyhow!("Not signed in: run `callside login` first."))?;
    let database = callside_core::store::org_database_path(&callside.settings().data_dir, &org_id)?;
    // Up to the end of this minute, so a call made a moment ago counts.
    let (stats, calls) = metrics::stats_for(&database, since_ms, now_ms + 60_000, offset)?;
    if csv {
        print!("{}", metrics::csv(&calls));
    } else if json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        print!("{}", render(&stats));
    }
    Ok(ExitCode::SUCCESS)
}

fn duration(seconds: Option<f64>) -> String {
    match seconds {
        None => "-".into(),
        Some(s) => {
            let s = s.round() as u64;
            format!("{}:{:02}", s / 60, s % 60)
        }
    }
}

/// The metrics as text, one figure a line, then calls per day.
pub fn render(stats: &CallStats) -> String {
    let mut out = String::new();
    out.push_str(&format!("Calls since {}\n", stats.since));
    out.push_str(&format!(
        "  calls            {} ({} inbound, {} outbound, {} logged)\n",
        stats.calls, stats.inbound, stats.outbound, stats.logged
    ));
    out.push_str(&format!(
        "  duration         average {}, median {}\n",
        duration(stats.average_duration_seconds),
        duration(stats.median_duration_seconds)
    ));
    out.push_str(&format!("  leads created    {}\n", stats.leads_created));
    out.push_str(&format!("  stages advanced  {}\n", stats.stages_advanced));
    out.push_str(&format!(
        "  opportunities    {} ({:.0}% of calls)\n",
        stats.opportunities_created,
        stats.conversion_rate * 100.0
    ));
    if !stats.dispositions.is_empty() {
        out.push_str("Outcomes\n");
        for d in &stats.dispositions {
            out.push_str(&format!("  {:<24} {}\n", d.disposition, d.calls));
        }
    }
    out.push_str("Per day (inbound/outbound)\n");
    for day in &stats.per_day {
        out.push_str(&format!(
            "  {}  {}/{}\n",
            day.label, day.inbound, day.outbound
        ));
    }
    out
}

/// `callside stats --api`: API health as text or JSON; exits 1 when the daily limit is
/// reached.
pub async fn api(callside: &Callside, json: bool) -> anyhow::Result<ExitCode> {
    let health = callside.api_health().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&health)?);
    } else {
        print!("{}", render_api(&health));
    }
    Ok(match health.usage.map(|u| u.state) {
        Some(metrics::UsageState::Reached) => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    })
}

/// API health as text: the daily usage, then a table per window.
pub fn render_api(health: &metrics::ApiHealth) -> String {
    let mut out = String::new();
    match &health.usage {
        None => out.push_str("API usage: not reported yet (no request answered today)\n"),
        Some(usage) => {
            let note = match usage.state {
                metrics::UsageState::Ok => String::new(),
                metrics::UsageState::Warning => format!(
                    " - warning: at or above {}% of the daily limit",
                    usage.warn_percent
                ),
                metrics::UsageState::Reached => {
                    " - LIMIT REACHED: Salesforce refuses API requests until the 24-hour window frees some".into()
                }
            };
            out.push_str(&format!(
                "API usage: {} of {} requests ({:.1}%){note}\n",
                usage.used, usage.limit, usage.percent
            ));
        }
    }
    for (title, families) in [
        ("Last hour", &health.last_hour),
        ("Last day", &health.last_day),
    ] {
        out.push_str(&format!("{title}\n"));
        if families.is_empty() {
            out.push_str("  no requests\n");
            continue;
        }
        out.push_str("  family          requests   p50 ms   p95 ms   errors\n");
        for f in families {
            let codes = f
                .error_codes
                .iter()
                .map(|c| format!("{} {}", c.code, c.requests))
                .collect::<Vec<_>>()
                .join(", ");
            let ms = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
            out.push_str(&format!(
                "  {:<15} {:>8} {:>8} {:>8}   {:.0}%{}\n",
                f.family,
                f.requests,
                ms(f.p50_ms),
                ms(f.p95_ms),
                f.error_rate * 100.0,
                if codes.is_empty() {
                    String::new()
                } else {
                    format!(" ({codes})")
                }
            ));
        }
    }
    out
}
