//! `callside`: the headless companion of the Callside desktop app, on the same core.
//! For scripting, support and machines without a desktop.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use callside_core::{
    ActionStatus, CallDirection, Callside, LogCallRequest, LookupResult, Settings, SettingsInput,
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
    /// Find who a phone number belongs to
    Lookup {
        /// The number, in any common format
        number: String,
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
        #[arg(long)]
        json: bool,
    },
    /// Sign out: revoke the session, remove it from the keychain, empty the cache
    Logout,
}

#[derive(Clone, Copy, ValueEnum)]
enum Direction {
    Inbound,
    Outbound,
}

/// Exit status for an action that was saved but not yet sent (EX_TEMPFAIL).
const EXIT_QUEUED: u8 = 75;

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
    let settings = Settings::resolve(SettingsInput {
        login_url: cli.login_url,
        client_id: cli.client_id,
        callback_port: cli.callback_port,
        data_dir: cli.data_dir,
        region: cli.region,
        ..SettingsInput::default()
    })?;
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
        Command::Lookup { number, json } => {
            let result = callside.lookup(&number).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&result)?);
            } else {
                print_lookup(&result);
            }
        }
        Command::LogCall {
            who,
            what,
            duration,
            direction,
            notes,
            subject,
            json,
        } => {
            let request = LogCallRequest {
                who_id: who,
                what_id: what,
                duration_seconds: duration,
                direction: match direction {
                    Direction::Inbound => CallDirection::Inbound,
                    Direction::Outbound => CallDirection::Outbound,
                },
                notes,
                subject,
            };
            let outcome = callside.log_call(&request).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&outcome)?);
            }
            match outcome.status {
                ActionStatus::Sent => {
                    if !json {
                        println!("{}", outcome.task_id.unwrap_or_default());
                    }
                }
                ActionStatus::Pending => {
                    eprintln!(
                        "callside: the call was saved as action {} but not sent yet: {}",
                        outcome.action_id,
                        outcome.message.unwrap_or_default()
                    );
                    return Ok(ExitCode::from(EXIT_QUEUED));
                }
                ActionStatus::Failed => {
                    anyhow::bail!(
                        "Salesforce refused the call log: {}",
                        outcome.message.unwrap_or_default()
                    );
                }
            }
        }
        Command::Logout => {
            callside.sign_out().await?;
            println!("Signed out.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_lookup(result: &LookupResult) {
    let source = match result.source {
        callside_core::LookupSource::Salesforce => "Salesforce",
        callside_core::LookupSource::Cache => "the local cache (Salesforce unreachable)",
    };
    if result.matches.is_empty() {
        println!("{}: no Salesforce record has this number.", result.number);
        return;
    }
    println!(
        "{} — {} match(es) from {source}",
        result.number,
        result.matches.len()
    );
    for (index, caller) in result.matches.iter().enumerate() {
        let mut line = format!("{:?} {} {}", caller.record_type, caller.id, caller.name);
        if let Some(company) = &caller.company {
            line.push_str(&format!(" · {company}"));
        }
        if let Some(phone) = &caller.phone {
            line.push_str(&format!(" · {phone}"));
        }
        if let Some(status) = &caller.status {
            line.push_str(&format!(" · {status}"));
        }
        if let Some(rating) = &caller.rating {
            line.push_str(&format!(" · {rating}"));
        }
        println!("{}{line}", if index == 0 { "* " } else { "  " });
        for opportunity in &caller.opportunities {
            println!(
                "    Opportunity {} {} · {} · {} · closes {}",
                opportunity.id,
                opportunity.name,
                opportunity.stage,
                opportunity
                    .amount
                    .map(|a| format!("{a:.2}"))
                    .unwrap_or_else(|| "-".into()),
                opportunity.close_date.as_deref().unwrap_or("-")
            );
        }
        for case in &caller.cases {
            println!(
                "    Case {} {} · {} · {}",
                case.case_number,
                case.subject.as_deref().unwrap_or("-"),
                case.status.as_deref().unwrap_or("-"),
                case.priority.as_deref().unwrap_or("-")
            );
        }
    }
}
