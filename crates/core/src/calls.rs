//! Logging a call as a Salesforce Task, through the outbox.
//!
//! The request is validated, stored durably, and only then sent. Each Task carries the
//! action's id in `CallObject`; an action that was attempted before (the answer may have
//! been lost after Salesforce saved it) is looked up by that key before it is sent
//! again, so a retry never creates a second Task.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use callside_salesforce::escape::soql_string;
use callside_salesforce::SalesforceClient;

use crate::error::{Error, Result};
use crate::model::{ActionStatus, CallDirection, LogCallOutcome, LogCallRequest};
use crate::store::{OutboxItem, Store};

pub const LOG_CALL: &str = "log_call";
/// Salesforce's limits on Task fields.
pub const MAX_NOTES: usize = 32_000;
pub const MAX_SUBJECT: usize = 255;
pub const MAX_DURATION_SECONDS: u32 = 24 * 60 * 60;

/// What the outbox stores for a call log.
#[derive(Serialize, Deserialize)]
struct LogCallPayload {
    request: LogCallRequest,
    /// The day of the call (YYYY-MM-DD), the Task's due date.
    call_date: String,
}

fn is_record_id(id: &str, prefixes: &[&str]) -> bool {
    (id.len() == 15 || id.len() == 18)
        && id.chars().all(|c| c.is_ascii_alphanumeric())
        && prefixes.iter().any(|p| id.starts_with(p))
}

/// Checks a request the way Salesforce would, so the rep hears about mistakes at once.
pub fn validate(request: &LogCallRequest) -> Result<()> {
    let invalid = |message: String| Err(Error::InvalidInput(message));
    if !is_record_id(&request.who_id, &["00Q", "003"]) {
        return invalid(format!(
            "{:?} is not a Lead or Contact id; a call is logged against the person spoken to.",
            request.who_id
        ));
    }
    if let Some(what_id) = &request.what_id {
        if !is_record_id(what_id, &["001", "006", "500"]) {
            return invalid(format!(
                "{what_id:?} is not an Account, Opportunity or Case id."
            ));
        }
        if request.who_id.starts_with("00Q") {
            return invalid(
                "A call with a lead cannot also be linked to an account, opportunity or case."
                    .into(),
            );
        }
    }
    let notes_length = request.notes.chars().count();
    if notes_length > MAX_NOTES {
        return invalid(format!(
            "The notes are {notes_length} characters long; Salesforce keeps at most {MAX_NOTES}."
        ));
    }
    if let Some(subject) = &request.subject {
        let length = subject.chars().count();
        if length > MAX_SUBJECT {
            return invalid(format!(
                "The subject is {length} characters long; Salesforce keeps at most {MAX_SUBJECT}."
            ));
        }
    }
    if request.duration_seconds > MAX_DURATION_SECONDS {
        return invalid("A call cannot last more than 24 hours.".into());
    }
    Ok(())
}

/// The Task a call log becomes.
pub fn task_fields(action_id: &str, request: &LogCallRequest, call_date: &str) -> Value {
    let (call_type, default_subject) = match request.direction {
        CallDirection::Inbound => ("Inbound", "Inbound call"),
        CallDirection::Outbound => ("Outbound", "Outbound call"),
    };
    let subject = request
        .subject
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(default_subject);
    json!({
        "Subject": subject,
        "TaskSubtype": "Call",
        "Type": "Call",
        "Status": "Completed",
        "Priority": "Normal",
        "CallType": call_type,
        "CallDurationInSeconds": request.duration_seconds,
        "CallObject": call_object(action_id),
        "Description": request.notes,
        "WhoId": request.who_id,
        "WhatId": request.what_id,
        "ActivityDate": call_date,
    })
}

/// The idempotency key written to the Task's `CallObject` field.
pub fn call_object(action_id: &str) -> String {
    format!("callside:{action_id}")
}

/// Validates and durably queues a call log; returns the action id.
pub fn enqueue(
    store: &Store,
    request: &LogCallRequest,
    call_date: &str,
    now: &str,
) -> Result<String> {
    validate(request)?;
    let action_id = uuid::Uuid::new_v4().to_string();
    let payload = LogCallPayload {
        request: request.clone(),
        call_date: call_date.to_string(),
    };
    let json = serde_json::to_string(&payload).map_err(|e| Error::Storage(e.to_string()))?;
    store.enqueue(&action_id, LOG_CALL, &json, now)?;
    Ok(action_id)
}

