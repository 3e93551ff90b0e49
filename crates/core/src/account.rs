//! The company behind a caller: an Account's key facts (the original brief's account
//! query: industry, annual revenue, employees, billing address, website, phone, type,
//! parent account, owner), the custom account fields an admin maps (`account_fields`,
//! checked against the Account's describe), and the account's hierarchy with its open
//! opportunities.
//!
//! The standard facts travel with the search that finds the callers (a contact's through
//! its `Account` relationship), so they cost no request of their own. The custom fields
//! come with the best match's related records, in a subrequest of their own: a field the
//! org lacks can then fail only that subrequest, never the pop.

use serde_json::Value;

use callside_salesforce::escape::{soql_like, soql_string};
use callside_salesforce::SalesforceClient;

use crate::error::{Error, Result};
use crate::model::{
    AccountFacts, AccountHierarchy, AccountNode, AccountOpportunity, CustomFact, PostalAddress,
    RecordType,
};

/// The facts as an Account query selects them (besides `Id` and `Name`).
pub const ACCOUNT_FACT_FIELDS: &[&str] = &[
    "Industry",
    "AnnualRevenue",
    "NumberOfEmployees",
    "BillingStreet",
    "BillingCity",
    "BillingState",
    "BillingPostalCode",
    "BillingCountry",
    "Website",
    "Phone",
    "Type",
    "ParentId",
    "Parent.Name",
    "Owner.Name",
];

/// What a Lead records of its company (besides `Company` and `Owner.Name`).
pub const LEAD_COMPANY_FIELDS: &[&str] = &[
    "Industry",
    "AnnualRevenue",
    "NumberOfEmployees",
    "Street",
    "City",
    "State",
    "PostalCode",
    "Country",
    "Website",
];

/// The facts read through a contact's `Account` relationship.
pub fn contact_account_fields() -> Vec<String> {
    std::iter::once("Account.Name".to_string())
        .chain(ACCOUNT_FACT_FIELDS.iter().map(|f| format!("Account.{f}")))
        .collect()
}

fn text(record: &Value, field: &str) -> Option<String> {
    record
        .get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn parent_text(record: &Value, relationship: &str, field: &str) -> Option<String> {
    record
        .get(relationship)
        .and_then(|parent| text(parent, field))
}

fn address(
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
) -> Option<PostalAddress> {
    let address = PostalAddress {
        street,
        city,
        state,
        postal_code,
        country,
    };
    (address != PostalAddress::default()).then_some(address)
}

/// The facts of an Account record (from a query, a search or a contact's `Account`).
pub fn facts_of_account(account: &Value, id: Option<String>) -> Option<AccountFacts> {
    let name = text(account, "Name")?;
    Some(AccountFacts {
        id: id.or_else(|| text(account, "Id")),
        name,
        industry: text(account, "Industry"),
        annual_revenue: account.get("AnnualRevenue").and_then(Value::as_f64),
        employees: employees(account),
        address: address(
            text(account, "BillingStreet"),
            text(account, "BillingCity"),
            text(account, "BillingState"),
            text(account, "BillingPostalCode"),
            text(account, "BillingCountry"),
        ),
        website: text(account, "Website"),
        phone: text(account, "Phone"),
        account_type: text(account, "Type"),
        parent_id: text(account, "ParentId"),
        parent_name: parent_text(account, "Parent", "Name"),
        owner: parent_text(account, "Owner", "Name"),
        custom: Vec::new(),
    })
}

fn employees(record: &Value) -> Option<u32> {
    record
        .get("NumberOfEmployees")
        .and_then(Value::as_f64)
        .filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX))
        .map(|n| n as u32)
}

