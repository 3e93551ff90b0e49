//! Logging a call as a Salesforce Task, through the outbox.
//!
//! The request is validated, stored durably, and only then sent. Each Task carries the
//! action's id in `CallObject`; an action that was attempted before (the answer may have
//! been lost after Salesforce saved it) is looked up by that key before it is sent
//! again, so a retry never creates a second Task.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::model::{CallDirection, LogCallRequest};
use crate::store::Store;
use crate::text::{quoted, Text};

pub const LOG_CALL: &str = "log_call";
/// Salesforce's limits on Task fields.
pub const MAX_NOTES: usize = 32_000;
pub const MAX_SUBJECT: usize = 255;
pub const MAX_DURATION_SECONDS: u32 = 24 * 60 * 60;

/// What the outbox stores for a call log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogCallPayload {
    pub request: LogCallRequest,
    /// The day of the call (YYYY-MM-DD), the Task's due date.
    pub call_date: String,
    /// Task fields an admin mapped (`Call_Outcome__c`, `Next_Steps__c`...) and their
    /// values, fixed when the rep clicked.
    #[serde(default)]
    pub mapped_fields: std::collections::BTreeMap<String, String>,
}

/// A Salesforce id: 15 or 18 letters and digits.
pub fn is_record_id(id: &str) -> bool {
    (id.len() == 15 || id.len() == 18) && id.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_record_id_of(id: &str, prefixes: &[&str]) -> bool {
    is_record_id(id) && prefixes.iter().any(|p| id.starts_with(p))
}

/// Checks a request the way Salesforce would, so the rep hears about mistakes at once.
pub fn validate(request: &LogCallRequest) -> Result<()> {
    let invalid = |text: Text| Err(Error::InvalidInput(text));
    if !is_record_id_of(&request.who_id, &["00Q", "003"]) {
        return invalid(Text::CallNotWithAPerson {
            input: quoted(&request.who_id),
        });
    }
    if let Some(what_id) = &request.what_id {
        if !is_record_id_of(what_id, &["001", "006", "500"]) {
            return invalid(Text::NotACallRecord {
                input: quoted(what_id),
            });
        }
        if request.who_id.starts_with("00Q") {
            return invalid(Text::LeadCallNotLinked);
        }
    }
    let notes_length = request.notes.chars().count();
    if notes_length > MAX_NOTES {
        return invalid(Text::NotesTooLong {
            length: notes_length.to_string(),
            max: MAX_NOTES.to_string(),
        });
    }
    if let Some(subject) = &request.subject {
        let length = subject.chars().count();
        if length > MAX_SUBJECT {
            return invalid(Text::SubjectTooLong {
                length: length.to_string(),
                max: MAX_SUBJECT.to_string(),
            });
        }
    }
    if let Some(disposition) = &request.disposition {
        if disposition.chars().count() > MAX_SUBJECT {
            return invalid(Text::CallResultTooLong {
                max: MAX_SUBJECT.to_string(),
            });
        }
    }
    if let Some(next_steps) = &request.next_steps {
        let length = next_steps.chars().count();
        if length > MAX_NOTES {
            return invalid(Text::NextStepsTooLong {
                length: length.to_string(),
                max: MAX_NOTES.to_string(),
            });
        }
    }
    if request.duration_seconds > MAX_DURATION_SECONDS {
        return invalid(Text::CallTooLong);
    }
    Ok(())
}

/// What the outbox stores for a call: the request, the day, and the mapped custom
/// fields (the call's result and next steps into the Task fields `mapping` names; next
/// steps without a field of their own end the Description).
pub fn payload(
    request: &LogCallRequest,
    call_date: &str,
    mapping: &crate::settings::FieldMapping,
) -> LogCallPayload {
    let mut mapped_fields = std::collections::BTreeMap::new();
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    if let (Some(field), Some(outcome)) = (&mapping.call_outcome, text(&request.disposition)) {
        mapped_fields.insert(field.clone(), outcome);
    }
    if let (Some(field), Some(next)) = (&mapping.next_steps, text(&request.next_steps)) {
        mapped_fields.insert(field.clone(), next);
    }
    LogCallPayload {
        request: request.clone(),
        call_date: call_date.to_string(),
        mapped_fields,
    }
}

/// The Task a call log becomes.
pub fn task_fields(action_id: &str, payload: &LogCallPayload) -> Value {
    let request = &payload.request;
    let call_date = &payload.call_date;
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
    let next_steps = request
        .next_steps
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let description = match next_steps {
        Some(next) if !payload.mapped_fields.values().any(|v| v == next) => {
            if request.notes.trim().is_empty() {
                format!("Next steps: {next}")
            } else {
                format!("{}\n\nNext steps: {next}", request.notes)
            }
        }
        _ => request.notes.clone(),
    };
    let mut task = json!({
        "Subject": subject,
        "TaskSubtype": "Call",
        "Type": "Call",
        "Status": "Completed",
        "Priority": "Normal",
        "CallType": call_type,
        "CallDurationInSeconds": request.duration_seconds,
        "CallObject": call_object(action_id),
        "CallDisposition": request.disposition.as_deref().map(str::trim).filter(|d| !d.is_empty()),
        "Description": description,
        "WhoId": request.who_id,
        "WhatId": request.what_id,
        "ActivityDate": call_date,
    });
    for (field, value) in &payload.mapped_fields {
        task[field] = json!(value);
    }
    task
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
    let action = crate::actions::Action::LogCall(payload(
        request,
        call_date,
        &crate::settings::FieldMapping::default(),
    ));
    crate::actions::enqueue(store, &action, now)
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
            disposition: Some("Interested".into()),
            next_steps: None,
        }
    }

    #[test]
    fn mapped_fields_get_the_result_and_next_steps() {
        let mapping = crate::settings::FieldMapping {
            call_outcome: Some("Call_Outcome__c".into()),
            next_steps: Some("Next_Steps__c".into()),
            ..Default::default()
        };
        let mut with_next = request();
        with_next.next_steps = Some(" Send the quote ".into());
        let task = task_fields("k", &payload(&with_next, "2026-11-25", &mapping));
        assert_eq!(task["Call_Outcome__c"], "Interested");
        assert_eq!(task["CallDisposition"], "Interested");
        assert_eq!(task["Next_Steps__c"], "Send the quote");
        assert_eq!(task["Description"], "Wants a quote");

        // Without a field of their own, next steps end the Description.
        let task = task_fields("k", &payload(&with_next, "2026-11-25", &Default::default()));
        assert_eq!(
            task["Description"],
            "Wants a quote\n\nNext steps: Send the quote"
        );
        assert!(task.get("Next_Steps__c").is_none());
        assert!(task.get("Call_Outcome__c").is_none());
    }

    #[test]
    fn a_call_becomes_a_completed_call_task() {
        let task = task_fields(
            "abc",
            &payload(&request(), "2026-11-25", &Default::default()),
        );
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
