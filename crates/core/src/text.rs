//! The messages Callside gives a person, each with a key, its English text and the values
//! it names. The command line prints the English; the desktop UI receives the key and
//! the values with every error (`Text` is part of the IPC contract) and shows the text in
//! the rep's language from its own dictionaries, which a type check keeps complete.
//!
//! A template names its values as `{name}`, as the UI's dictionaries do. Values are
//! filled in as given: input the rep typed is quoted and shortened by [`quoted`] first.
//! Salesforce's own messages are not here: Salesforce writes them in the user's language.

use serde::{Deserialize, Serialize};

/// At most this many characters of a quoted input are shown in a message.
pub const SHOWN_CHARS: usize = 40;

/// Input as a message quotes it: in double quotes (escaped as Rust writes them), cut to
/// [`SHOWN_CHARS`] characters with an ellipsis, so pasting a page into a field gives a
/// message a person can read.
pub fn quoted(input: &str) -> String {
    let shown: String = input.chars().take(SHOWN_CHARS).collect();
    let ellipsis = if input.chars().count() > SHOWN_CHARS {
        "…"
    } else {
        ""
    };
    let debug = format!("{shown:?}");
    format!("{}{ellipsis}\"", &debug[..debug.len() - 1])
}

/// Fills `{name}` placeholders of `template` from `params`; unknown ones stay as written.
pub fn fill(template: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if !after[..close].is_empty()
                    && after[..close]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..close];
                match params.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

