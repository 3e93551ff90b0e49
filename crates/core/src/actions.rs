//! The rep's actions and their outbox.
//!
//! Every action is validated, written to SQLite (synced to disk) and only then sent.
//! Sending happens oldest first, one record's actions in order; an action that cannot be
//! sent now (offline, 5xx, lock contention, expired session, API limit) stays pending and
//! is retried with jittered exponential backoff, across restarts. What Salesforce refuses
//! is kept as failed with Salesforce's message, for the rep to resend or discard.
//!
//! Exactly once: creates carry the action's id as a key Salesforce stores — a Task's
//! `CallObject` (`callside:<id>`); a new Lead is created together with its call Task in
//! one all-or-none composite request, so the Task's key finds the Lead too. An action
//! attempted before (its answer may have been lost after Salesforce saved it) is first
//! looked up by that key and only created when nothing has it. Updates set a value and
//! are safe to repeat.
//!
//! A new Opportunity has no `CallObject`: it is created in one all-or-none composite
//! request with a Task that carries the key and relates to it (`WhatId`), as a new Lead
//! is. An Event has no `CallObject` either: its Description ends with the line
//! `Callside-Action: <id>` ([`event_key_line`]). Salesforce cannot filter on Description
//! (a long text area: "field 'Description' can not be filtered in a query call"), so a
//! resend reads the Events with the same person, subject and start — the key line is then
//! matched here, exactly — and creates one only when none carries it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use callside_salesforce::escape::soql_string;
use callside_salesforce::{CompositeSubrequest, SalesforceClient};

use crate::calls::{self, call_object, LogCallPayload};
use crate::error::{Error, Result};
use crate::model::{ActionOutcome, ActionStatus, Conflict, ConflictField, LookupSource};
use crate::store::{OutboxItem, Store};
use crate::text::{quoted, Text};

