//! Who is calling: one SOSL request for candidates across Contact, Lead and Account,
//! local verification of every candidate, ranking, and one query for the best match's
//! open opportunities and cases.

use serde_json::Value;

use callside_salesforce::escape::{soql_string, sosl_phrase};
use callside_salesforce::{CompositeSubrequest, SalesforceClient};

use crate::error::Result;
use crate::model::{
    ActivitySummary, CallerMatch, CaseSummary, LookupResult, LookupSource, OpportunitySummary,
    RecordType,
};
use crate::phone::PhoneNumber;
use crate::store::{CachedRecord, Store};

/// Contact before Lead before Account.
pub const DEFAULT_ORDER: &[RecordType] =
    &[RecordType::Contact, RecordType::Lead, RecordType::Account];

/// Phone-typed fields per object, as Salesforce defines them.
pub fn phone_fields(record_type: RecordType) -> &'static [&'static str] {
    match record_type {
        RecordType::Contact => &[
            "Phone",
            "MobilePhone",
            "HomePhone",
            "OtherPhone",
            "AssistantPhone",
            "Fax",
        ],
        RecordType::Lead => &["Phone", "MobilePhone", "Fax"],
        RecordType::Account => &["Phone", "Fax"],
    }
}

/// The fields a search returns of each record type: what the caller card shows of the
/// record, and the facts of the company behind it (a contact's through its `Account`).
/// Each field once: Salesforce refuses a field selected twice.
pub fn returning_fields(record_type: RecordType) -> String {
    let mut list: Vec<String> = vec!["Id".into(), "Name".into()];
    match record_type {
        RecordType::Contact => {
            list.extend(["Title", "Email", "AccountId"].map(String::from));
            list.extend(crate::account::contact_account_fields());
        }
        RecordType::Lead => {
            list.extend(
                [
                    "Title",
                    "Company",
                    "Email",
                    "Status",
                    "Rating",
                    "LeadSource",
                ]
                .map(String::from),
            );
            list.extend(
                crate::account::LEAD_COMPANY_FIELDS
                    .iter()
                    .map(|f| f.to_string()),
            );
        }
        RecordType::Account => {
            list.extend(
                crate::account::ACCOUNT_FACT_FIELDS
                    .iter()
                    .map(|f| f.to_string()),
            );
        }
    }
    list.extend(phone_fields(record_type).iter().map(|f| f.to_string()));
    list.extend(["Owner.Name", "LastActivityDate", "LastModifiedDate"].map(String::from));
    let mut unique: Vec<String> = Vec::new();
    for field in list {
        if !unique.iter().any(|f| f.eq_ignore_ascii_case(&field)) {
            unique.push(field);
        }
    }
    unique.join(", ")
}

/// The RETURNING clause of every caller search: contacts, open leads and accounts.
pub fn returning_clause() -> String {
    format!(
        "RETURNING Contact({} LIMIT 25), Lead({} WHERE IsConverted = false LIMIT 25), Account({} LIMIT 25)",
        returning_fields(RecordType::Contact),
        returning_fields(RecordType::Lead),
        returning_fields(RecordType::Account),
    )
}

/// The one SOSL search for every stored form of `number`.
pub fn caller_search(number: &PhoneNumber) -> String {
    let terms = number
        .search_forms()
        .iter()
        .map(|form| sosl_phrase(form))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!("FIND {{{terms}}} IN PHONE FIELDS {}", returning_clause())
}

/// The query for an account's open opportunities and open cases.
pub fn related_query(account_id: &str) -> String {
    format!(
        "SELECT Id, \
         (SELECT Id, Name, StageName, Amount, CloseDate, Probability FROM Opportunities \
          WHERE IsClosed = false ORDER BY CloseDate ASC LIMIT 20), \
         (SELECT Id, CaseNumber, Subject, Status, Priority FROM Cases \
          WHERE IsClosed = false ORDER BY CreatedDate DESC LIMIT 20) \
         FROM Account WHERE Id = {}",
        soql_string(account_id)
    )
}