macro_rules! texts {
    ($( $(#[$doc:meta])* $name:ident $({ $($param:ident),* $(,)? })? => $english:literal, )*) => {
        /// A message for a person: its key and the values it names (see the module).
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(tag = "key", content = "params")]
        #[non_exhaustive]
        pub enum Text {
            $( $(#[$doc])* $name $({ $($param: String),* })?, )*
        }

        impl Text {
            /// Every key with its English template and the names of its values, in the
            /// order above.
            pub const TEMPLATES: &'static [(&'static str, &'static str, &'static [&'static str])] =
                &[ $( (stringify!($name), $english, &[ $( $( stringify!($param) ),* )? ]), )* ];

            /// The key, as the UI's dictionaries name the message.
            pub fn key(&self) -> &'static str {
                match self { $( Text::$name { .. } => stringify!($name), )* }
            }

            /// The English template.
            pub fn template(&self) -> &'static str {
                match self { $( Text::$name { .. } => $english, )* }
            }

            /// The values the template names.
            pub fn params(&self) -> Vec<(&'static str, &str)> {
                match self {
                    $( Text::$name $({ $($param),* })? => vec![ $( $( (stringify!($param), $param.as_str()) ),* )? ], )*
                }
            }
        }
    };
}

texts! {
    // ---- phone numbers, records, dates ----------------------------------------------
    NotAPhoneNumber { input } => "{input} is not a phone number.",
    PhoneNumberTooLong => "That is too long to be a phone number.",
    NotARecordId { input } => "{input} is not a record id.",
    NotALeadOrContactId { input } => "{input} is not a Lead or Contact id.",
    NotAnOpportunityId { input } => "{input} is not an Opportunity id.",
    NotALeadId { input } => "{input} is not a Lead id.",
    NotAContactId { input } => "{input} is not a Contact id.",
    NotAnAccountId { input } => "{input} is not an Account id.",
    NotAUserId { input } => "{input} is not a User id.",
    NotAPersonOrAccountId { input } => "{input} is not a Contact, Lead or Account id.",
    NoSuchRecord { id } => "Salesforce has no record {id}; it may have been deleted.",
    NotADate { input } => "{input} is not a date like 2026-12-01.",
    NotATime { input } => "{input} is not a time like 2026-12-01T15:00:00Z.",

    // ---- logging a call -------------------------------------------------------------
    CallNotWithAPerson { input } => "{input} is not a Lead or Contact id; a call is logged against the person spoken to.",
    NotACallRecord { input } => "{input} is not an Account, Opportunity or Case id.",
    LeadCallNotLinked => "A call with a lead cannot also be linked to an account, opportunity or case.",
    NotesTooLong { length, max } => "The notes are {length} characters long; Salesforce keeps at most {max}.",
    SubjectTooLong { length, max } => "The subject is {length} characters long; Salesforce keeps at most {max}.",
    CallResultTooLong { max } => "The call result may have at most {max} characters.",
    NextStepsTooLong { length, max } => "The next steps are {length} characters long; Salesforce keeps at most {max}.",
    CallTooLong => "A call cannot last more than 24 hours.",
    NotACallOutcome { input, choices } => "{input} is not a call outcome; use one of: {choices}",

    // ---- leads ----------------------------------------------------------------------
    NotARating { input } => "{input} is not a rating; use Hot, Warm or Cold.",
    NotALeadStatus { input, choices } => "{input} is not a lead status of this org; use one of: {choices}",
    LeadNeedsNameAndCompany => "Salesforce needs a last name and a company for a new lead.",
    LeadNameTooLong => "The last name may have at most 80 characters and the company 255.",
    FirstNameTooLong => "The first name may have at most 40 characters.",
    QualificationEmpty => "Give qualification notes, a next action or both.",
    LeadFieldTooLong { field, length, max } => "The text for the Lead's {field} field has {length} characters; Salesforce keeps at most {max}.",

    // ---- opportunities --------------------------------------------------------------
    NotAStage { input, choices } => "{input} is not a stage of this org; use one of: {choices}",
    StageNotActive { stage } => "the opportunity's stage {stage} is not an active stage",
    OpportunityClosed { stage } => "The opportunity is already closed ({stage}).",
    OpportunityAtLastStage => "The opportunity is at the last stage.",
    /// A stage that closes the opportunity as won needs the rep's confirmation.
    ConfirmClosingWon { stage } => "{stage} closes the opportunity (won); confirm to go ahead.",
    /// A stage that closes the opportunity as lost needs the rep's confirmation.
    ConfirmClosingLost { stage } => "{stage} closes the opportunity (lost); confirm to go ahead.",
    OpportunityNameLength => "An opportunity needs a name of at most 120 characters.",
    NotAnAmount { input } => "{input} is not an amount Salesforce accepts.",
    NextStepTooLong => "The next step may have at most 255 characters.",
    DescriptionTooLong { max } => "The description may have at most {max} characters.",

    // ---- follow-ups and demos -------------------------------------------------------
    PriorityChoices => "Priority is High, Normal or Low.",
    FollowUpSubject => "A follow-up needs a subject of at most 255 characters.",
    DemoWithLead => "A demo with a Lead cannot be related to another record (Salesforce refuses it); leave out the related record.",
    DemoLength => "A demo lasts from 1 to 1440 minutes.",
    DemoSubject => "A demo needs a subject of at most 255 characters.",

    // ---- the outbox -----------------------------------------------------------------
    NoRefusedAction { id } => "No refused action {id} in the outbox.",
    NoConflict { id } => "Action {id} did not meet a newer change in Salesforce; retry it instead.",
    OnlyChangesOverwrite => "Only a change to a record can overwrite.",
    NoUnsentAction { id } => "No unsent action {id} in the outbox.",
    NoUnsentActionToDiscard { id } => "No unsent action {id} in the outbox (sent actions stay as history).",
    /// An action the settings leave out (`enabled_actions`), set by the administrator.
    ActionOffByAdministrator { action, file } => "{action} is turned off by your administrator (enabled_actions in {file}).",
    /// An action the user's own settings leave out.
    ActionOffInSettings { action, source } => "{action} is turned off in your settings (enabled_actions, {source}).",

    // ---- what a queued action does, and where it stands ------------------------------
    LogInboundCall { seconds } => "Log inbound call ({seconds} s)",
    LogOutboundCall { seconds } => "Log outbound call ({seconds} s)",
    RateLeadAs { lead, rating } => "Rate lead {lead} {rating}",
    SetLeadStatusTo { lead, status } => "Set lead {lead} to {status}",
    MoveOpportunity { opportunity, stage } => "Move opportunity {opportunity} to {stage}",
    CreateLeadNamed { name, company, phone } => "Create lead {name} ({company}, {phone})",
    FollowUpDue { subject, due } => "Follow-up \"{subject}\" due {due}",
    CreateOpportunityNamed { name, stage, close } => "Create opportunity {name} ({stage}, closes {close})",
    DemoAt { subject, start, minutes } => "Demo \"{subject}\" at {start} ({minutes} min)",
    QualifyLeadFields { lead, fields } => "Qualify lead {lead} ({fields})",
    AssignLeadTo { lead, owner } => "Assign lead {lead} to {owner}",
    /// Kept to send later; `reason` is the error's English words.
    WaitingToSend { reason } => "Saved; it will be sent when Salesforce is reachable. ({reason})",
    ChangedInSalesforceBy { who } => "{who} changed this record in Salesforce after you opened it. Overwrite it with your change, or keep theirs.",
    ChangedInSalesforce => "Someone changed this record in Salesforce after you opened it. Overwrite it with your change, or keep theirs.",

    // ---- searching ------------------------------------------------------------------
    SearchEmpty => "Type a phone number, an email address, a name or a company to search for.",
    SearchTooLong { max } => "A search term has at most {max} characters.",
    SearchTermTooLong => "That is too long to be a search term.",
    NotAnEmailAddress { input } => "{input} is not a complete email address.",
    NothingToSearch { input } => "{input} has no letters or digits to search for.",
    SearchTooShort => "Type at least two letters or digits: Salesforce does not search for a single character.",
    PrefixTooShort => "A search for words that start with something (ending in *) needs at least two letters or digits before the *.",

    // ---- orgs and signing in --------------------------------------------------------
    NotAnAlias { input } => "{input} is not an alias; use letters, digits, '-', '_' or '.'",
    NoSavedOrg { alias, saved, name } => "No saved org {alias}; saved: {saved}. Sign in with `callside login --alias {name}`.",
    EnterMyDomain => "Enter your My Domain address, such as https://yourcompany.my.salesforce.com.",
    AddressTooLong => "That address is too long.",
    NotAWebAddress { input } => "{input} is not a web address such as https://yourcompany.my.salesforce.com.",
    UseHttps { host } => "Salesforce is signed in to over https: use https://{host}.",
    AddressWithoutPath { host } => "Enter the address without a path, such as https://{host}.",
    OrgLockedByAdministrator { url } => "Your administrator set the org to {url}; Callside signs in there only.",
    NotSignedIn => "Not signed in to Salesforce. Sign in first.",
    SessionEnded { detail } => "Your Salesforce session has ended ({detail}). Sign in again.",
    SignInFailed { detail } => "Sign-in failed: {detail}",
    KeychainUnavailable { detail } => "The OS keychain is not available: {detail}",

    // ---- reaching Salesforce, this computer -----------------------------------------
    Unreachable { detail } => "Salesforce could not be reached: {detail}",
    SessionExpired => "Your Salesforce session has expired. Sign in again.",
    ApiLimitReached => "Your org has used up its Salesforce API requests for now. Try again later.",
    RecordBusy => "Salesforce is busy with this record right now. Try again in a moment.",
    /// Salesforce's own words (`message`) are in the user's Salesforce language.
    RecordGone { message } => "The record no longer exists in Salesforce ({message}).",
    ChangeNotAccepted { message } => "Salesforce did not accept the change: {message}",
    SalesforceUnavailable { status } => "Salesforce is unavailable right now (HTTP {status}).",
    RequestRefused { message, code } => "Salesforce refused the request: {message} ({code})",
    RecordChanged => "Someone changed this record in Salesforce after you opened it. Reload it and make your change again.",
    TimedOut => "Salesforce did not answer in time.",
    UnexpectedAnswer { detail } => "Unexpected answer from Salesforce: {detail}",
    DatabaseFailed { detail } => "The local database failed: {detail}",
    NotSetUp { detail } => "Callside is not set up correctly: {detail}",
    OrgNotOpened { detail } => "Callside could not open the org: {detail}",
    WindowNotOnTop { detail } => "The window could not be kept on top: {detail}",
    BrowserNotStarted { detail } => "The browser could not be started: {detail}",
    NoExportDirectory => "There is no download or home directory to write the file to.",
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&fill(self.template(), &self.params()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_reads_as_its_template_with_the_values_in() {
        let text = Text::NotARating {
            input: quoted("Lukewarm"),
        };
        assert_eq!(
            text.to_string(),
            "\"Lukewarm\" is not a rating; use Hot, Warm or Cold."
        );
        assert_eq!(text.key(), "NotARating");
        assert_eq!(text.params(), vec![("input", "\"Lukewarm\"")]);
        assert_eq!(
            Text::TimedOut.to_string(),
            "Salesforce did not answer in time."
        );
        assert!(Text::TimedOut.params().is_empty());
    }

    #[test]
    fn quoted_input_is_escaped_and_shortened() {
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
        assert_eq!(
            quoted(&"x".repeat(1000)),
            format!("\"{}…\"", "x".repeat(40))
        );
        assert_eq!(quoted("佐藤"), "\"佐藤\"");
    }

    #[test]
    fn filling_leaves_unknown_and_odd_braces_alone() {
        assert_eq!(fill("{a} and {b}", &[("a", "1")]), "1 and {b}");
        assert_eq!(fill("{ not a name } {}", &[]), "{ not a name } {}");
        assert_eq!(fill("open { brace", &[]), "open { brace");
        // A value is never filled in twice.
        assert_eq!(fill("{a}", &[("a", "{a}")]), "{a}");
    }

    #[test]
    fn the_json_the_ui_receives_has_the_key_and_the_values() {
        let json = serde_json::to_value(Text::NotesTooLong {
            length: "40000".into(),
            max: "32000".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"key": "NotesTooLong", "params": {"length": "40000", "max": "32000"}})
        );
        assert_eq!(
            serde_json::to_value(Text::CallTooLong).unwrap(),
            serde_json::json!({"key": "CallTooLong"})
        );
    }

    #[test]
    fn every_template_names_exactly_its_own_values() {
        let mut keys: Vec<&str> = Text::TEMPLATES.iter().map(|(key, _, _)| *key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Text::TEMPLATES.len(), "keys are unique");
        for (key, template, params) in Text::TEMPLATES {
            let mut named: Vec<&str> = Vec::new();
            let mut rest = *template;
            while let Some(open) = rest.find('{') {
                let close = open + rest[open..].find('}').expect("a closed placeholder");
                named.push(&rest[open + 1..close]);
                rest = &rest[close + 1..];
            }
            named.sort_unstable();
            named.dedup();
            let mut params = params.to_vec();
            params.sort_unstable();
            assert_eq!(named, params, "{key}: {template}");
        }
    }
}