/// Sends one queued action and records the outcome.
pub async fn send(
    client: &SalesforceClient,
    store: &Store,
    item: &OutboxItem,
    now: &str,
) -> Result<LogCallOutcome> {
    let payload: LogCallPayload = serde_json::from_str(&item.payload_json)
        .map_err(|e| Error::Storage(format!("queued action {} is unreadable: {e}", item.id)))?;
    let attempted_before = item.attempts > 0;
    store.mark_attempt(&item.id, now)?;
    let sent = async {
        if attempted_before {
            let existing = client
                .query(&format!(
                    "SELECT Id FROM Task WHERE CallObject = {} LIMIT 1",
                    soql_string(&call_object(&item.id))
                ))
                .await?;
            if let Some(id) = existing
                .records
                .first()
                .and_then(|r| r.get("Id"))
                .and_then(Value::as_str)
            {
                return Ok(id.to_string());
            }
        }
        client
            .create(
                "Task",
                &task_fields(&item.id, &payload.request, &payload.call_date),
            )
            .await
    }
    .await;
    let outcome = |status, task_id: Option<String>, message: Option<String>| LogCallOutcome {
        action_id: item.id.clone(),
        status,
        task_id,
        message,
    };
    match sent {
        Ok(task_id) => {
            store.mark_outcome(&item.id, ActionStatus::Sent, Some(&task_id), None, now)?;
            Ok(outcome(ActionStatus::Sent, Some(task_id), None))
        }
        Err(error) if error.is_transient() || error.needs_sign_in() => {
            let message = error.to_string();
            store.mark_outcome(&item.id, ActionStatus::Pending, None, Some(&message), now)?;
            Ok(outcome(
                ActionStatus::Pending,
                None,
                Some(format!(
                    "Saved; it will be sent when Salesforce is reachable. ({message})"
                )),
            ))
        }
        Err(error) => {
            let message = error.to_string();
            store.mark_outcome(&item.id, ActionStatus::Failed, None, Some(&message), now)?;
            Ok(outcome(ActionStatus::Failed, None, Some(message)))
        }
    }
}

/// The outcome of an action as stored, for an action that could not be sent now.
pub fn stored_outcome(item: &OutboxItem) -> LogCallOutcome {
    LogCallOutcome {
        action_id: item.id.clone(),
        status: item.status,
        task_id: item.result_id.clone(),
        message: item.last_error.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> LogCallRequest {
        LogCallRequest {
            who_id: "003000000000001AAA".into(),
            what_id: Some("001000000000001AAA".into()),
            duration_seconds: 95,
            direction: CallDirection::Inbound,
            notes: "Wants a quote".into(),
            subject: None,
        }
    }

    #[test]
    fn a_call_becomes_a_completed_call_task() {
        let task = task_fields("abc", &request(), "2026-11-25");
        assert_eq!(task["TaskSubtype"], "Call");
        assert_eq!(task["Type"], "Call");
        assert_eq!(task["Status"], "Completed");
        assert_eq!(task["CallType"], "Inbound");
        assert_eq!(task["CallDurationInSeconds"], 95);
        assert_eq!(task["Subject"], "Inbound call");
        assert_eq!(task["CallObject"], "callside:abc");
        assert_eq!(task["ActivityDate"], "2026-11-25");
    }

    #[test]
    fn bad_requests_get_clear_messages() {
        let mut lead_with_account = request();
        lead_with_account.who_id = "00Q000000000001AAA".into();
        assert!(validate(&lead_with_account)
            .unwrap_err()
            .to_string()
            .contains("lead cannot"));

        let mut long_notes = request();
        long_notes.notes = "x".repeat(MAX_NOTES + 1);
        assert!(validate(&long_notes)
            .unwrap_err()
            .to_string()
            .contains("32000"));

        let mut not_an_id = request();
        not_an_id.who_id = "'; DELETE".into();
        assert!(validate(&not_an_id)
            .unwrap_err()
            .to_string()
            .contains("not a Lead or Contact id"));

        let mut notes_of_unicode = request();
        notes_of_unicode.notes = "Grüße, 你好 O'Brien \"quoted\" {braces}".into();
        assert!(validate(&notes_of_unicode).is_ok());
    }
}