/// Salesforce's default Lead rating values.
pub const RATINGS: &[&str] = &["Hot", "Warm", "Cold"];
/// The original brief's Lead statuses, used when the org's own cannot be read.
pub const FALLBACK_LEAD_STATUSES: &[&str] = &[
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateLead {
    pub lead_id: String,
    pub rating: String,
    /// `LastModifiedDate` of the lead as the rep saw it, for conflict detection.
    pub if_unmodified_since: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetLeadStatus {
    pub lead_id: String,
    pub status: String,
    pub if_unmodified_since: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetStage {
    pub opportunity_id: String,
    pub stage: String,
    /// The stage's default probability, when the org told us.
    pub probability: Option<f64>,
    pub if_unmodified_since: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateLead {
    /// The caller's number as the rep or softphone gave it (stored as given, E.164 kept
    /// for the cache).
    pub phone: String,
    pub e164: String,
    pub last_name: String,
    pub company: String,
    pub first_name: Option<String>,
    /// Whether the org's active lead assignment rules pick the owner (`Sforce-Auto-Assign:
    /// TRUE`); otherwise the rep owns the lead.
    #[serde(default)]
    pub assignment_rules: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub who_id: String,
    pub what_id: Option<String>,
    pub subject: String,
    /// YYYY-MM-DD
    pub due_date: String,
    pub priority: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateOpportunity {
    pub account_id: String,
    pub name: String,
    /// YYYY-MM-DD
    pub close_date: String,
    pub stage: String,
    pub amount: Option<f64>,
    pub contact_id: Option<String>,
    pub next_step: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduleDemo {
    pub who_id: String,
    pub what_id: Option<String>,
    /// RFC 3339, UTC (`2026-12-01T15:00:00Z`).
    pub start: String,
    pub minutes: u32,
    pub subject: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualifyLead {
    pub lead_id: String,
    /// Lead field API name → value, as the field mapping placed them.
    pub fields: std::collections::BTreeMap<String, String>,
    pub if_unmodified_since: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssignLead {
    pub lead_id: String,
    pub owner_id: String,
    pub if_unmodified_since: Option<String>,
}

/// One action, as queued.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    LogCall(LogCallPayload),
    RateLead(RateLead),
    SetLeadStatus(SetLeadStatus),
    SetStage(SetStage),
    CreateLead(CreateLead),
    FollowUp(FollowUp),
    CreateOpportunity(CreateOpportunity),
    ScheduleDemo(ScheduleDemo),
    QualifyLead(QualifyLead),
    AssignLead(AssignLead),
}

impl Action {
    pub fn kind(&self) -> &'static str {
        match self {
            Action::LogCall(_) => calls::LOG_CALL,
            Action::RateLead(_) => "rate_lead",
            Action::SetLeadStatus(_) => "set_lead_status",
            Action::SetStage(_) => "set_stage",
            Action::CreateLead(_) => "create_lead",
            Action::FollowUp(_) => "follow_up",
            Action::CreateOpportunity(_) => "create_opportunity",
            Action::ScheduleDemo(_) => "schedule_demo",
            Action::QualifyLead(_) => "qualify_lead",
            Action::AssignLead(_) => "assign_lead",
        }
    }

    /// The record whose actions must reach Salesforce in order.
    pub fn record_key(&self) -> String {
        match self {
            Action::LogCall(p) => p.request.who_id.clone(),
            Action::RateLead(a) => a.lead_id.clone(),
            Action::SetLeadStatus(a) => a.lead_id.clone(),
            Action::SetStage(a) => a.opportunity_id.clone(),
            Action::CreateLead(a) => format!("new-lead:{}", a.e164),
            Action::FollowUp(a) => a.who_id.clone(),
            Action::CreateOpportunity(a) => format!("new-opportunity:{}", a.account_id),
            Action::ScheduleDemo(a) => a.who_id.clone(),
            Action::QualifyLead(a) => a.lead_id.clone(),
            Action::AssignLead(a) => a.lead_id.clone(),
        }
    }

    /// A line a rep recognizes in the outbox list.
    pub fn describe(&self) -> String {
        self.describe_text().to_string()
    }

    /// What the action does, as a [`Text`] the UI shows in the rep's language.
    pub fn describe_text(&self) -> Text {
        match self {
            Action::LogCall(p) => {
                let seconds = p.request.duration_seconds.to_string();
                match p.request.direction {
                    crate::model::CallDirection::Inbound => Text::LogInboundCall { seconds },
                    crate::model::CallDirection::Outbound => Text::LogOutboundCall { seconds },
                }
            }
            Action::RateLead(a) => Text::RateLeadAs {
                lead: a.lead_id.clone(),
                rating: a.rating.clone(),
            },
            Action::SetLeadStatus(a) => Text::SetLeadStatusTo {
                lead: a.lead_id.clone(),
                status: a.status.clone(),
            },
            Action::SetStage(a) => Text::MoveOpportunity {
                opportunity: a.opportunity_id.clone(),
                stage: a.stage.clone(),
            },
            Action::CreateLead(a) => Text::CreateLeadNamed {
                name: a.last_name.clone(),
                company: a.company.clone(),
                phone: a.phone.clone(),
            },
            Action::FollowUp(a) => Text::FollowUpDue {
                subject: a.subject.clone(),
                due: a.due_date.clone(),
            },
            Action::CreateOpportunity(a) => Text::CreateOpportunityNamed {
                name: a.name.clone(),
                stage: a.stage.clone(),
                close: a.close_date.clone(),
            },
            Action::ScheduleDemo(a) => Text::DemoAt {
                subject: a.subject.clone(),
                start: a.start.clone(),
                minutes: a.minutes.to_string(),
            },
            Action::QualifyLead(a) => Text::QualifyLeadFields {
                lead: a.lead_id.clone(),
                fields: a.fields.keys().cloned().collect::<Vec<_>>().join(", "),
            },
            Action::AssignLead(a) => Text::AssignLeadTo {
                lead: a.lead_id.clone(),
                owner: a.owner_id.clone(),
            },
        }
    }

    fn payload(&self) -> Result<String> {
        let json = match self {
            Action::LogCall(p) => serde_json::to_string(p),
            Action::RateLead(a) => serde_json::to_string(a),
            Action::SetLeadStatus(a) => serde_json::to_string(a),
            Action::SetStage(a) => serde_json::to_string(a),
            Action::CreateLead(a) => serde_json::to_string(a),
            Action::FollowUp(a) => serde_json::to_string(a),
            Action::CreateOpportunity(a) => serde_json::to_string(a),
            Action::ScheduleDemo(a) => serde_json::to_string(a),
            Action::QualifyLead(a) => serde_json::to_string(a),
            Action::AssignLead(a) => serde_json::to_string(a),
        };
        json.map_err(|e| Error::Storage(e.to_string()))
    }

    pub fn from_stored(item: &OutboxItem) -> Result<Action> {
        let unreadable = |e: serde_json::Error| {
            Error::Storage(format!("queued action {} is unreadable: {e}", item.id))
        };
        let json = &item.payload_json;
        Ok(match item.kind.as_str() {
            calls::LOG_CALL => Action::LogCall(serde_json::from_str(json).map_err(unreadable)?),
            "rate_lead" => Action::RateLead(serde_json::from_str(json).map_err(unreadable)?),
            "set_lead_status" => {
                Action::SetLeadStatus(serde_json::from_str(json).map_err(unreadable)?)
            }
            "set_stage" => Action::SetStage(serde_json::from_str(json).map_err(unreadable)?),
            "create_lead" => Action::CreateLead(serde_json::from_str(json).map_err(unreadable)?),
            "follow_up" => Action::FollowUp(serde_json::from_str(json).map_err(unreadable)?),
            "create_opportunity" => {
                Action::CreateOpportunity(serde_json::from_str(json).map_err(unreadable)?)
            }
            "schedule_demo" => {
                Action::ScheduleDemo(serde_json::from_str(json).map_err(unreadable)?)
            }
            "qualify_lead" => Action::QualifyLead(serde_json::from_str(json).map_err(unreadable)?),
            "assign_lead" => Action::AssignLead(serde_json::from_str(json).map_err(unreadable)?),
            other => {
                return Err(Error::Storage(format!(
                    "queued action {} has an unknown kind {other:?}",
                    item.id
                )))
            }
        })
    }
}

/// Checks a due date (YYYY-MM-DD).
pub fn check_date(date: &str) -> Result<()> {
    time::Date::parse(
        date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map(|_| ())
    .map_err(|_| {
        Error::InvalidInput(Text::NotADate {
            input: quoted(date),
        })
    })
}

/// Durably queues an action (already validated); returns its id.
pub fn enqueue(store: &Store, action: &Action, now: &str) -> Result<String> {
    let action_id = uuid::Uuid::new_v4().to_string();
    store.enqueue_for(
        &action_id,
        action.kind(),
        &action.payload()?,
        &action.record_key(),
        now,
    )?;
    Ok(action_id)
}

/// Queues several actions in one transaction (all durable, or none queued); returns
/// their ids in order.
pub fn enqueue_all(store: &Store, actions: &[Action], now: &str) -> Result<Vec<String>> {
    let mut rows = Vec::with_capacity(actions.len());
    for action in actions {
        rows.push((
            uuid::Uuid::new_v4().to_string(),
            action.kind(),
            action.payload()?,
            action.record_key(),
        ));
    }
    let borrowed: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|(id, kind, payload, key)| (id.as_str(), *kind, payload.as_str(), key.as_str()))
        .collect();
    store.enqueue_all(&borrowed, now)?;
    Ok(rows.into_iter().map(|(id, ..)| id).collect())
}

/// The backoff before the next try after `attempts` failed tries: 2 s doubling to at
/// most 5 minutes, with jitter so many clients do not retry in step.
pub fn backoff_ms(attempts: u32, jitter: f64) -> i64 {
    let base = 2_000f64 * 2f64.powi(attempts.saturating_sub(1).min(10) as i32);
    let capped = base.min(300_000.0);
    (capped * (0.5 + jitter.clamp(0.0, 1.0) / 2.0)) as i64
}

async fn find_task_by_key(client: &SalesforceClient, action_id: &str) -> Result<Option<Value>> {
    let existing = client
        .query(&format!(
            "SELECT Id, WhoId, WhatId FROM Task WHERE CallObject = {} LIMIT 1",
            soql_string(&call_object(action_id))
        ))
        .await?;
    Ok(existing.records.into_iter().next())
}

fn id_of(record: &Value, field: &str) -> Option<String> {
    record
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Creates a Task keyed by the action's id, unless an earlier attempt already did.
async fn create_task_once(
    client: &SalesforceClient,
    item: &OutboxItem,
    attempted_before: bool,
    fields: &Value,
) -> Result<String> {
    if attempted_before {
        if let Some(task) = find_task_by_key(client, &item.id).await? {
            return id_of(&task, "Id").ok_or_else(|| Error::Storage("a Task without an Id".into()));
        }
    }
    Ok(client.create("Task", fields).await?)
}

/// The line that ends a Callside Event's Description: the action's key.
pub fn event_key_line(action_id: &str) -> String {
    format!("Callside-Action: {action_id}")
}

/// Finds the Event an earlier attempt of this action created, if any: Events with the
/// same person, subject and start, whose Description ends with the key line.
async fn find_event_by_key(
    client: &SalesforceClient,
    action_id: &str,
    demo: &ScheduleDemo,
) -> Result<Option<String>> {
    let found = client
        .query(&format!(
            "SELECT Id, Description FROM Event WHERE WhoId = {} AND Subject = {} AND StartDateTime = {} LIMIT 200",
            soql_string(&demo.who_id),
            soql_string(&demo.subject),
            soql_datetime(&demo.start)?,
        ))
        .await?;
    let key = event_key_line(action_id);
    Ok(found
        .records
        .iter()
        .find(|event| {
            event
                .get("Description")
                .and_then(Value::as_str)
                .and_then(|d| d.trim_end().lines().last())
                .is_some_and(|line| line.trim() == key)
        })
        .and_then(|event| id_of(event, "Id")))
}

/// A SOQL dateTime literal (unquoted) for an RFC 3339 UTC time; anything else is refused.
fn soql_datetime(rfc3339: &str) -> Result<String> {
    let parsed =
        time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
            .map_err(|_| {
                Error::InvalidInput(Text::NotATime {
                    input: quoted(rfc3339),
                })
            })?;
    let utc = parsed.to_offset(time::UtcOffset::UTC);
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    ))
}

/// Normalizes a start time (RFC 3339, any offset) to UTC, `2026-12-01T15:00:00Z`.
pub fn check_start(start: &str) -> Result<String> {
    soql_datetime(start.trim())
}

/// Creates `record` with a Task carrying the action's key and pointing at it (`WhatId` or
/// `WhoId` per `link_field`), in one all-or-none composite request; returns the record's
/// id. A resend finds the record through the Task.
/// A record to create with its keyed Task.
struct NewRecord {
    sobject: &'static str,
    fields: Value,
    headers: &'static [(&'static str, &'static str)],
}

async fn create_with_keyed_task(
    client: &SalesforceClient,
    item: &OutboxItem,
    attempted_before: bool,
    record: NewRecord,
    link_field: &str,
    mut task: Value,
) -> Result<String> {
    let sobject = record.sobject;
    if attempted_before {
        if let Some(found) = find_task_by_key(client, &item.id).await? {
            if let Some(id) = id_of(&found, link_field) {
                return Ok(id);
            }
        }
    }
    task[link_field] = json!(callside_salesforce::composite::reference("newRecord", "id"));
    task["CallObject"] = json!(call_object(&item.id));
    let responses = client
        .composite(
            true,
            vec![
                record.headers.iter().fold(
                    CompositeSubrequest::create("newRecord", sobject, record.fields),
                    |request, (name, value)| request.with_header(*name, *value),
                ),
                CompositeSubrequest::create("callLog", "Task", task),
            ],
        )
        .await?;
    for response in &responses {
        if let Some(error) = response.error() {
            if !matches!(&error, callside_salesforce::Error::Api { code, .. } if code == "PROCESSING_HALTED")
            {
                return Err(error.into());
            }
        }
    }
    responses
        .first()
        .and_then(|r| r.id().map(str::to_string))
        .ok_or_else(|| Error::Storage(format!("Salesforce created no {sobject} id")))
}

/// A write that is one REST request, so that it can also travel with others in one
/// composite request.
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    Create {
        sobject: &'static str,
        fields: Value,
    },
    Update {
        sobject: &'static str,
        id: String,
        fields: Value,
        if_unmodified_since: Option<String>,
    },
}

impl Write {
    /// Request headers: an update of a Lead says `Sforce-Auto-Assign: FALSE`, or the
    /// org's assignment rules (which Salesforce runs by default) could hand the lead to
    /// someone else because the rep rated it.
    fn headers(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Write::Update {
                sobject: "Lead", ..
            } => &[(callside_salesforce::AUTO_ASSIGN, "FALSE")],
            _ => &[],
        }
    }

    async fn send(&self, client: &SalesforceClient) -> Result<String> {
        match self {
            Write::Create { sobject, fields } => {
                Ok(client.create_with(sobject, fields, self.headers()).await?)
            }
            Write::Update {
                sobject,
                id,
                fields,
                if_unmodified_since,
            } => {
                client
                    .update_with(
                        sobject,
                        id,
                        fields,
                        if_unmodified_since.as_deref(),
                        self.headers(),
                    )
                    .await?;
                Ok(id.clone())
            }
        }
    }

    fn subrequest(&self, reference_id: &str) -> Result<CompositeSubrequest> {
        let mut request = match self {
            Write::Create { sobject, fields } => {
                CompositeSubrequest::create(reference_id, sobject, fields.clone())
            }
            Write::Update {
                sobject,
                id,
                fields,
                if_unmodified_since,
            } => {
                let request =
                    CompositeSubrequest::update(reference_id, sobject, id, fields.clone());
                match if_unmodified_since {
                    Some(since) => request.if_unmodified_since(since)?,
                    None => request,
                }
            }
        };
        for (name, value) in self.headers() {
            request = request.with_header(*name, *value);
        }
        Ok(request)
    }
}

/// The single request an action is, when it is one (every update, and a create that
/// has not been attempted before: a resend must look for its key first).
pub fn single_write(item: &OutboxItem, action: &Action) -> Option<Write> {
    let update = |sobject, id: &str, fields, since: &Option<String>| {
        Some(Write::Update {
            sobject,
            id: id.to_string(),
            fields,
            if_unmodified_since: since.clone(),
        })
    };
    let first_attempt = !item.uncertain;
    match action {
        Action::LogCall(payload) if first_attempt => Some(Write::Create {
            sobject: "Task",
            fields: calls::task_fields(&item.id, payload),
        }),
        Action::FollowUp(a) if first_attempt => Some(Write::Create {
            sobject: "Task",
            fields: follow_up_fields(&item.id, a),
        }),
        Action::ScheduleDemo(a) if first_attempt => Some(Write::Create {
            sobject: "Event",
            fields: demo_fields(&item.id, a),
        }),
        Action::RateLead(a) => update(
            "Lead",
            &a.lead_id,
            json!({ "Rating": a.rating }),
            &a.if_unmodified_since,
        ),
        Action::SetLeadStatus(a) => update(
            "Lead",
            &a.lead_id,
            json!({ "Status": a.status }),
            &a.if_unmodified_since,
        ),
        Action::SetStage(a) => {
            let mut fields = json!({ "StageName": a.stage });
            if let Some(probability) = a.probability {
                fields["Probability"] = json!(probability);
            }
            update(
                "Opportunity",
                &a.opportunity_id,
                fields,
                &a.if_unmodified_since,
            )
        }
        Action::QualifyLead(a) => update(
            "Lead",
            &a.lead_id,
            serde_json::to_value(&a.fields).ok()?,
            &a.if_unmodified_since,
        ),
        Action::AssignLead(a) => update(
            "Lead",
            &a.lead_id,
            json!({ "OwnerId": a.owner_id }),
            &a.if_unmodified_since,
        ),
        _ => None,
    }
}

fn follow_up_fields(action_id: &str, a: &FollowUp) -> Value {
    json!({
        "WhoId": a.who_id,
        "WhatId": a.what_id,
        "Subject": a.subject,
        "ActivityDate": a.due_date,
        "Priority": a.priority,
        "Status": "Not Started",
        "TaskSubtype": "Task",
        "CallObject": call_object(action_id),
    })
}

fn demo_fields(action_id: &str, a: &ScheduleDemo) -> Value {
    json!({
        "Subject": a.subject,
        "StartDateTime": a.start,
        "DurationInMinutes": a.minutes,
        "WhoId": a.who_id,
        "WhatId": a.what_id,
        "Type": "Meeting",
        "Description": event_key_line(action_id),
    })
}

/// Performs an action against Salesforce; returns the id of the record it created or
/// changed.
async fn perform(
    client: &SalesforceClient,
    item: &OutboxItem,
    action: &Action,
    attempted_before: bool,
) -> Result<String> {
    if !attempted_before {
        if let Some(write) = single_write(item, action) {
            return write.send(client).await;
        }
    }
    match action {
        Action::LogCall(payload) => {
            let fields = calls::task_fields(&item.id, payload);
            create_task_once(client, item, attempted_before, &fields).await
        }
        Action::FollowUp(a) => {
            let fields = follow_up_fields(&item.id, a);
            create_task_once(client, item, attempted_before, &fields).await
        }
        Action::ScheduleDemo(a) => {
            if attempted_before {
                if let Some(id) = find_event_by_key(client, &item.id, a).await? {
                    return Ok(id);
                }
            }
            Ok(client.create("Event", &demo_fields(&item.id, a)).await?)
        }
        Action::CreateLead(a) => {
            let mut lead = json!({
                "LastName": a.last_name,
                "Company": a.company,
                "Phone": a.phone,
                "LeadSource": "Phone Call",
                "Status": "Open - Not Contacted",
            });
            if let Some(first_name) = &a.first_name {
                lead["FirstName"] = json!(first_name);
            }
            let task = json!({
                "Subject": "Lead created from a call",
                "TaskSubtype": "Call",
                "Type": "Call",
                "Status": "Completed",
                "Priority": "Normal",
            });
            let headers: &'static [(&'static str, &'static str)] = if a.assignment_rules {
                &[("Sforce-Auto-Assign", "TRUE")]
            } else {
                &[("Sforce-Auto-Assign", "FALSE")]
            };
            create_with_keyed_task(
                client,
                item,
                attempted_before,
                NewRecord {
                    sobject: "Lead",
                    fields: lead,
                    headers,
                },
                "WhoId",
                task,
            )
            .await
        }
        Action::CreateOpportunity(a) => {
            let mut opportunity = json!({
                "AccountId": a.account_id,
                "Name": a.name,
                "CloseDate": a.close_date,
                "StageName": a.stage,
                "LeadSource": "Phone Call",
                "Type": "New Customer",
            });
            for (field, value) in [
                ("ContactId", &a.contact_id),
                ("NextStep", &a.next_step),
                ("Description", &a.description),
            ] {
                if let Some(value) = value {
                    opportunity[field] = json!(value);
                }
            }
            if let Some(amount) = a.amount {
                opportunity["Amount"] = json!(amount);
            }
            let mut task = json!({
                "Subject": "Opportunity created from a call",
                "TaskSubtype": "Call",
                "Type": "Call",
                "Status": "Completed",
                "Priority": "Normal",
            });
            if let Some(contact) = &a.contact_id {
                task["WhoId"] = json!(contact);
            }
            create_with_keyed_task(
                client,
                item,
                attempted_before,
                NewRecord {
                    sobject: "Opportunity",
                    fields: opportunity,
                    headers: &[],
                },
                "WhatId",
                task,
            )
            .await
        }
        Action::RateLead(_)
        | Action::SetLeadStatus(_)
        | Action::SetStage(_)
        | Action::QualifyLead(_)
        | Action::AssignLead(_) => match single_write(item, action) {
            Some(write) => write.send(client).await,
            None => Err(Error::Storage(format!(
                "queued action {} cannot be sent",
                item.id
            ))),
        },
    }
}

/// Sends one queued action and records its outcome.
pub async fn send(
    client: &SalesforceClient,
    store: &Store,
    item: &OutboxItem,
    now: &str,
    now_ms: i64,
    jitter: f64,
) -> Result<ActionOutcome> {
    let action = Action::from_stored(item)?;
    let attempted_before = item.uncertain;
    store.mark_attempt(&item.id, now)?;
    let sent = perform(client, item, &action, attempted_before).await;
    let clock = Clock {
        now,
        now_ms,
        jitter,
    };
    match sent {
        Ok(record_id) => settle_sent(store, item, &action, record_id, &clock),
        Err(error) => settle_error(client, store, item, &action, &error, &clock).await,
    }
}

/// Whether an action can travel with others in one composite request: it is a single
/// write (see [`single_write`]).
pub fn travels_together(item: &OutboxItem) -> bool {
    Action::from_stored(item).is_ok_and(|action| single_write(item, &action).is_some())
}

/// Whether an action changes an existing record (one record's changes must not
/// overtake each other; creates are independent of each other).
pub fn changes_a_record(item: &OutboxItem) -> bool {
    Action::from_stored(item)
        .is_ok_and(|action| matches!(single_write(item, &action), Some(Write::Update { .. })))
}

/// At most this many actions go in one composite request (Salesforce's limit is 25
/// subrequests).
pub const MAX_TOGETHER: usize = 25;

/// Sends several actions that are single writes ([`travels_together`]) in one composite
/// request, each standing alone (`allOrNone` false: one refused does not hold back the
/// others), and records each outcome. At most one action per record, so that a record's
/// actions never overtake each other.
pub async fn send_together(
    client: &SalesforceClient,
    store: &Store,
    items: &[OutboxItem],
    now: &str,
    now_ms: i64,
    jitter: f64,
) -> Result<Vec<ActionOutcome>> {
    let clock = Clock {
        now,
        now_ms,
        jitter,
    };
    let mut planned = Vec::with_capacity(items.len());
    let mut subrequests = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let action = Action::from_stored(item)?;
        let write = single_write(item, &action).ok_or_else(|| {
            Error::Storage(format!(
                "action {} cannot go in a composite request",
                item.id
            ))
        })?;
        subrequests.push(write.subrequest(&format!("action{index}"))?);
        planned.push((item, action, write));
    }
    for item in items {
        store.mark_attempt(&item.id, now)?;
    }
    let mut outcomes = Vec::with_capacity(items.len());
    match client.composite(false, subrequests).await {
        Err(error) => {
            let error = Error::Salesforce(error);
            for (item, action, _) in &planned {
                outcomes.push(settle_error(client, store, item, action, &error, &clock).await?);
            }
        }
        Ok(responses) => {
            for ((item, action, write), response) in planned.iter().zip(&responses) {
                let outcome = match response.error() {
                    Some(error) => {
                        let error = Error::Salesforce(error);
                        settle_error(client, store, item, action, &error, &clock).await?
                    }
                    None => {
                        let record_id = match write {
                            Write::Update { id, .. } => Some(id.clone()),
                            Write::Create { .. } => response.id().map(str::to_string),
                        };
                        match record_id {
                            Some(id) => settle_sent(store, item, action, id, &clock)?,
                            None => {
                                let error =
                                    Error::Storage("Salesforce answered without an id".into());
                                settle_error(client, store, item, action, &error, &clock).await?
                            }
                        }
                    }
                };
                outcomes.push(outcome);
            }
        }
    }
    Ok(outcomes)
}

struct Clock<'a> {
    now: &'a str,
    now_ms: i64,
    jitter: f64,
}

