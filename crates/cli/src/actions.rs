//! The write commands: each queues an action durably through the core's outbox, then
//! (unless `--no-wait`) waits a bounded time for it to be sent and prints the outcome.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};

use callside_core::{ActionOutcome, ActionStatus, Callside, NewLead};

/// Exit status for an action that was saved but not yet sent (EX_TEMPFAIL).
pub const EXIT_QUEUED: u8 = 75;

#[derive(Args, Clone, Copy)]
pub struct WriteOptions {
    /// Print the outcome as JSON
    #[arg(long)]
    pub json: bool,
    /// Return as soon as the action is queued, without sending it
    #[arg(long)]
    pub no_wait: bool,
    /// How long to keep trying to send before leaving it queued
    #[arg(long, value_name = "SECS", default_value_t = 15)]
    pub wait: u64,
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// List queued, sent and failed actions, newest first
    List {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Send one failed or waiting action again (or every waiting one)
    Retry {
        /// The action id (all pending actions when omitted)
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Remove an unsent action (for a conflict: keep Salesforce's value)
    Discard { id: String },
    /// Send a change that met a newer change in Salesforce again, over that change
    Overwrite {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

/// Waits (bounded) for a queued action to be sent, then prints and maps its outcome.
pub async fn finish(
    callside: &Callside,
    first: ActionOutcome,
    options: WriteOptions,
) -> anyhow::Result<ExitCode> {
    let mut outcome = first;
    if !options.no_wait {
        let deadline = Instant::now() + Duration::from_secs(options.wait);
        while outcome.status == ActionStatus::Pending && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(500)).await;
            callside.send_pending().await?;
            if let Some(now) = callside.action(&outcome.action_id).await? {
                outcome = now;
            }
        }
    }
    report(&outcome, options.json)
}

/// Prints an outcome: the record id when sent, the action id when queued, the message
/// when refused.
pub fn report(outcome: &ActionOutcome, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(outcome)?);
    }
    match outcome.status {
        ActionStatus::Sent => {
            if !json {
                println!("{}", outcome.record_id.clone().unwrap_or_default());
            }
            Ok(ExitCode::SUCCESS)
        }
        ActionStatus::Pending => {
            if !json {
                println!("{}", outcome.action_id);
            }
            eprintln!(
                "callside: saved as action {} but not sent yet{}",
                outcome.action_id,
                outcome
                    .message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            );
            Ok(ExitCode::from(EXIT_QUEUED))
        }
        ActionStatus::Failed => {
            if !json {
                let next = if outcome.conflict.is_some() {
                    "overwrite"
                } else {
                    "retry"
                };
                eprintln!(
                    "callside: Salesforce refused it: {} (action {}; `callside outbox {next} {}` or `discard`)",
                    outcome.message.as_deref().unwrap_or("no message"),
                    outcome.action_id,
                    outcome.action_id
                );
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

pub async fn outbox(callside: &Callside, command: OutboxCommand) -> anyhow::Result<ExitCode> {
    match command {
        OutboxCommand::List { json, limit } => {
            let items = callside.outbox(limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if items.is_empty() {
                println!("The outbox is empty.");
            } else {
                for item in items {
                    let status = match item.status {
                        ActionStatus::Pending => "pending",
                        ActionStatus::Sent => "sent",
                        ActionStatus::Failed => "failed",
                    };
                    let detail = match item.status {
                        ActionStatus::Sent => item.record_id.clone().unwrap_or_default(),
                        _ => item.message.clone().unwrap_or_default(),
                    };
                    println!(
                        "{}  {status:<7}  {}  {detail}",
                        item.action_id, item.description
                    );
                    if let Some(conflict) = &item.conflict {
                        for field in &conflict.fields {
                            println!(
                                "    {}: yours {:?}, Salesforce has {:?}",
                                field.field,
                                field.ours.as_deref().unwrap_or(""),
                                field.theirs.as_deref().unwrap_or("")
                            );
                        }
                        println!(
                            "    `callside outbox overwrite {}` to send yours, `discard` to keep theirs",
                            item.action_id
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Retry { id, json } => {
            let outcomes = callside.retry_outbox(id.as_deref()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&outcomes)?);
            } else {
                for outcome in &outcomes {
                    println!(
                        "{}  {:?}  {}",
                        outcome.action_id,
                        outcome.status,
                        outcome
                            .record_id
                            .clone()
                            .or(outcome.message.clone())
                            .unwrap_or_default()
                    );
                }
            }
            let all_sent = outcomes.iter().all(|o| o.status == ActionStatus::Sent);
            Ok(if all_sent {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_QUEUED)
            })
        }
        OutboxCommand::Overwrite { id, json } => {
            let outcomes = callside.overwrite_action(&id).await?;
            let Some(outcome) = outcomes.into_iter().find(|o| o.action_id == id) else {
                anyhow::bail!("action {id} was not sent");
            };
            report(&outcome, json)
        }
        OutboxCommand::Discard { id } => {
            callside.discard_action(&id).await?;
            println!("Discarded {id}.");
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn new_lead(
    phone: String,
    last_name: String,
    company: String,
    first_name: Option<String>,
) -> NewLead {
    NewLead {
        phone,
        last_name,
        company,
        first_name,
        assignment_rules: None,
    }
}
