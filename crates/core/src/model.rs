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
    /// Empty when the name is withheld (below).
    pub name: String,
    /// The name is not kept on this device (the administrator marks names sensitive):
    /// a card from the cache has none until Salesforce answers.
    #[serde(default)]
    pub name_withheld: bool,
    pub title: Option<String>,
    /// The lead's company, or the contact's account name.
    pub company: Option<String>,
    pub account_id: Option<String>,
    /// The stored phone value that matched, as the org stored it.
    pub phone: Option<String>,
    pub status: Option<String>,
    pub rating: Option<String>,
    /// Where a lead came from (the Lead's LeadSource: "Web", "Partner Referral"...).
    #[serde(default)]
    pub lead_source: Option<String>,
    /// The record owner's name.
    pub owner: Option<String>,
    pub opportunities: Vec<OpportunitySummary>,
    pub cases: Vec<CaseSummary>,
    /// The last few activities with this person or account, newest first.
    pub activities: Vec<ActivitySummary>,
    /// The person's email address.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub email: Option<String>,
    /// The company behind the match: an Account's key facts (for a contact, its
    /// account's), or what a lead says of its company. The admin's custom account fields
    /// come with the best match's related records.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub account: Option<AccountFacts>,
    /// The administrator's industry panels for this caller ([`crate::panels`]); with the
    /// best match's related records.
    /// None when no panel applies.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub panels: Option<Vec<crate::panels::Panel>>,
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
    /// What happens next; into the Task field an admin maps (`Next_Steps__c`), else at
    /// the end of the Description.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_steps: Option<String>,
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
    /// `message` as a [`crate::text::Text`], where it has one.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub message_text: Option<crate::text::Text>,
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
    /// A known caller whose name is not kept on this device (names are sensitive).
    #[serde(default)]
    pub name_withheld: bool,
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
    /// `description` as a [`crate::text::Text`], for the UI's languages.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub description_text: Option<crate::text::Text>,
    pub status: ActionStatus,
    /// The record created or changed, once sent.
    pub record_id: Option<String>,
    /// Why it is not sent yet, or Salesforce's message when it was refused.
    pub message: Option<String>,
    /// `message` as a [`crate::text::Text`], where it has one.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub message_text: Option<crate::text::Text>,
    /// Someone changed the record in Salesforce after the rep saw it: what it holds now.
    /// The rep overwrites it ([`crate::Callside::overwrite_action`]) or keeps it (discard).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub conflict: Option<Conflict>,
}

/// What Salesforce held when an update of ours met a newer change.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Conflict {
    /// Each field the action sets: our value and Salesforce's.
    pub fields: Vec<ConflictField>,
    /// When the record was last changed, as Salesforce reports it.
    pub modified_at: Option<String>,
    /// Who changed it.
    pub modified_by: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ConflictField {
    pub field: String,
    pub ours: Option<String>,
    pub theirs: Option<String>,
}

/// The end of a call: its log, and optionally a follow-up and an opportunity's stage.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct WrapUp {
    pub call: LogCallRequest,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub follow_up: Option<FollowUpRequest>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub stage: Option<StageChange>,
}

/// A follow-up Task with the person of the call.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FollowUpRequest {
    pub subject: String,
    /// YYYY-MM-DD
    pub due_date: String,
    /// High, Normal or Low.
    pub priority: String,
}

/// An opportunity's new stage: named, or the stage a call outcome maps to; with neither,
/// the next stage.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StageChange {
    pub opportunity_id: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub stage: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub outcome: Option<String>,
    /// Closing stages (won or lost) need the rep's confirmation.
    #[serde(default)]
    pub confirm_closing: bool,
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
    /// Let the org's lead assignment rules choose the owner; unset follows the settings.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub assignment_rules: Option<bool>,
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

/// An Account's key facts, as the original brief's account query reads them; for a lead,
/// the same facts of its company as the lead records them (no Account behind it).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccountFacts {
    /// The Account's id; none for a lead's company.
    pub id: Option<String>,
    pub name: String,
    pub industry: Option<String>,
    pub annual_revenue: Option<f64>,
    pub employees: Option<u32>,
    /// The billing address (a lead's own address).
    pub address: Option<PostalAddress>,
    pub website: Option<String>,
    pub phone: Option<String>,
    /// The account's Type ("Customer - Direct", "Prospect"...).
    #[serde(rename = "type")]
    pub account_type: Option<String>,
    pub parent_id: Option<String>,
    pub parent_name: Option<String>,
    /// The owner's name (a lead's owner).
    pub owner: Option<String>,
    /// The custom fields the admin maps (`account_fields` in the config file) that have
    /// a value, in the configured order.
    pub custom: Vec<CustomFact>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PostalAddress {
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// One admin-mapped custom field of an account and its value.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CustomFact {
    /// The API name, such as `Health_Score__c`.
    pub field: String,
    /// The label the org gives it.
    pub label: String,
    /// The describe type: `date`, `double`, `currency`, `percent`, `boolean`, `string`...
    pub field_type: String,
    /// The value as text: dates as YYYY-MM-DD, numbers without a trailing `.0`,
    /// booleans as `true` or `false`.
    pub value: String,
}

/// What a search term was taken for.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum TermKind {
    Phone,
    Email,
    /// A website or email domain, such as `summitoutdoor.example`.
    Domain,
    /// A person's or a company's name.
    Name,
}

/// What a search for any term found: the matches, best first, and what the term was
/// understood as.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SearchResult {
    pub kind: TermKind,
    /// The term as searched: a number in E.164, an email address or a domain in lower
    /// case, a name with its spaces tidied (ending in `*` for a prefix search). Searching
    /// it again finds the same.
    pub term: String,
    /// For a phone number, the number in E.164 (as in a [`LookupResult`]).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub number: Option<String>,
    pub source: LookupSource,
    /// When the data was fetched from Salesforce (RFC 3339, UTC).
    pub fetched_at: String,
    /// Best match first; only the first carries its related records.
    pub matches: Vec<CallerMatch>,
    /// False for a first paint whose related records are still on their way.
    pub related_loaded: bool,
}

/// An account among its family.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccountNode {
    pub id: String,
    pub name: String,
    pub industry: Option<String>,
    #[serde(rename = "type")]
    pub account_type: Option<String>,
    pub city: Option<String>,
}

/// An open opportunity of an account, with its contact.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccountOpportunity {
    pub id: String,
    pub name: String,
    pub stage: String,
    pub amount: Option<f64>,
    pub close_date: Option<String>,
    pub probability: Option<f64>,
    /// The opportunity's contact, if it has one.
    pub contact: Option<String>,
}

/// An account's place in its hierarchy and its open business.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccountHierarchy {
    pub account: AccountNode,
    pub parent: Option<AccountNode>,
    /// The parent's other child accounts.
    pub siblings: Vec<AccountNode>,
    /// The account's own child accounts.
    pub children: Vec<AccountNode>,
    /// The account's open opportunities, whichever of its contacts they are with,
    /// closing soonest first.
    pub opportunities: Vec<AccountOpportunity>,
    /// For a lead: the account was found by the lead's company name or website, not
    /// by a link in Salesforce.
    pub matched_by_company: bool,
}