fn outcome_of(item: &OutboxItem, action: &Action) -> ActionOutcome {
    let description = action.describe_text();
    ActionOutcome {
        action_id: item.id.clone(),
        kind: action.kind().to_string(),
        description: description.to_string(),
        description_text: Some(description),
        status: ActionStatus::Pending,
        record_id: None,
        message: None,
        message_text: None,
        conflict: None,
    }
}

fn settle_sent(
    store: &Store,
    item: &OutboxItem,
    action: &Action,
    record_id: String,
    clock: &Clock<'_>,
) -> Result<ActionOutcome> {
    store.mark_outcome(
        &item.id,
        ActionStatus::Sent,
        Some(&record_id),
        None,
        clock.now,
    )?;
    match action {
        Action::CreateLead(lead) => {
            cache_created_lead(store, lead, &record_id, clock.now, clock.now_ms)?
        }
        Action::RateLead(_)
        | Action::SetLeadStatus(_)
        | Action::SetStage(_)
        | Action::QualifyLead(_)
        | Action::AssignLead(_) => store.forget_last_modified(&record_id)?,
        Action::LogCall(_)
        | Action::FollowUp(_)
        | Action::CreateOpportunity(_)
        | Action::ScheduleDemo(_) => {}
    }
    Ok(ActionOutcome {
        status: ActionStatus::Sent,
        record_id: Some(record_id),
        ..outcome_of(item, action)
    })
}

