//! Industry panels: records of a custom object related to the caller, shown under the
//! caller card — an `Investment_Profile__c` for a wealth manager, a `Patient_Record__c`
//! for a clinic, a `Property_Listing__c` for an estate agent.
//!
//! The administrator declares them (policy or config file, `panels`): the object, its
//! lookup field to Contact, Account or Lead, the fields to show and, optionally, their
//! labels and the panel's title:
//!
//! ```toml
//! [[locked.panels]]
//! object = "Investment_Profile__c"
//! lookup = "Contact__c"
//! parent = "Contact"
//! title = "Investment profile"
//! fields = ["Risk_Tolerance__c", "Portfolio_Value__c", "Last_Review__c"]
//! labels = { Risk_Tolerance__c = "Risk" }
//! ```
//!
//! Each panel is checked against the object's describe at sign-in ([`check`]); an object
//! or field the org lacks (or the user may not read: it is missing from their describe)
//! is named in a clear message, and the panel shows that message instead of records. A
//! usable panel is read in the same composite request as the best match's related records
//! (one subrequest each, so a failing panel fails alone), so a pop still costs at most
//! two API requests. A Contact's panels on its Account (`parent = "Account"`) come too.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[cfg(feature = "ts")]
use ts_rs::TS;

use callside_salesforce::escape::soql_string;
use callside_salesforce::{CompositeSubrequest, CompositeSubresponse, SalesforceClient};

use crate::error::{Error, Result};
use crate::model::{CallerMatch, RecordType};

/// At most this many panels, fields per panel, and records per panel.
pub const MAX_PANELS: usize = 5;
pub const MAX_FIELDS: usize = 20;
pub const MAX_RECORDS: usize = 5;

/// One panel as the administrator writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PanelInput {
    /// The custom object's API name, such as `Investment_Profile__c`.
    pub object: String,
    /// Its lookup field to the caller's record, such as `Contact__c`.
    pub lookup: String,
    /// `Contact`, `Account` or `Lead`.
    pub parent: String,
    /// The fields to show, in order.
    pub fields: Vec<String>,
    /// Labels instead of the org's own, by field.
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
    /// The panel's title instead of the object's label.
    #[serde(default)]
    pub title: Option<String>,
}

/// Whether `name` can be an API name (letters, digits, underscores; a letter first).
fn is_api_name(name: &str) -> bool {
    name.len() <= 80
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Checks the declared panels' shape (names, parent, sizes); not the org.
pub fn validate(panels: Vec<PanelInput>) -> Result<Vec<PanelInput>> {
    if panels.len() > MAX_PANELS {
        return Err(Error::Config(format!(
            "panels declares {} panels; at most {MAX_PANELS} fit under the caller card",
            panels.len()
        )));
    }
    let mut checked = Vec::new();
    for mut panel in panels {
        panel.object = panel.object.trim().to_string();
        panel.lookup = panel.lookup.trim().to_string();
        for (what, name) in [("object", &panel.object), ("lookup", &panel.lookup)] {
            if !is_api_name(name) {
                return Err(Error::Config(format!(
                    "panels: {what} is {name:?}; use an API name such as Investment_Profile__c"
                )));
            }
        }
        panel.parent = match panel.parent.trim().to_ascii_lowercase().as_str() {
            "contact" => "Contact",
            "account" => "Account",
            "lead" => "Lead",
            _ => {
                return Err(Error::Config(format!(
                    "panels: the parent of {} is {:?}; use Contact, Account or Lead",
                    panel.object, panel.parent
                )))
            }
        }
        .to_string();
        if panel.fields.is_empty() || panel.fields.len() > MAX_FIELDS {
            return Err(Error::Config(format!(
                "panels: {} lists {} fields; list 1 to {MAX_FIELDS}",
                panel.object,
                panel.fields.len()
            )));
        }
        for field in panel.fields.iter_mut() {
            *field = field.trim().to_string();
            if !is_api_name(field) {
                return Err(Error::Config(format!(
                    "panels: {} lists the field {field:?}; use an API name such as Risk_Tolerance__c",
                    panel.object
                )));
            }
        }
        checked.push(panel);
    }
    Ok(checked)
}

/// One field's value in a panel.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PanelField {
    pub field: String,
    pub label: String,
    /// As text: dates as YYYY-MM-DD, numbers without a trailing `.0`; none when empty.
    pub value: Option<String>,
}

