//! `callside`: the headless companion of the Callside desktop app, on the same core.
//! For scripting, support and machines without a desktop.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

mod actions;
mod audit;
mod doctor;
mod lookup;
mod stats;

use callside_core::{
    CallDirection, Callside, FollowUpRequest, LogCallRequest, Settings, SettingsInput, StageChange,
    WrapUp,
};

#[derive(Parser)]
#[command(
    name = "callside",
    version,
    about = "Callside from the command line: sign in to Salesforce, find callers, log calls"
)]
struct Cli {
    /// Login server: https://login.salesforce.com, https://test.salesforce.com or a My Domain URL [env: CALLSIDE_LOGIN_URL]
    #[arg(long, global = true, value_name = "URL")]
    login_url: Option<String>,
    /// The connected app's consumer key [env: CALLSIDE_CLIENT_ID]
    #[arg(long, global = true, value_name = "ID")]
    client_id: Option<String>,
    /// The loopback port registered in the connected app's callback URL [env: CALLSIDE_CALLBACK_PORT]
    #[arg(long, global = true, value_name = "N")]
    callback_port: Option<u16>,
    /// Where the cache and queued actions live [env: CALLSIDE_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Default region for numbers without a country code, such as US or DE [env: CALLSIDE_REGION]
    #[arg(long, global = true, value_name = "CODE")]
    region: Option<String>,
    /// A saved org connection to use; `login --alias NAME` saves one [env: CALLSIDE_ORG]
    #[arg(long, global = true, value_name = "NAME")]
    alias: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in through the browser and print who is signed in to which instance
    Login,
    /// Show who is signed in
    Whoami {
        #[arg(long)]
        json: bool,
    },
    /// Find a caller by phone number, email address, name, company or website domain
    Lookup {
        /// A phone number in any common format, an email address, a person's or a
        /// company's name (end a word with * to find words starting so), or a domain
        term: String,
        #[arg(long)]
        json: bool,
    },
    /// Log a call as a completed Task and print its id
    LogCall {
        /// The Lead or Contact spoken to
        #[arg(long, value_name = "ID")]
        who: String,
        /// The Account, Opportunity or Case the call was about (not with a Lead)
        #[arg(long, value_name = "ID")]
        what: Option<String>,
        /// Call duration in seconds
        #[arg(long, value_name = "SECS", default_value_t = 0)]
        duration: u32,
        #[arg(long, value_enum, default_value_t = Direction::Inbound)]
        direction: Direction,
        #[arg(long, value_name = "TEXT", default_value = "")]
        notes: String,
        #[arg(long, value_name = "TEXT")]
        subject: Option<String>,
        /// The call's result (the Task's CallDisposition)
        #[arg(long, value_name = "TEXT")]
        disposition: Option<String>,
        /// What happens next (into the Task field the admin mapped, else the notes)
        #[arg(long, value_name = "TEXT")]
        next_steps: Option<String>,
        /// Also schedule a follow-up task due on this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        follow_up: Option<String>,
        /// Also move the opportunity given with --what to this call outcome's stage
        /// (one of `callside outcomes`); all go to Salesforce in one request
        #[arg(long, value_name = "OUTCOME")]
        outcome: Option<String>,
        /// Confirm an outcome that closes the opportunity (won or lost)
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// Rate a lead hot, warm or cold
    Rate {
        lead: String,
        rating: String,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// Set a lead's status (one of the org's active values)
    Status {
        lead: String,
        status: String,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// Move an opportunity to a stage, or to the next one with --next
    Stage {
        opportunity: String,
        /// The stage name (omit with --next)
        #[arg(required_unless_present = "next")]
        stage: Option<String>,
        #[arg(long, conflicts_with = "stage")]
        next: bool,
        /// Confirm a closing stage (won or lost)
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// Create a lead for an unknown caller (LeadSource "Phone Call")
    CreateLead {
        #[arg(long, value_name = "NUMBER")]
        phone: String,
        #[arg(long, value_name = "NAME")]
        last_name: String,
        #[arg(long, value_name = "NAME")]
        company: String,
        #[arg(long, value_name = "NAME")]
        first_name: Option<String>,
        /// Let the org's lead assignment rules choose the owner
        #[arg(long, conflicts_with = "keep_owner")]
        assignment_rules: bool,
        /// Keep the lead yourself, whatever the settings say
        #[arg(long)]
        keep_owner: bool,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// Record a call's outcome on an opportunity: moves it to the outcome's stage
    Outcome {
        opportunity: String,
        /// One of `callside outcomes`, e.g. "Demo Scheduled"
        outcome: String,
        /// Confirm an outcome whose stage closes the opportunity
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// List the call outcomes and the stage each moves an opportunity to
    Outcomes {
        #[arg(long)]
        json: bool,
    },
    /// Create an opportunity from a call (LeadSource "Phone Call", Type "New Customer")
    CreateOpportunity {
        #[arg(long, value_name = "ID")]
        account: String,
        #[arg(long, value_name = "TEXT")]
        name: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        close_date: String,
        #[arg(long, value_name = "N")]
        amount: Option<f64>,
        /// The primary contact
        #[arg(long, value_name = "ID")]
        contact: Option<String>,
        #[arg(long, value_name = "NAME", default_value = "Prospecting")]
        stage: String,
        #[arg(long, value_name = "TEXT")]
        next_step: Option<String>,
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// Schedule a demo: an Event (Type "Meeting") with a Lead or Contact
    ScheduleDemo {
        #[arg(long, value_name = "ID")]
        who: String,
        /// The Account or Opportunity it is about (not with a Lead)
        #[arg(long, value_name = "ID")]
        what: Option<String>,
        /// When it starts, e.g. 2026-12-01T15:00:00Z
        #[arg(long, value_name = "TIME")]
        start: String,
        #[arg(long, value_name = "N", default_value_t = 30)]
        minutes: u32,
        #[arg(long, value_name = "TEXT", default_value = "Demo Scheduled")]
        subject: String,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// Write qualification notes and the next action to a lead (fields per [field_mapping])
    Qualify {
        lead: String,
        #[arg(long, value_name = "TEXT")]
        notes: Option<String>,
        #[arg(long, value_name = "TEXT")]
        next_action: Option<String>,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// Make a user (005 id) the owner of a lead
    Assign {
        lead: String,
        user: String,
        #[command(flatten)]
        write: actions::WriteOptions,
    },
    /// The queue of actions on their way to Salesforce
    Outbox {
        #[command(subcommand)]
        command: actions::OutboxCommand,
    },
    /// List the saved org connections, the active one marked
    Orgs {
        #[arg(long)]
        json: bool,
    },
    /// Make a saved org connection the active one
    Use { alias: String },
    /// Sign out: revoke the session, remove it from the keychain, empty the cache
    Logout {
        /// A saved org connection (the active one when omitted)
        alias: Option<String>,
    },
    /// Check this machine's setup end to end (policy, settings, keychain, org, callback port, sign-in, API usage) and say what to fix; exits 1 when a check fails
    Doctor {
        #[arg(long)]
        json: bool,
        /// Warn when the org has used this percentage of its daily API requests [default: the api_warning_percent setting, 80]
        #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(1..=100))]
        warn_at: Option<u8>,
    },
    /// Call metrics from this machine's call history and outbox: calls per day and hour,
    /// inbound and outbound, durations, outcomes, leads, stages and opportunities
    Stats {
        /// From this day (YYYY-MM-DD, local) or time (RFC 3339); the start of this week when omitted
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// The calls counted, one a row
        #[arg(long)]
        csv: bool,
        /// API health instead: requests, p50/p95 latency and errors per endpoint family
        /// over the last hour and day, and the daily usage against the limit
        #[arg(long, conflicts_with_all = ["csv", "since"])]
        api: bool,
    },
    /// The audit trail of records shown, created and changed: verify its chain, export it
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Pop a number in the running Callside app (as a ringing call) [env: CALLSIDE_EVENTS_PORT]
    Call {
        /// The number, in any common format
        number: String,
        #[arg(long, value_enum, default_value_t = Direction::Inbound)]
        direction: Direction,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Direction {
    Inbound,
    Outbound,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CALLSIDE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("callside: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("callside: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let flags = SettingsInput {
        login_url: cli.login_url,
        client_id: cli.client_id,
        callback_port: cli.callback_port,
        data_dir: cli.data_dir,
        region: cli.region,
        alias: match &cli.command {
            Command::Logout { alias: Some(alias) } => Some(alias.clone()),
            _ => cli.alias,
        },
        ..SettingsInput::default()
    };
    // The doctor reports wrong settings instead of stopping at them.
    if let Command::Doctor { json, warn_at } = cli.command {
        return doctor::run(flags, json, warn_at).await;
    }
    let settings = Settings::resolve(flags)?;
    doctor::warn_about_policy(&settings);
    // Handing a number to the app needs neither the keychain nor the cache.
    if let Command::Call { number, direction } = cli.command {
        callside_core::phone::normalize(&number, &settings.region)?;
        let port = events_port(std::env::var(EVENTS_PORT_VAR).ok().as_deref())?;
        let message = ring_the_app(&settings.data_dir, port, &number, direction).await?;
        println!("{message}");
        return Ok(ExitCode::SUCCESS);
    }
    // The audit trail is checked and exported without a session.
    if let Command::Audit { command } = cli.command {
        return audit::run(&settings.data_dir, command);
    }
    let callside = Callside::open_with_system_keychain(settings)?;
    match cli.command {
        Command::Login => {
            eprintln!(
                "Opening the browser to sign in at {} ...",
                callside.settings().login_url
            );
            let status = callside.sign_in().await?;
            println!(
                "Signed in as {} ({}) to {} (org {})",
                status.user_name.unwrap_or_default(),
                status.username.unwrap_or_default(),
                status.instance_url.unwrap_or_default(),
                status.org_id.unwrap_or_default()
            );
            if let Err(error) = callside.check_field_mapping().await {
                eprintln!("Note: {error}");
            }
            if let Err(error) = callside.check_panels().await {
                eprintln!("Note: {error}");
            }
            if status.keychain.starts_with("memory only") {
                eprintln!(
                    "Note: tokens are kept in {}; this sign-in ends with this command.",
                    status.keychain
                );
            }
        }
        Command::Whoami { json } => {
            let status = callside.status().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else if status.signed_in {
                println!(
                    "{} ({}) on {} (org {})",
                    status.user_name.unwrap_or_default(),
                    status.username.unwrap_or_default(),
                    status.instance_url.unwrap_or_default(),
                    status.org_id.unwrap_or_default()
                );
            } else {
                println!("Not signed in (login URL {}).", status.login_url);
            }
        }
        Command::Lookup { term, json } => {
            let result = callside.search(&term).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&result)?);
            } else {
                lookup::print_search(&result);
            }
        }
        Command::LogCall {
            who,
            what,
            duration,
            direction,
            notes,
            subject,
            disposition,
            next_steps,
            follow_up,
            outcome,
            yes,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let request = LogCallRequest {
                who_id: who.clone(),
                what_id: what.clone(),
                duration_seconds: duration,
                direction: match direction {
                    Direction::Inbound => CallDirection::Inbound,
                    Direction::Outbound => CallDirection::Outbound,
                },
                notes,
                subject: subject.clone(),
                disposition,
                next_steps,
            };
            let follow_up = follow_up.map(|due_date| FollowUpRequest {
                subject: format!(
                    "Follow up: {}",
                    subject
                        .as_deref()
                        .filter(|s| !s.trim().is_empty())
                        .unwrap_or("call")
                ),
                due_date,
                priority: "Normal".into(),
            });
            let stage = match (outcome, what.as_deref()) {
                (None, _) => None,
                (Some(outcome), Some(opportunity)) if opportunity.starts_with("006") => {
                    Some(StageChange {
                        opportunity_id: opportunity.to_string(),
                        stage: None,
                        outcome: Some(outcome),
                        confirm_closing: yes,
                    })
                }
                (Some(_), _) => anyhow::bail!("--outcome needs --what to be an opportunity id"),
            };
            let outcomes = callside
                .wrap_up(&WrapUp {
                    call: request,
                    follow_up,
                    stage,
                })
                .await?;
            let mut code = ExitCode::SUCCESS;
            for outcome in outcomes {
                let this = actions::finish(&callside, outcome, write).await?;
                if code == ExitCode::SUCCESS {
                    code = this;
                }
            }
            return Ok(code);
        }
        Command::Rate {
            lead,
            rating,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let outcome = callside.rate_lead(&lead, &rating).await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::Status {
            lead,
            status,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let outcome = callside.set_lead_status(&lead, &status).await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::Stage {
            opportunity,
            stage,
            next: _,
            yes,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let outcome = callside
                .set_stage(&opportunity, stage.as_deref(), yes)
                .await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::CreateLead {
            phone,
            last_name,
            company,
            first_name,
            assignment_rules,
            keep_owner,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let mut lead = actions::new_lead(phone, last_name, company, first_name);
            lead.assignment_rules = match (assignment_rules, keep_owner) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            let outcome = callside.create_lead(&lead).await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::Outcome {
            opportunity,
            outcome,
            yes,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let outcome = callside.record_outcome(&opportunity, &outcome, yes).await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::Outcomes { json } => {
            let outcomes = callside.outcomes();
            if json {
                println!("{}", serde_json::to_string_pretty(&outcomes)?);
            } else {
                for o in outcomes {
                    println!("{:<24} → {}", o.outcome, o.stage);
                }
            }
        }
        Command::CreateOpportunity {
            account,
            name,
            close_date,
            amount,
            contact,
            stage,
            next_step,
            description,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let request = callside_core::NewOpportunity {
                account_id: account,
                name,
                close_date,
                amount,
                contact_id: contact,
                stage: Some(stage),
                next_step,
                description,
            };
            let outcome = callside.create_opportunity(&request).await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::ScheduleDemo {
            who,
            what,
            start,
            minutes,
            subject,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let outcome = callside
                .schedule_demo(&who, what.as_deref(), &start, minutes, &subject)
                .await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::Qualify {
            lead,
            notes,
            next_action,
            write,
        } => {
            callside.defer_sending(write.no_wait);
            let outcome = callside
                .qualify_lead(&lead, notes.as_deref(), next_action.as_deref())
                .await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::Assign { lead, user, write } => {
            callside.defer_sending(write.no_wait);
            let outcome = callside.assign_lead(&lead, &user).await?;
            return actions::finish(&callside, outcome, write).await;
        }
        Command::Outbox { command } => return actions::outbox(&callside, command).await,
        Command::Orgs { json } => {
            let orgs = callside.orgs()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&orgs)?);
            } else if orgs.is_empty() {
                println!("No saved org connections; sign in with `callside login --alias NAME`.");
            } else {
                for org in orgs {
                    println!(
                        "{} {:<20} {:<40} {}",
                        if org.active { "*" } else { " " },
                        org.alias,
                        org.login_url,
                        match (org.signed_in, org.username) {
                            (true, Some(username)) => username,
                            _ => "signed out".to_string(),
                        }
                    );
                }
            }
        }
        Command::Use { alias } => {
            callside.use_org(&alias)?;
            println!("Using {alias}.");
        }
        Command::Logout { .. } => {
            callside.sign_out().await?;
            println!("Signed out.");
        }
        Command::Stats {
            since,
            json,
            csv,
            api,
        } => {
            if api {
                return stats::api(&callside, json).await;
            }
            return stats::run(&callside, since.as_deref(), json, csv).await;
        }
        Command::Call { .. } | Command::Audit { .. } => {
            unreachable!("handled before the core is opened")
        }
        Command::Doctor { .. } => unreachable!("handled before the settings are resolved"),
    }
    Ok(ExitCode::SUCCESS)
}

// The desktop app's call-event endpoint (src-tauri/src/call_events.rs); the CLI does not
// link the app, so these few facts are repeated here.
const EVENTS_PORT_VAR: &str = "CALLSIDE_EVENTS_PORT";
const DEFAULT_EVENTS_PORT: u16 = 7719;
const EVENTS_TOKEN_FILE: &str = "events-token";
const EVENTS_PATH: &str = "/v1/call-events";

fn events_port(value: Option<&str>) -> anyhow::Result<u16> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_EVENTS_PORT),
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 => Ok(port),
            _ => anyhow::bail!(
                "{EVENTS_PORT_VAR} must be a port number from 1 to 65535, not {text:?}"
            ),
        },
    }
}

/// Sends a `ringing` event for `number` to the app's call-event endpoint on
/// 127.0.0.1:`port`, with the token from `<data dir>/events-token`. Never starts the
/// app: when none is running, the error says so.
async fn ring_the_app(
    data_dir: &Path,
    port: u16,
    number: &str,
    direction: Direction,
) -> anyhow::Result<String> {
    let not_running =
        "Callside is not running; start the Callside app first (this command does not start it).";
    let token_path = data_dir.join(EVENTS_TOKEN_FILE);
    let token = match std::fs::read_to_string(&token_path) {
        Ok(text) => text.trim().to_string(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "{not_running} (The app writes {} on its first start.)",
            token_path.display()
        ),
        Err(error) => anyhow::bail!("{} could not be read: {error}", token_path.display()),
    };
    let url = format!("http://127.0.0.1:{port}{EVENTS_PATH}");
    let client = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .build()?;
    let body = serde_json::json!({
        "event": "ringing",
        "number": number,
        "direction": match direction {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        },
    });
    let response = match client
        .post(&url)
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
    {
        Ok(response) => response,
        Err(error) if error.is_connect() => {
            anyhow::bail!("{not_running} (Nothing answers on 127.0.0.1:{port}.)")
        }
        Err(error) if error.is_timeout() => {
            anyhow::bail!("Callside on 127.0.0.1:{port} did not answer in time.")
        }
        Err(error) => anyhow::bail!("Callside on 127.0.0.1:{port} could not be reached: {error}"),
    };
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap_or_default();
    let said = answer["error"].as_str().unwrap_or("no reason given");
    match status.as_u16() {
        202 => Ok("Sent to Callside.".to_string()),
        401 => anyhow::bail!(
            "The program on 127.0.0.1:{port} did not accept the token in {} ({said}); is Callside running with another data directory or {EVENTS_PORT_VAR}?",
            token_path.display()
        ),
        _ => anyhow::bail!("Callside refused the call ({status}): {said}"),
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[test]
    fn the_events_port_comes_from_the_environment() {
        assert_eq!(events_port(None).unwrap(), 7719);
        assert_eq!(events_port(Some("")).unwrap(), 7719);
        assert_eq!(events_port(Some("8123")).unwrap(), 8123);
        assert!(events_port(Some("0")).is_err());
        assert!(events_port(Some("x")).is_err());
    }

    /// Answers one request with `status` and `body`; returns the request it read.
    async fn stub_app(
        status: &'static str,
        body: &'static str,
    ) -> (u16, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            loop {
                let read = stream.read(&mut buffer).await.unwrap();
                request.extend_from_slice(&buffer[..read]);
                let text = String::from_utf8_lossy(&request).to_string();
                if let Some((head, rest)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if rest.len() >= length || read == 0 {
                        break;
                    }
                }
            }
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).await.unwrap();
            String::from_utf8(request).unwrap()
        });
        (port, served)
    }

    fn data_dir_with_token(token: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(EVENTS_TOKEN_FILE), format!("{token}\n")).unwrap();
        dir
    }

    #[tokio::test]
    async fn sends_a_ringing_event_with_the_token() {
        let dir = data_dir_with_token("secret-token");
        let (port, served) = stub_app("202 Accepted", r#"{"accepted":true}"#).await;
        let message = ring_the_app(dir.path(), port, "+1 720 555 0111", Direction::Outbound)
            .await
            .unwrap();
        assert_eq!(message, "Sent to Callside.");
        let request = served.await.unwrap();
        assert!(
            request.starts_with("POST /v1/call-events HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(
            request
                .to_ascii_lowercase()
                .contains("authorization: bearer secret-token\r\n"),
            "{request}"
        );
        let body: serde_json::Value =
            serde_json::from_str(request.split_once("\r\n\r\n").unwrap().1).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"event": "ringing", "number": "+1 720 555 0111", "direction": "outbound"})
        );
    }

    #[tokio::test]
    async fn says_when_no_app_is_running() {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = free.local_addr().unwrap().port();
        drop(free);
        let never_started = tempfile::tempdir().unwrap();
        let error = ring_the_app(never_started.path(), port, "1", Direction::Inbound)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("Callside is not running"), "{error}");
        assert!(error.contains("events-token"), "{error}");

        let dir = data_dir_with_token("secret-token");
        let error = ring_the_app(dir.path(), port, "1", Direction::Inbound)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("Callside is not running"), "{error}");
        assert!(error.contains(&format!("127.0.0.1:{port}")), "{error}");
    }

    #[tokio::test]
    async fn passes_on_what_the_app_refused() {
        let dir = data_dir_with_token("stale");
        let (port, _) = stub_app(
            "401 Unauthorized",
            r#"{"error":"The token is not this Callside's events token."}"#,
        )
        .await;
        let error = ring_the_app(dir.path(), port, "1", Direction::Inbound)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("did not accept the token"), "{error}");
        assert!(error.contains("another data directory"), "{error}");

        let (port, _) = stub_app(
            "400 Bad Request",
            r#"{"error":"\"number\" is too long to be a phone number"}"#,
        )
        .await;
        let error = ring_the_app(dir.path(), port, "1", Direction::Inbound)
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(error, "Callside refused the call (400 Bad Request): \"number\" is too long to be a phone number");
    }
}