async fn settle_error(
    client: &SalesforceClient,
    store: &Store,
    item: &OutboxItem,
    action: &Action,
    error: &Error,
    clock: &Clock<'_>,
) -> Result<ActionOutcome> {
    let message = error.to_string();
    let message_text = error.text();
    let answered = match error {
        Error::Salesforce(e) => !matches!(
            e,
            callside_salesforce::Error::Unreachable(_)
                | callside_salesforce::Error::Timeout
                | callside_salesforce::Error::Decode(_)
        ),
        _ => true,
    };
    // Salesforce refused the write itself (its transaction rolled back): nothing to look
    // up next time. After an uncertain attempt the refusal may have answered the key
    // lookup instead, so a create stays uncertain.
    if answered && (!item.uncertain || changes_a_record(item)) {
        store.mark_answered(&item.id)?;
    }
    match error {
        Error::Salesforce(e) if e.is_transient() || e.needs_sign_in() => {
            store.mark_outcome(
                &item.id,
                ActionStatus::Pending,
                None,
                Some((&message, message_text.as_ref())),
                clock.now,
            )?;
            store.set_next_attempt(
                &item.id,
                clock.now_ms + backoff_ms(item.attempts + 1, clock.jitter),
            )?;
            let waiting = Text::WaitingToSend { reason: message };
            Ok(ActionOutcome {
                message: Some(waiting.to_string()),
                message_text: Some(waiting),
                ..outcome_of(item, action)
            })
        }
        Error::Salesforce(e) if e.kind() == callside_salesforce::ErrorKind::Conflict => {
            let conflict = read_conflict(client, item, action).await;
            if let (Some(conflict), Some(Write::Update { id, .. })) =
                (&conflict, single_write(item, action))
            {
                // An earlier attempt of this very action got through (its answer was
                // lost): the record already holds our values.
                if item.uncertain && conflict.fields.iter().all(|f| f.ours == f.theirs) {
                    return settle_sent(store, item, action, id, clock);
                }
            }
            let text = match &conflict {
                Some(Conflict {
                    modified_by: Some(who),
                    ..
                }) => Text::ChangedInSalesforceBy { who: who.clone() },
                _ => Text::ChangedInSalesforce,
            };
            let message = text.to_string();
            store.mark_outcome(
                &item.id,
                ActionStatus::Failed,
                None,
                Some((&message, Some(&text))),
                clock.now,
            )?;
            if let Some(conflict) = &conflict {
                let json =
                    serde_json::to_string(conflict).map_err(|e| Error::Storage(e.to_string()))?;
                store.set_conflict(&item.id, &json)?;
            }
            Ok(ActionOutcome {
                status: ActionStatus::Failed,
                message: Some(message),
                message_text: Some(text),
                conflict,
                ..outcome_of(item, action)
            })
        }
        _ => {
            store.mark_outcome(
                &item.id,
                ActionStatus::Failed,
                None,
                Some((&message, message_text.as_ref())),
                clock.now,
            )?;
            Ok(ActionOutcome {
                status: ActionStatus::Failed,
                message: Some(message),
                message_text,
                ..outcome_of(item, action)
            })
        }
    }
}