/// One record of a panel.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PanelRecord {
    pub id: String,
    pub fields: Vec<PanelField>,
}

/// A panel as the caller card shows it: its records, or why it cannot show them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Panel {
    pub object: String,
    pub title: String,
    pub records: Vec<PanelRecord>,
    /// The object or a field is missing or not readable, or reading it failed.
    pub problem: Option<String>,
}

/// `Risk_Tolerance__c` → "Risk Tolerance".
fn label_from_api_name(name: &str) -> String {
    name.strip_suffix("__c")
        .unwrap_or(name)
        .replace('_', " ")
        .trim()
        .to_string()
}

/// What the org's describe says of a panel: the labels to use, or the problem.
fn resolve(
    client: &SalesforceClient,
    panel: &PanelInput,
) -> std::result::Result<(String, Vec<(String, String)>), String> {
    let Some(describe) = client.describe_in_memory(&panel.object) else {
        // Not described in this process (a session resumed without a sign-in): the
        // declared names and labels; a wrong name fails the panel's subrequest alone.
        let label = |name: &str| {
            panel
                .labels
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| label_from_api_name(name))
        };
        let title = panel
            .title
            .clone()
            .unwrap_or_else(|| label_from_api_name(&panel.object));
        let fields = panel.fields.iter().map(|f| (f.clone(), label(f))).collect();
        return Ok((title, fields));
    };
    if describe.raw.get("queryable").and_then(Value::as_bool) == Some(false) {
        return Err(format!("You may not read {} records.", panel.object));
    }
    match describe.field(&panel.lookup) {
        Some(field) if field.field_type == "reference" => {}
        Some(_) => {
            return Err(format!(
                "{}.{} is not a lookup field.",
                panel.object, panel.lookup
            ))
        }
        None => {
            return Err(format!(
                "{} has no field {} you may read.",
                panel.object, panel.lookup
            ))
        }
    }
    let missing: Vec<&str> = panel
        .fields
        .iter()
        .filter(|f| describe.field(f).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} has no field {} you may read.",
            panel.object,
            missing.join(", ")
        ));
    }
    let title = panel
        .title
        .clone()
        .unwrap_or_else(|| describe.label.clone());
    let fields = panel
        .fields
        .iter()
        .filter_map(|name| {
            let field = describe.field(name)?;
            let label = panel
                .labels
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| field.label.clone());
            Some((field.name.clone(), label))
        })
        .collect();
    Ok((title, fields))
}

/// Checks every panel against its object's describe (one request per object the first
/// time per sign-in); the message names each object or field missing or not readable.
pub async fn check(client: &SalesforceClient, panels: &[PanelInput]) -> Result<()> {
    let mut problems = Vec::new();
    for panel in panels {
        match client.describe(&panel.object).await {
            Ok(_) => {
                if let Err(problem) = resolve(client, panel) {
                    problems.push(problem);
                }
            }
            Err(error) if error.is_offline() => return Err(error.into()),
            Err(error) if error.kind() == callside_salesforce::ErrorKind::NotFound => {
                problems.push(format!(
                    "The org has no object {} you may read.",
                    panel.object
                ));
            }
            Err(error) => return Err(error.into()),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "An industry panel cannot be shown: {} (panels in the policy or config file).",
            problems.join(" ")
        )))
    }
}

/// The record a panel's lookup points at for this caller: the person (or account)
/// itself, or a contact's account for an Account panel.
fn parent_id<'a>(panel: &PanelInput, best: &'a CallerMatch) -> Option<&'a str> {
    match (panel.parent.as_str(), best.record_type) {
        ("Contact", RecordType::Contact) | ("Lead", RecordType::Lead) => Some(&best.id),
        ("Account", RecordType::Account) => Some(&best.id),
        ("Account", RecordType::Contact) => best.account_id.as_deref(),
        _ => None,
    }
}

/// The reference id of panel `index`'s subrequest.
fn reference(index: usize) -> String {
    format!("panel{index}")
}