/// The company behind a search or query record: an Account's own facts, a contact's
/// account's, or a lead's company as the lead records it.
pub fn facts_of(record_type: RecordType, record: &Value) -> Option<AccountFacts> {
    match record_type {
        RecordType::Account => facts_of_account(record, None),
        RecordType::Contact => {
            let account = record.get("Account").filter(|a| a.is_object())?;
            facts_of_account(account, text(record, "AccountId"))
        }
        RecordType::Lead => Some(AccountFacts {
            id: None,
            name: text(record, "Company")?,
            industry: text(record, "Industry"),
            annual_revenue: record.get("AnnualRevenue").and_then(Value::as_f64),
            employees: employees(record),
            address: address(
                text(record, "Street"),
                text(record, "City"),
                text(record, "State"),
                text(record, "PostalCode"),
                text(record, "Country"),
            ),
            website: text(record, "Website"),
            phone: None,
            account_type: None,
            parent_id: None,
            parent_name: None,
            owner: parent_text(record, "Owner", "Name"),
            custom: Vec::new(),
        }),
    }
}

/// A custom Account field the settings map, as the org describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedField {
    pub name: String,
    pub label: String,
    /// The describe type; empty while the describe is not known.
    pub field_type: String,
}

/// `Health_Score__c` → `Health Score`: a label for a field whose describe is not known.
fn label_from_api_name(name: &str) -> String {
    let base = name.strip_suffix("__c").unwrap_or(name);
    base.split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The mapped fields the related records may ask for, without a request: with the
/// Account's describe in memory, the ones it has (with their labels and types); before
/// it, every mapped field (their subrequest fails alone if the org lacks one).
pub fn known_fields(client: &SalesforceClient, configured: &[String]) -> Vec<MappedField> {
    if configured.is_empty() {
        return Vec::new();
    }
    match client.describe_in_memory("Account") {
        Some(describe) => configured
            .iter()
            .filter_map(|name| {
                let field = describe.field(name)?;
                Some(MappedField {
                    name: field.name.clone(),
                    label: field.label.clone(),
                    field_type: field.field_type.clone(),
                })
            })
            .collect(),
        None => configured
            .iter()
            .map(|name| MappedField {
                name: name.clone(),
                label: label_from_api_name(name),
                field_type: String::new(),
            })
            .collect(),
    }
}

/// Checks the mapped fields against the Account's describe (a request the first time
/// per sign-in); names every field the org lacks.
pub async fn check_fields(
    client: &SalesforceClient,
    configured: &[String],
) -> Result<Vec<MappedField>> {
    if configured.is_empty() {
        return Ok(Vec::new());
    }
    let describe = client.describe("Account").await?;
    let missing: Vec<&str> = configured
        .iter()
        .filter(|name| describe.field(name).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Error::Config(format!(
            "The Account has no field {} (account_fields in the config file); ask your admin for the API name, such as Health_Score__c.",
            missing
                .iter()
                .map(|name| format!("{name:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(known_fields(client, configured))
}

/// The query for an account's mapped custom fields.
pub fn custom_query(account_id: &str, fields: &[MappedField]) -> Option<String> {
    if fields.is_empty() {
        return None;
    }
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    Some(format!(
        "SELECT Id, {} FROM Account WHERE Id = {}",
        names.join(", "),
        soql_string(account_id)
    ))
}

/// A custom field's value as text; none when empty.
fn fact_value(value: &Value) -> Option<String> {
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

/// The mapped fields of an account record that have a value, in the mapped order.
pub fn custom_facts(record: &Value, fields: &[MappedField]) -> Vec<CustomFact> {
    fields
        .iter()
        .filter_map(|field| {
            let value = record
                .as_object()?
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&field.name))
                .map(|(_, value)| value)?;
            Some(CustomFact {
                field: field.name.clone(),
                label: field.label.clone(),
                field_type: field.field_type.clone(),
                value: fact_value(value)?,
            })
        })
        .collect()
}

/// Where an account hierarchy starts: an account, or a lead's company.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    Account(String),
    /// A lead's company: the account of that name, or with that website domain.
    Company {
        name: String,
        domain: Option<String>,
    },
}

const NODE_FIELDS: &str = "Id, Name, Industry, Type, BillingCity";

/// The account itself with its children and open opportunities.
pub fn hierarchy_query(anchor: &Anchor) -> String {
    let filter = match anchor {
        Anchor::Account(id) => format!("Id = {}", soql_string(id)),
        Anchor::Company { name, domain } => {
            let by_name = format!("Name = {}", soql_string(name));
            match domain {
                Some(domain) => format!("({by_name} OR Website LIKE '%{}%')", soql_like(domain)),
                None => by_name,
            }
        }
    };
    format!(
        "SELECT {NODE_FIELDS}, ParentId, Parent.Name, Parent.Industry, Parent.Type, Parent.BillingCity, \
         (SELECT {NODE_FIELDS} FROM ChildAccounts ORDER BY Name LIMIT 50), \
         (SELECT Id, Name, StageName, Amount, CloseDate, Probability, Contact.Name FROM Opportunities \
          WHERE IsClosed = false ORDER BY CloseDate ASC LIMIT 50) \
         FROM Account WHERE {filter} ORDER BY LastActivityDate DESC NULLS LAST, Name LIMIT 1"
    )
}

/// The parent's children (the account's siblings, the account among them).
pub fn siblings_query(parent_id: &str) -> String {
    format!(
        "SELECT {NODE_FIELDS} FROM Account WHERE ParentId = {} ORDER BY Name LIMIT 50",
        soql_string(parent_id)
    )
}

fn node(record: &Value) -> Option<AccountNode> {
    Some(AccountNode {
        id: text(record, "Id")?,
        name: text(record, "Name").unwrap_or_default(),
        industry: text(record, "Industry"),
        account_type: text(record, "Type"),
        city: text(record, "BillingCity"),
    })
}

fn children(record: &Value, relationship: &str) -> Vec<Value> {
    record
        .get(relationship)
        .and_then(|child| child.get("records"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// An account's family and open business: one query, and one more for the parent's
/// other children when it has a parent. None when a lead's company has no account.
pub async fn hierarchy(
    client: &SalesforceClient,
    anchor: &Anchor,
) -> Result<Option<AccountHierarchy>> {
    let page = client.query(&hierarchy_query(anchor)).await?;
    let Some(record) = page.records.first() else {
        return Ok(None);
    };
    let Some(account) = node(record) else {
        return Ok(None);
    };
    let parent_id = text(record, "ParentId");
    let parent = match (&parent_id, record.get("Parent")) {
        (Some(id), Some(parent)) if parent.is_object() => {
            let mut with_id = parent.clone();
            with_id["Id"] = Value::String(id.clone());
            node(&with_id)
        }
        _ => None,
    };
    let siblings = match &parent_id {
        Some(parent_id) => client
            .query(&siblings_query(parent_id))
            .await?
            .records
            .iter()
            .filter_map(node)
            .filter(|sibling| sibling.id != account.id)
            .collect(),
        None => Vec::new(),
    };
    let opportunities = children(record, "Opportunities")
        .iter()
        .filter_map(|o| {
            Some(AccountOpportunity {
                id: text(o, "Id")?,
                name: text(o, "Name").unwrap_or_default(),
                stage: text(o, "StageName").unwrap_or_default(),
                amount: o.get("Amount").and_then(Value::as_f64),
                close_date: text(o, "CloseDate"),
                probability: o.get("Probability").and_then(Value::as_f64),
                contact: parent_text(o, "Contact", "Name"),
            })
        })
        .collect();
    Ok(Some(AccountHierarchy {
        children: children(record, "ChildAccounts")
            .iter()
            .filter_map(node)
            .collect(),
        account,
        parent,
        siblings,
        opportunities,
        matched_by_company: matches!(anchor, Anchor::Company { .. }),
    }))
}

/// The domain of a website (`https://www.summit.example/about` → `summit.example`) or
/// of an email address.
pub fn domain_of(website_or_email: &str) -> Option<String> {
    let text = website_or_email.trim().to_lowercase();
    let host = match text.rsplit_once('@') {
        Some((_, domain)) => domain.to_string(),
        None => {
            let without_scheme = text
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(&text);
            without_scheme
                .split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .split(':')
                .next()
                .unwrap_or_default()
                .to_string()
        }
    };
    let host = host
        .strip_prefix("www.")
        .unwrap_or(&host)
        .trim_end_matches('.');
    (host.contains('.') && !host.starts_with('.')).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_contact_carries_its_accounts_facts_and_a_lead_its_companys() {
        let contact = json!({
            "attributes": {"type": "Contact"}, "Id": "0031", "Name": "Dana", "AccountId": "0019",
            "Account": {"Name": "Summit", "Industry": "Retail", "AnnualRevenue": 4200000.0,
                "NumberOfEmployees": 85, "BillingCity": "Denver", "BillingState": null,
                "Website": "summit.example", "Type": "Customer - Direct", "ParentId": "0018",
                "Parent": {"Name": "Summit Holdings"}, "Owner": {"Name": "Riley Demo"}}
        });
        let facts = facts_of(RecordType::Contact, &contact).unwrap();
        assert_eq!(facts.id.as_deref(), Some("0019"));
        assert_eq!(facts.name, "Summit");
        assert_eq!(facts.employees, Some(85));
        assert_eq!(facts.annual_revenue, Some(4_200_000.0));
        assert_eq!(facts.parent_name.as_deref(), Some("Summit Holdings"));
        assert_eq!(facts.owner.as_deref(), Some("Riley Demo"));
        let address = facts.address.unwrap();
        assert_eq!(address.city.as_deref(), Some("Denver"));
        assert_eq!(address.state, None);

        let no_account = json!({"attributes": {"type": "Contact"}, "Id": "0032", "Account": null});
        assert_eq!(facts_of(RecordType::Contact, &no_account), None);

        let lead = json!({"Company": "Lumen", "City": "Boulder", "Website": "lumen.example", "Owner": {"Name": "Riley"}});
        let facts = facts_of(RecordType::Lead, &lead).unwrap();
        assert_eq!(facts.id, None);
        assert_eq!(facts.name, "Lumen");
        assert_eq!(facts.address.unwrap().city.as_deref(), Some("Boulder"));
        assert_eq!(facts.owner.as_deref(), Some("Riley"));
        assert_eq!(facts_of(RecordType::Lead, &json!({"Company": " "})), None);
    }

    #[test]
    fn custom_values_read_as_text_in_the_mapped_order() {
        let fields = vec![
            MappedField {
                name: "Health_Score__c".into(),
                label: "Health Score".into(),
                field_type: "double".into(),
            },
            MappedField {
                name: "Last_Activity__c".into(),
                label: "Last Activity".into(),
                field_type: "date".into(),
            },
            MappedField {
                name: "Empty__c".into(),
                label: "Empty".into(),
                field_type: "string".into(),
            },
        ];
        let record = json!({"Id": "001", "last_activity__c": "2026-01-02", "Health_Score__c": 86.0, "Empty__c": null});
        let facts = custom_facts(&record, &fields);
        let shown: Vec<(&str, &str)> = facts
            .iter()
            .map(|f| (f.label.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            shown,
            [("Health Score", "86"), ("Last Activity", "2026-01-02")]
        );
        assert_eq!(label_from_api_name("Health_Score__c"), "Health Score");
        assert_eq!(
            custom_query("001' OR Name != '", &fields).unwrap(),
            r"SELECT Id, Health_Score__c, Last_Activity__c, Empty__c FROM Account WHERE Id = '001\' OR Name != \''"
        );
        assert_eq!(custom_query("001", &[]), None);
    }

    #[test]
    fn the_hierarchy_query_escapes_names_and_domains() {
        let query = hierarchy_query(&Anchor::Company {
            name: "O'Hara & Sons".into(),
            domain: Some("o_hara%.example".into()),
        });
        assert!(
            query.contains(r"(Name = 'O\'Hara & Sons' OR Website LIKE '%o\_hara\%.example%')"),
            "{query}"
        );
        assert!(hierarchy_query(&Anchor::Account("001x".into())).contains("WHERE Id = '001x'"));
    }

    #[test]
    fn domains_of_websites_and_emails() {
        assert_eq!(
            domain_of("https://www.Summit.example/about?x=1").as_deref(),
            Some("summit.example")
        );
        assert_eq!(
            domain_of("summit.example").as_deref(),
            Some("summit.example")
        );
        assert_eq!(
            domain_of("dana@Summit.Example").as_deref(),
            Some("summit.example")
        );
        assert_eq!(domain_of("http://localhost:8080"), None);
        assert_eq!(domain_of(""), None);
    }
}