fn as_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Reads what Salesforce holds now in the fields an update refused as a conflict was
/// going to set (one query); `None` when it cannot be read (offline, say).
async fn read_conflict(
    client: &SalesforceClient,
    item: &OutboxItem,
    action: &Action,
) -> Option<Conflict> {
    let Some(Write::Update {
        sobject,
        id,
        fields,
        ..
    }) = single_write(item, action)
    else {
        return None;
    };
    let names: Vec<&String> = fields.as_object()?.keys().collect();
    let mut select: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
    select.extend(["LastModifiedDate", "LastModifiedBy.Name"]);
    let found = client
        .query(&format!(
            "SELECT {} FROM {sobject} WHERE Id = {}",
            select.join(", "),
            soql_string(&id)
        ))
        .await
        .map_err(|error| tracing::warn!("the conflicting record could not be read: {error}"))
        .ok()?;
    let record = found.records.into_iter().next()?;
    Some(Conflict {
        fields: names
            .iter()
            .map(|name| ConflictField {
                field: name.to_string(),
                ours: as_text(fields.get(name.as_str())),
                theirs: as_text(record.get(name.as_str())),
            })
            .collect(),
        modified_at: as_text(record.get("LastModifiedDate")),
        modified_by: as_text(record.get("LastModifiedBy").and_then(|by| by.get("Name"))),
    })
}