/// A panel on its way: the subrequest that reads it (none when it has a problem
/// already), and its fields' names and labels.
pub struct PendingPanel {
    reference: Option<String>,
    panel: Panel,
    fields: Vec<(String, String)>,
}

/// The panels that apply to the best match: the subrequests that read the usable ones,
/// and the panels as they stand (a problem already set, or records to come).
pub fn subrequests(
    client: &SalesforceClient,
    panels: &[PanelInput],
    best: &CallerMatch,
) -> (Vec<CompositeSubrequest>, Vec<PendingPanel>) {
    let mut requests = Vec::new();
    let mut shown = Vec::new();
    for (index, panel) in panels.iter().enumerate() {
        let Some(parent) = parent_id(panel, best) else {
            continue;
        };
        match resolve(client, panel) {
            Ok((title, fields)) => {
                let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                let soql = format!(
                    "SELECT Id, {} FROM {} WHERE {} = {} ORDER BY LastModifiedDate DESC LIMIT {MAX_RECORDS}",
                    names.join(", "),
                    panel.object,
                    panel.lookup,
                    soql_string(parent)
                );
                requests.push(CompositeSubrequest::query(reference(index), &soql));
                shown.push(PendingPanel {
                    reference: Some(reference(index)),
                    panel: Panel {
                        object: panel.object.clone(),
                        title,
                        records: Vec::new(),
                        problem: None,
                    },
                    fields,
                });
            }
            Err(problem) => shown.push(PendingPanel {
                reference: None,
                panel: Panel {
                    object: panel.object.clone(),
                    title: panel.title.clone().unwrap_or_else(|| panel.object.clone()),
                    records: Vec::new(),
                    problem: Some(problem),
                },
                fields: Vec::new(),
            }),
        }
    }
    (requests, shown)
}

/// A value as text; none when empty.
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        other => Some(other.to_string()),
    }
}

/// Fills the panels from the composite's answers and puts them on the best match.
pub fn apply(best: &mut CallerMatch, shown: Vec<PendingPanel>, responses: &[CompositeSubresponse]) {
    let mut panels = Vec::new();
    for PendingPanel {
        reference,
        mut panel,
        fields,
    } in shown
    {
        if let Some(reference) = reference {
            match responses.iter().find(|r| r.reference_id == reference) {
                None => panel.problem = Some("The panel's records did not come.".into()),
                Some(response) => match response.error() {
                    Some(error) => panel.problem = Some(error.to_string()),
                    None => {
                        panel.records = response
                            .body
                            .get("records")
                            .and_then(Value::as_array)
                            .map(|records| {
                                records
                                    .iter()
                                    .filter_map(|record| {
                                        Some(PanelRecord {
                                            id: record.get("Id")?.as_str()?.to_string(),
                                            fields: fields
                                                .iter()
                                                .map(|(name, label)| PanelField {
                                                    field: name.clone(),
                                                    label: label.clone(),
                                                    value: record.get(name).and_then(value_text),
                                                })
                                                .collect(),
                                        })
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                    }
                },
            }
        }
        panels.push(panel);
    }
    best.panels = Some(panels);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel() -> PanelInput {
        PanelInput {
            object: "Investment_Profile__c".into(),
            lookup: "Contact__c".into(),
            parent: "contact".into(),
            fields: vec!["Risk_Tolerance__c".into()],
            ..PanelInput::default()
        }
    }

    #[test]
    fn declared_panels_are_checked_for_shape() {
        let checked = validate(vec![panel()]).unwrap();
        assert_eq!(checked[0].parent, "Contact");
        let bad = |p: PanelInput| validate(vec![p]).unwrap_err().to_string();
        assert!(bad(PanelInput {
            parent: "Opportunity".into(),
            ..panel()
        })
        .contains("use Contact, Account or Lead"));
        assert!(bad(PanelInput {
            fields: vec!["Risk Tolerance".into()],
            ..panel()
        })
        .contains("\"Risk Tolerance\""));
        assert!(bad(PanelInput {
            object: "Investment Profile".into(),
            ..panel()
        })
        .contains("object is"));
        assert!(bad(PanelInput {
            fields: vec![],
            ..panel()
        })
        .contains("list 1 to 20"));
        assert!(validate(vec![panel(); 6])
            .unwrap_err()
            .to_string()
            .contains("at most 5"));
    }
}
