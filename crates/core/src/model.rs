//! The data the user interfaces show. These types are serialized for the command line's
//! `--json` output and for the desktop shell's IPC (with TypeScript declarations
//! generated from them), so field names are part of a contract.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Whether a user is signed in, and as whom.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SessionStatus {
    pub signed_in: bool,
    pub user_name: Option<String>,
    pub username: Option<String>,
    pub org_id: Option<String>,
    pub instance_url: Option<String>,
    pub login_url: String,
    /// Where tokens are kept: the keychain's name, or why it is memory only.
    pub keychain: String,
}

/// Where a lookup's answer came from.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum LookupSource {
    Salesforce,
    Cache,
}

/// The screen-pop data for one phone number.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LookupResult {
    /// The number in E.164 form.
    pub number: String,
    pub source: LookupSource,
    /// When the data was fetched from Salesforce (RFC 3339, UTC).
    pub fetched_at: String,
    /// Best match first; only the first carries its related records.
    pub matches: Vec<CallerMatch>,
    /// False for a first paint whose related records (opportunities, cases, activities)
    /// are still on their way.
    pub related_loaded: bool,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum RecordType {
    Contact,
    Lead,
    Account,
}

impl RecordType {
    pub fn api_name(self) -> &'static str {
        match self {
            RecordType::Contact => "Contact",
            RecordType::Lead => "Lead",
            RecordType::Account => "Account",
        }
    }

    pub fn from_api_name(name: &str) -> Option<RecordType> {
        match name {
            "Contact" => Some(RecordType::Contact),
            "Lead" => Some(RecordType::Lead),
            "Account" => Some(RecordType::Account),
            _ => None,
        }
    }
}

/// A record whose phone number matched.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CallerMatch {
    #[serde(rename = "type")]
    pub record_type: RecordType,
    pub id: String,
    pub name: String,
    pub title: Option<String>,
    /// The lead's company, or the contact's account name.
    pub company: Option<String>,
    pub account_id: Option<String>,
    /// The stored phone value that matched, as the org stored it.
    pub phone: Option<String>,
    pub status: Option<String>,
    pub rating: Option<String>,
    /// The record owner's name.
    pub owner: Option<String>,
    pub opportunities: Vec<OpportunitySummary>,
    pub cases: Vec<CaseSummary>,
    /// The last few activities with this person or account, newest first.
    pub activities: Vec<ActivitySummary>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ActivitySummary {
    pub id: String,
    pub subject: Option<String>,
    /// YYYY-MM-DD
    pub date: Option<String>,
    pub status: Option<String>,
    /// Inbound or Outbound for calls.
    pub call_type: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OpportunitySummary {
    pub id: String,
    pub name: String,
    pub stage: String,
    pub amount: Option<f64>,
    pub close_date: Option<String>,
    pub probability: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CaseSummary {
    pub id: String,
    pub case_number: String,
    pub subject: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum CallDirection {
    Inbound,
    Outbound,
}

/// What the rep asks for when logging a call.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LogCallRequest {
    /// The Lead or Contact spoken to.
    pub who_id: String,
    /// The Account or Opportunity the call was about (not allowed with a Lead).
    pub what_id: Option<String>,
    pub duration_seconds: u32,
    pub direction: CallDirection,
    pub notes: String,
    pub subject: Option<String>,
    /// The call's result ("Left voicemail", "Interested"...), the Task's CallDisposition.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub disposition: Option<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum ActionStatus {
    /// Stored locally, not yet confirmed by Salesforce.
    Pending,
    Sent,
    /// Refused by Salesforce; kept with its message.
    Failed,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LogCallOutcome {
    pub action_id: String,
    pub status: ActionStatus,
    pub task_id: Option<String>,
    pub message: Option<String>,
}

/// One entry of the recent-calls list.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RecentCall {
    /// E.164
    pub number: String,
    pub record_id: Option<String>,
    pub record_type: Option<RecordType>,
    pub name: Option<String>,
    pub direction: CallDirection,
    /// RFC 3339, UTC
    pub started_at: String,
    /// Set when the call was logged.
    pub duration_seconds: Option<u32>,
}

/// Where one queued action stands.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ActionOutcome {
    pub action_id: String,
    /// `log_call`, `rate_lead`, `set_lead_status`, `set_stage`, `create_lead`, `follow_up`
    pub kind: String,
    /// What the action does, in words.
    pub description: String,
    pub status: ActionStatus,
    /// The record created or changed, once sent.
    pub record_id: Option<String>,
    /// Why it is not sent yet, or Salesforce's message when it was refused.
    pub message: Option<String>,
}

/// What the rep gives to create a lead for an unknown caller.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NewLead {
    pub phone: String,
    pub last_name: String,
    pub company: String,
    pub first_name: Option<String>,
}

/// What the rep gives to create an opportunity from a call.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NewOpportunity {
    pub account_id: String,
    pub name: String,
    /// YYYY-MM-DD
    pub close_date: String,
    pub amount: Option<f64>,
    pub contact_id: Option<String>,
    /// The org's stage name; Prospecting when none.
    pub stage: Option<String>,
    pub next_step: Option<String>,
    pub description: Option<String>,
}

/// One of the org's opportunity stages.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Stage {
    pub name: String,
    pub probability: Option<f64>,
    pub closed: bool,
    pub won: bool,
}

/// A saved org connection, for `callside orgs`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OrgConnection {
    pub alias: String,
    pub login_url: String,
    pub active: bool,
    pub signed_in: bool,
    pub username: Option<String>,
    pub instance_url: Option<String>,
}

/// A call outcome and the opportunity stage it moves to (`outcome_stages` in settings).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OutcomeStage {
    pub outcome: String,
    pub stage: String,
}