/// The action with its precondition moved to `last_modified`: sent again, it
/// overwrites the change the rep saw in the conflict, but not a newer one.
pub fn with_precondition(action: &Action, last_modified: Option<String>) -> Option<Action> {
    let mut action = action.clone();
    match &mut action {
        Action::RateLead(a) => a.if_unmodified_since = last_modified,
        Action::SetLeadStatus(a) => a.if_unmodified_since = last_modified,
        Action::SetStage(a) => a.if_unmodified_since = last_modified,
        Action::QualifyLead(a) => a.if_unmodified_since = last_modified,
        Action::AssignLead(a) => a.if_unmodified_since = last_modified,
        _ => return None,
    }
    Some(action)
}

/// The payload to store for an action.
pub fn payload_of(action: &Action) -> Result<String> {
    action.payload()
}

/// Salesforce's search index takes minutes to see a new record; a lead created here is
/// put in the cache under its number at once, so the next call from it pops it.
fn cache_created_lead(
    store: &Store,
    lead: &CreateLead,
    lead_id: &str,
    now: &str,
    now_ms: i64,
) -> Result<()> {
    let name = match &lead.first_name {
        Some(first) => format!("{first} {}", lead.last_name),
        None => lead.last_name.clone(),
    };
    let fields = json!({"attributes": {"type": "Lead"}, "Id": lead_id, "Name": name, "Company": lead.company, "Phone": lead.phone, "LeadSource": "Phone Call"});
    let caller = crate::model::CallerMatch {
        record_type: crate::model::RecordType::Lead,
        id: lead_id.to_string(),
        name: name.clone(),
        name_withheld: false,
        title: None,
        company: Some(lead.company.clone()),
        account_id: None,
        phone: Some(lead.phone.clone()),
        status: Some("Open - Not Contacted".into()),
        rating: None,
        lead_source: Some("Phone Call".into()),
        owner: None,
        opportunities: Vec::new(),
        cases: Vec::new(),
        activities: Vec::new(),
        email: None,
        account: None,
        panels: None,
    };
    let mut result = store
        .cached_lookup(&lead.e164)?
        .unwrap_or(crate::model::LookupResult {
            number: lead.e164.clone(),
            source: LookupSource::Salesforce,
            fetched_at: now.to_string(),
            matches: Vec::new(),
            related_loaded: true,
        });
    store.remember_created(lead_id, &lead.e164, now_ms)?;
    result.matches.retain(|m| m.id != lead_id);
    result.matches.push(caller);
    result.fetched_at = now.to_string();
    let record = crate::store::CachedRecord {
        id: lead_id,
        sobject: "Lead",
        name: &name,
        fields: &fields,
        phones: vec![lead.e164.clone()],
    };
    store.save_lookup(&result, &[record], now_ms)
}

/// The outcome of an action as stored.
pub fn stored_outcome(item: &OutboxItem) -> ActionOutcome {
    let description = Action::from_stored(item).map(|a| a.describe_text());
    ActionOutcome {
        conflict: item
            .conflict_json
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok()),
        action_id: item.id.clone(),
        kind: item.kind.clone(),
        description: match &description {
            Ok(text) => text.to_string(),
            Err(error) => error.to_string(),
        },
        description_text: description.ok(),
        status: item.status,
        record_id: item.result_id.clone(),
        message: item.last_error.clone(),
        message_text: item
            .last_error_text
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes_with_jitter() {
        assert_eq!(backoff_ms(1, 1.0), 2_000);
        assert_eq!(backoff_ms(2, 1.0), 4_000);
        assert_eq!(backoff_ms(1, 0.0), 1_000);
        assert_eq!(backoff_ms(30, 1.0), 300_000);
    }
}