fn text(record: &Value, field: &str) -> Option<String> {
    record
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

fn decimal(record: &Value, field: &str) -> Option<f64> {
    record.get(field).and_then(Value::as_f64)
}

fn child_records<'a>(record: &'a Value, relationship: &str) -> &'a [Value] {
    record
        .get(relationship)
        .and_then(|child| child.get("records"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A verified candidate: the match, its raw fields, and when it last saw activity.
pub struct Candidate {
    pub(crate) caller: CallerMatch,
    pub(crate) fields: Value,
    pub(crate) last_activity: String,
    pub(crate) last_modified: String,
}

/// A search record whose stored number really is `number`, with that stored value as
/// its phone.
fn candidate(record: &Value, number: &PhoneNumber, region: &str) -> Option<Candidate> {
    let record_type = RecordType::from_api_name(record.pointer("/attributes/type")?.as_str()?)?;
    let phone = phone_fields(record_type)
        .iter()
        .filter_map(|field| text(record, field))
        .find(|stored| number.matches_stored(stored, region))?;
    let mut candidate = candidate_of(record)?;
    candidate.caller.phone = Some(phone);
    Some(candidate)
}

/// Any search record as a candidate; its phone is its first stored phone value.
pub(crate) fn candidate_of(record: &Value) -> Option<Candidate> {
    let record_type = RecordType::from_api_name(record.pointer("/attributes/type")?.as_str()?)?;
    let phone = phone_fields(record_type)
        .iter()
        .find_map(|field| text(record, field));
    let company = match record_type {
        RecordType::Lead => text(record, "Company"),
        RecordType::Contact => record.get("Account").and_then(|a| text(a, "Name")),
        RecordType::Account => None,
    };
    let account_id = match record_type {
        RecordType::Account => text(record, "Id"),
        _ => text(record, "AccountId"),
    };
    Some(Candidate {
        caller: CallerMatch {
            record_type,
            id: text(record, "Id")?,
            name: text(record, "Name").unwrap_or_default(),
            name_withheld: false,
            title: text(record, "Title"),
            company,
            account_id,
            phone,
            status: text(record, "Status"),
            rating: text(record, "Rating"),
            lead_source: text(record, "LeadSource"),
            owner: record.get("Owner").and_then(|o| text(o, "Name")),
            opportunities: Vec::new(),
            cases: Vec::new(),
            activities: Vec::new(),
            email: text(record, "Email"),
            account: crate::account::facts_of(record_type, record),
            panels: None,
        },
        fields: record.clone(),
        last_activity: text(record, "LastActivityDate").unwrap_or_default(),
        last_modified: text(record, "LastModifiedDate").unwrap_or_default(),
    })
}

/// Keeps the candidates whose stored numbers really are `number`, best first: the record
/// the rep picked for this number before, then by record type in `order` (by default
/// Contact, Lead, Account), then the most recent activity, then the most recently changed.
fn verified_and_ranked(
    records: &[Value],
    number: &PhoneNumber,
    region: &str,
    picked: Option<&str>,
    order: &[RecordType],
) -> Vec<Candidate> {
    let rank = |record_type: RecordType| {
        order
            .iter()
            .position(|t| *t == record_type)
            .unwrap_or(order.len())
    };
    let mut candidates: Vec<Candidate> = records
        .iter()
        .filter_map(|record| candidate(record, number, region))
        .collect();
    candidates.sort_by(|a, b| {
        let picked_first = |c: &Candidate| Some(c.caller.id.as_str()) != picked;
        picked_first(a)
            .cmp(&picked_first(b))
            .then_with(|| rank(a.caller.record_type).cmp(&rank(b.caller.record_type)))
            .then_with(|| b.last_activity.cmp(&a.last_activity))
            .then_with(|| b.last_modified.cmp(&a.last_modified))
    });
    candidates
}

/// How to read and rank what a search finds.
pub struct SearchOptions<'a> {
    /// The default region for stored numbers in national form.
    pub region: &'a str,
    /// The record the rep picked for this number before, if any.
    pub picked: Option<&'a str>,
    /// Record types, most wanted first.
    pub order: &'a [RecordType],
}

/// What one search found: the first paint (matches, no related records yet) and the
/// verified candidates behind it.
pub struct Found {
    pub result: LookupResult,
    candidates: Vec<Candidate>,
}

/// The first round trip of a pop: candidates from one SOSL search, verified and ranked.
pub async fn search(
    client: &SalesforceClient,
    number: &PhoneNumber,
    options: &SearchOptions<'_>,
    now: &str,
) -> Result<Found> {
    let records = client.search(&caller_search(number)).await?;
    let candidates = verified_and_ranked(
        &records,
        number,
        options.region,
        options.picked,
        options.order,
    );
    Ok(Found {
        result: LookupResult {
            number: number.e164.clone(),
            source: LookupSource::Salesforce,
            fetched_at: now.to_string(),
            related_loaded: candidates.is_empty(),
            matches: candidates.iter().map(|c| c.caller.clone()).collect(),
        },
        candidates,
    })
}

/// The account whose open opportunities and cases the best match shows, if any.
pub fn related_account(result: &LookupResult) -> Option<String> {
    let best = result.matches.first()?;
    match best.record_type {
        RecordType::Contact | RecordType::Account => best.account_id.clone(),
        RecordType::Lead => None,
    }
}

/// Whether the best match has related records still to load.
pub fn has_related(result: &LookupResult) -> bool {
    !result.matches.is_empty()
}

/// The query for the last few activities of the best match.
pub fn activities_query(best: &CallerMatch) -> String {
    let field = match best.record_type {
        RecordType::Account => "WhatId",
        RecordType::Contact | RecordType::Lead => "WhoId",
    };
    format!(
        "SELECT Id, Subject, ActivityDate, Status, CallType FROM Task WHERE {field} = {} \
         ORDER BY ActivityDate DESC NULLS LAST, CreatedDate DESC LIMIT 5",
        soql_string(&best.id)
    )
}

/// The second round trip: the best match's open opportunities and open cases (from its
/// account), its last few activities and its account's mapped custom fields
/// (`account_fields`), together in one composite request when more than the activities
/// are wanted. A custom field the org lacks costs the custom fields only.
pub async fn add_related(
    client: &SalesforceClient,
    result: &mut LookupResult,
    account_fields: &[String],
) -> Result<()> {
    add_related_with_panels(client, result, account_fields, &[]).await
}

/// [`add_related`], with the administrator's industry panels read in the same request
/// ([`crate::panels`]).
pub async fn add_related_with_panels(
    client: &SalesforceClient,
    result: &mut LookupResult,
    account_fields: &[String],
    panels: &[crate::panels::PanelInput],
) -> Result<()> {
    let Some(best) = result.matches.first() else {
        return Ok(());
    };
    let activities_soql = activities_query(best);
    let (panel_requests, panels_shown) = crate::panels::subrequests(client, panels, best);
    let mut panel_responses = Vec::new();
    let mut custom = None;
    let (account, activities) = match related_account(result) {
        Some(account_id) => {
            let fields = crate::account::known_fields(client, account_fields);
            let mut subrequests = vec![
                CompositeSubrequest::query("account", &related_query(&account_id)),
                CompositeSubrequest::query("activities", &activities_soql),
            ];
            if let Some(soql) = crate::account::custom_query(&account_id, &fields) {
                subrequests.push(CompositeSubrequest::query("custom", &soql));
            }
            subrequests.extend(panel_requests);
            let responses = client.composite(false, subrequests).await?;
            let mut account = Value::Null;
            let mut activities = Value::Null;
            for response in responses {
                if response.reference_id.starts_with("panel") {
                    panel_responses.push(response);
                    continue;
                }
                match (response.reference_id.as_str(), response.error()) {
                    ("custom", Some(error)) => {
                        tracing::warn!("the mapped account fields were not read: {error}");
                    }
                    ("custom", None) => {
                        custom = response
                            .body
                            .get("records")
                            .and_then(Value::as_array)
                            .and_then(|records| records.first())
                            .map(|record| crate::account::custom_facts(record, &fields));
                    }
                    (_, Some(error)) => return Err(error.into()),
                    ("account", None) => account = response.body,
                    (_, None) => activities = response.body,
                }
            }
            (Some(account), activities)
        }
        None if !panel_requests.is_empty() => {
            // The activities and the panels, still one request.
            let mut subrequests = vec![CompositeSubrequest::query("activities", &activities_soql)];
            subrequests.extend(panel_requests);
            let mut activities = Value::Null;
            for response in client.composite(false, subrequests).await? {
                if response.reference_id.starts_with("panel") {
                    panel_responses.push(response);
                } else if let Some(error) = response.error() {
                    return Err(error.into());
                } else {
                    activities = response.body;
                }
            }
            (None, activities)
        }
        None => {
            let page = client.query(&activities_soql).await?;
            (None, serde_json::json!({ "records": page.records }))
        }
    };
    result.related_loaded = true;
    let Some(best) = result.matches.first_mut() else {
        return Ok(());
    };
    if !panels_shown.is_empty() {
        crate::panels::apply(best, panels_shown, &panel_responses);
    }
    if let (Some(custom), Some(facts)) = (custom, best.account.as_mut()) {
        facts.custom = custom;
    }
    if let Some(account) = account
        .as_ref()
        .and_then(|a| a.get("records"))
        .and_then(Value::as_array)
        .and_then(|records| records.first())
    {
        best.opportunities = child_records(account, "Opportunities")
            .iter()
            .filter_map(|o| {
                Some(OpportunitySummary {
                    id: text(o, "Id")?,
                    name: text(o, "Name").unwrap_or_default(),
                    stage: text(o, "StageName").unwrap_or_default(),
                    amount: decimal(o, "Amount"),
                    close_date: text(o, "CloseDate"),
                    probability: decimal(o, "Probability"),
                })
            })
            .collect();
        best.cases = child_records(account, "Cases")
            .iter()
            .filter_map(|c| {
                Some(CaseSummary {
                    id: text(c, "Id")?,
                    case_number: text(c, "CaseNumber").unwrap_or_default(),
                    subject: text(c, "Subject"),
                    status: text(c, "Status"),
                    priority: text(c, "Priority"),
                })
            })
            .collect();
    }
    best.activities = activities
        .get("records")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter_map(|t| {
            Some(ActivitySummary {
                id: text(t, "Id")?,
                subject: text(t, "Subject"),
                date: text(t, "ActivityDate"),
                status: text(t, "Status"),
                call_type: text(t, "CallType"),
            })
        })
        .collect();
    Ok(())
}

/// How long a record Callside created is kept in its number's results when Salesforce's
/// search does not return it yet (the search index lags by minutes).
pub const SEARCH_INDEX_LAG_MS: i64 = 15 * 60 * 1000;

/// Keeps in a fresh result the records Callside created for the number lately that the
/// search did not find yet, as the cache had them.
pub fn keep_recently_created(store: &Store, found: &mut Found, now_ms: i64) -> Result<()> {
    let recent = store.created_since(&found.result.number, now_ms - SEARCH_INDEX_LAG_MS)?;
    if recent.is_empty() {
        return Ok(());
    }
    let Some(cached) = store.cached_lookup(&found.result.number)? else {
        return Ok(());
    };
    for caller in cached.matches {
        let missing = !found.result.matches.iter().any(|m| m.id == caller.id);
        if missing && recent.contains(&caller.id) {
            found.result.matches.push(caller);
        }
    }
    Ok(())
}

/// Caches a found result (with whatever related records it carries).
pub fn save(store: &Store, found: &Found, now_ms: i64) -> Result<()> {
    let cached: Vec<CachedRecord<'_>> = found
        .candidates
        .iter()
        .map(|c| CachedRecord {
            id: &c.caller.id,
            sobject: c.caller.record_type.api_name(),
            name: &c.caller.name,
            fields: &c.fields,
            phones: vec![found.result.number.clone()],
        })
        .collect();
    store.save_lookup(&found.result, &cached, now_ms)
}

/// Looks `number` up in Salesforce (search, then related records) and caches it.
pub async fn lookup_live(
    client: &SalesforceClient,
    store: &Store,
    number: &PhoneNumber,
    settings: &crate::settings::Settings,
    now: &str,
    now_ms: i64,
) -> Result<LookupResult> {
    let picked = store.picked(&number.e164)?;
    let options = SearchOptions {
        region: &settings.region,
        picked: picked.as_deref(),
        order: &settings.match_order,
    };
    let mut found = search(client, number, &options, now).await?;
    keep_recently_created(store, &mut found, now_ms)?;
    add_related_with_panels(
        client,
        &mut found.result,
        &settings.account_fields,
        &settings.panels,
    )
    .await?;
    save(store, &found, now_ms)?;
    Ok(found.result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::normalize;
    use serde_json::json;

    #[test]
    fn the_search_asks_for_every_stored_form_in_one_request() {
        let sosl = caller_search(&normalize("+49 89 1234567", "US").unwrap());
        assert!(
            sosl.starts_with(r#"FIND {"891234567" OR "49891234567" OR "0891234567" OR "0049891234567"} IN PHONE FIELDS RETURNING Contact("#),
            "{sosl}"
        );
        assert!(sosl.contains("WHERE IsConverted = false"));
    }

    #[test]
    fn a_hit_on_a_different_number_is_dropped_and_contacts_rank_first() {
        let number = normalize("(720) 555-0100", "US").unwrap();
        let records = vec![
            json!({"attributes": {"type": "Lead"}, "Id": "00Q1", "Name": "Lead", "Phone": "720-555-0100", "LastModifiedDate": "2026-01-02"}),
            json!({"attributes": {"type": "Account"}, "Id": "0011", "Name": "Decoy", "Phone": "+44 720 555 0100", "LastModifiedDate": "2026-01-03"}),
            json!({"attributes": {"type": "Contact"}, "Id": "0031", "Name": "Old", "MobilePhone": "+1 720 555 0100", "LastModifiedDate": "2025-01-01"}),
            json!({"attributes": {"type": "Contact"}, "Id": "0032", "Name": "New", "Phone": "7205550100", "LastModifiedDate": "2026-01-01", "Account": {"Name": "Summit"}, "AccountId": "0019"}),
        ];
        let ranked = verified_and_ranked(&records, &number, "US", None, DEFAULT_ORDER);
        let ids: Vec<&str> = ranked.iter().map(|c| c.caller.id.as_str()).collect();
        assert_eq!(ids, vec!["0032", "0031", "00Q1"]);
        assert_eq!(ranked[0].caller.company.as_deref(), Some("Summit"));
        assert_eq!(ranked[1].caller.phone.as_deref(), Some("+1 720 555 0100"));

        let picked = verified_and_ranked(&records, &number, "US", Some("00Q1"), DEFAULT_ORDER);
        assert_eq!(picked[0].caller.id, "00Q1", "a remembered pick comes first");
    }

    #[test]
    fn recent_activity_ranks_before_recent_changes() {
        let number = normalize("(720) 555-0100", "US").unwrap();
        let records = vec![
            json!({"attributes": {"type": "Lead"}, "Id": "00Q1", "Name": "Edited", "Phone": "7205550100", "LastActivityDate": "2026-01-01", "LastModifiedDate": "2026-06-01"}),
            json!({"attributes": {"type": "Lead"}, "Id": "00Q2", "Name": "Called", "Phone": "7205550100", "LastActivityDate": "2026-05-01", "LastModifiedDate": "2026-02-01"}),
        ];
        let ranked = verified_and_ranked(&records, &number, "US", None, DEFAULT_ORDER);
        assert_eq!(ranked[0].caller.id, "00Q2");
    }

    #[test]
    fn the_related_query_escapes_the_id() {
        assert!(related_query("001' OR Name != '").contains(r"Id = '001\' OR Name != \''"));
    }
}
