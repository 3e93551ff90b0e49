//! Searching by email address, domain and name, and the account behind a caller: the
//! core against the demo org over real HTTP, with real SQLite files.

use std::sync::Arc;

use callside_core::salesforce::{MemoryStore, TokenStore};
use callside_core::store::Store;
use callside_core::{
    CallDirection, Callside, ErrorCode, LookupSource, RecordType, SearchResult, Settings, TermKind,
};
use callside_fake_org::FakeOrg;

mod support;
use support::{curl, free_port, settings};

struct Harness {
    org: FakeOrg,
    callside: Callside,
    tokens: Arc<MemoryStore>,
    _data_dir: tempfile::TempDir,
}

async fn signed_in_with(change: impl FnOnce(&mut Settings)) -> Harness {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = settings(&org, data_dir.path(), "US");
    change(&mut settings);
    let tokens = Arc::new(MemoryStore::default());
    let callside = Callside::open(settings, tokens.clone(), "memory only".into()).unwrap();
    assert!(callside.sign_in_with(curl).await.unwrap().signed_in);
    Harness {
        org,
        callside,
        tokens,
        _data_dir: data_dir,
    }
}

async fn signed_in() -> Harness {
    signed_in_with(|_| {}).await
}

fn names(result: &SearchResult) -> Vec<(RecordType, &str)> {
    result
        .matches
        .iter()
        .map(|m| (m.record_type, m.name.as_str()))
        .collect()
}

/// A search and the API requests it cost.
async fn search(harness: &Harness, term: &str) -> (SearchResult, u64) {
    let before = harness.org.api_request_count();
    let result = harness.callside.search(term).await.unwrap();
    (result, harness.org.api_request_count() - before)
}

#[tokio::test]
async fn an_email_address_finds_the_contact_or_open_lead_that_has_it() {
    let harness = signed_in().await;
    let (dana, requests) = search(&harness, "  Dana.Whitfield@SummitOutdoor.example ").await;
    assert_eq!(dana.kind, TermKind::Email);
    assert_eq!(dana.term, "dana.whitfield@summitoutdoor.example");
    assert_eq!(dana.number, None);
    assert_eq!(names(&dana), [(RecordType::Contact, "Dana Whitfield")]);
    assert_eq!(
        dana.matches[0].email.as_deref(),
        Some("dana.whitfield@summitoutdoor.example")
    );
    assert_eq!(
        dana.matches[0].opportunities.len(),
        2,
        "related records come too"
    );
    assert!(dana.related_loaded);
    assert_eq!(requests, 2, "one search and one composite");

    let (lena, requests) = search(&harness, "mailto:lena.vogt@summittrail.example").await;
    assert_eq!(names(&lena), [(RecordType::Lead, "Lena Vogt")]);
    assert_eq!(requests, 2, "one search and the lead's activities");

    // Tom Becker's lead is converted: only his contact answers.
    let (tom, _) = search(&harness, "tom@beckerlogistik.example").await;
    assert_eq!(names(&tom), [(RecordType::Contact, "Tom Becker")]);

    // Another address at the same domain is not this one.
    let (nobody, requests) = search(&harness, "dana@summitoutdoor.example").await;
    assert!(nobody.matches.is_empty(), "{:?}", names(&nobody));
    assert_eq!(requests, 1, "nothing found, nothing more to load");
}

#[tokio::test]
async fn a_domain_finds_the_account_by_its_website_and_people_by_their_addresses() {
    let harness = signed_in().await;
    let (summit, requests) = search(&harness, "summitoutdoor.example").await;
    assert_eq!(summit.kind, TermKind::Domain);
    assert_eq!(
        names(&summit),
        [
            (RecordType::Account, "Summit Outdoor Supply"),
            (RecordType::Contact, "Dana Whitfield"),
            (RecordType::Contact, "Aisha Bello"),
        ],
        "the company first; Dana before Aisha: her last activity is more recent"
    );
    assert_eq!(requests, 2);

    let (trail, _) = search(&harness, "https://www.SummitTrail.example/contact").await;
    assert_eq!(trail.term, "summittrail.example");
    assert_eq!(
        names(&trail),
        [
            (RecordType::Account, "Summit Trail Rentals"),
            (RecordType::Contact, "Rosa Delgado"),
            (RecordType::Lead, "Lena Vogt"),
        ]
    );
    let (holdings, _) = search(&harness, "@summitholdings.example").await;
    assert_eq!(
        names(&holdings),
        [(RecordType::Account, "Summit Holdings Inc.")]
    );
}

#[tokio::test]
async fn names_in_any_script_and_with_any_punctuation_are_found() {
    let harness = signed_in().await;
    for (term, expected) in [
        ("Dana Whitfield", (RecordType::Contact, "Dana Whitfield")),
        ("whitfield dana", (RecordType::Contact, "Dana Whitfield")),
        ("O'Connor", (RecordType::Lead, "Siobhan O'Connor")),
        ("Siobhan O'Connor", (RecordType::Lead, "Siobhan O'Connor")),
        ("Jürgen Müller", (RecordType::Contact, "Jürgen Müller")),
        ("müller", (RecordType::Contact, "Jürgen Müller")),
        ("佐藤", (RecordType::Lead, "美咲 佐藤")),
        ("美咲 佐藤", (RecordType::Lead, "美咲 佐藤")),
        ("さくらデザイン株式会社", (RecordType::Lead, "美咲 佐藤")),
        ("Harbour & Sons", (RecordType::Lead, "Siobhan O'Connor")),
        ("Kim & Park", (RecordType::Lead, "Grace Kim")),
    ] {
        let (result, requests) = search(&harness, term).await;
        assert_eq!(result.kind, TermKind::Name, "{term}");
        assert_eq!(
            names(&result).first(),
            Some(&expected),
            "{term}: {:?}",
            names(&result)
        );
        assert!(requests <= 2, "{term}: {requests} requests");
    }
    // Wildcards the rep types inside a word are text, and match nothing here.
    for literal in ["Whit?ield", "Wh*tfield", "Dana (Whitfield)"] {
        let (result, _) = search(&harness, literal).await;
        assert!(
            result.matches.is_empty() || literal == "Dana (Whitfield)",
            "{literal}: {:?}",
            names(&result)
        );
    }
    let (parenthesised, _) = search(&harness, "Dana (Whitfield)").await;
    assert_eq!(
        names(&parenthesised)[0].1,
        "Dana Whitfield",
        "brackets are punctuation"
    );
    // A final * asks for words that start so.
    let (prefix, _) = search(&harness, "Whit*").await;
    assert_eq!(prefix.term, "Whit*");
    assert_eq!(names(&prefix), [(RecordType::Contact, "Dana Whitfield")]);
    let (without, _) = search(&harness, "Whit").await;
    assert!(without.matches.is_empty(), "a part of a word is no match");
}

#[tokio::test]
async fn a_company_lists_the_account_first_and_its_people_to_pick_from() {
    let harness = signed_in().await;
    let (summit, _) = search(&harness, "Summit Outdoor Supply").await;
    assert_eq!(
        names(&summit),
        [
            (RecordType::Account, "Summit Outdoor Supply"),
            (RecordType::Contact, "Dana Whitfield"),
            (RecordType::Contact, "Aisha Bello"),
        ]
    );
    let (family, _) = search(&harness, "summit").await;
    let listed: Vec<&str> = family.matches.iter().map(|m| m.name.as_str()).collect();
    for name in [
        "Summit Holdings Inc.",
        "Summit Outdoor Supply",
        "Summit Trail Rentals",
        "Dana Whitfield",
        "Rosa Delgado",
        "Lena Vogt",
    ] {
        assert!(listed.contains(&name), "{name} missing from {listed:?}");
    }
    assert_eq!(family.matches[0].record_type, RecordType::Account);

    // One surname, three records: people before the company, contacts before leads.
    let (rossi, _) = search(&harness, "Rossi").await;
    assert_eq!(
        names(&rossi),
        [
            (RecordType::Contact, "Elena Rossi"),
            (RecordType::Lead, "Marco Rossi"),
            (RecordType::Account, "Rossi Family Wines"),
        ]
    );
    // The rep's pick comes first next time, for this term only.
    let marco = rossi.matches[1].id.clone();
    harness
        .callside
        .remember_pick("rossi", &marco)
        .await
        .unwrap();
    let (again, _) = search(&harness, " ROSSI ").await;
    assert_eq!(again.matches[0].id, marco);
    let (phone, _) = search(&harness, "303 555 0188").await;
    assert_eq!(
        phone.matches[0].name, "Elena Rossi",
        "the number has its own pick"
    );
}

#[tokio::test]
async fn terms_salesforce_cannot_search_are_refused_before_any_request() {
    let harness = signed_in().await;
    let before = harness.org.api_request_count();
    for (term, message) in [
        ("?&|!{}[]()^~*:\\\"'+-", "no letters or digits"),
        ("\"\"", "no letters or digits"),
        ("* & -", "no letters or digits"),
        ("J", "at least two letters"),
        ("张", "at least two letters"),
        ("J*", "at least two letters"),
        ("Dana W*", "before the *"),
        ("dana@", "not a complete email address"),
        ("12", "not a phone number"),
        ("", "Type a phone number"),
    ] {
        let error = harness.callside.search(term).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{term}");
        assert!(error.to_string().contains(message), "{term:?}: {error}");
    }
    assert_eq!(
        harness.org.api_request_count(),
        before,
        "no request for any of them"
    );
}

#[tokio::test]
async fn search_results_are_cached_and_answer_at_once_and_offline() {
    let harness = signed_in().await;
    let (sender, mut updates) = tokio::sync::mpsc::unbounded_channel();
    let pop = |term: &'static str| {
        let sender = sender.clone();
        harness
            .callside
            .search_pop(term, CallDirection::Inbound, move |key, update| {
                let _ = sender.send((key.to_string(), update));
            })
    };
    let before = harness.org.api_request_count();
    let first = pop("Dana Whitfield").await.unwrap();
    assert_eq!(first.source, LookupSource::Salesforce);
    assert!(
        !first.related_loaded,
        "the first paint waits for nothing else"
    );
    assert_eq!(harness.org.api_request_count() - before, 1, "one search");
    let (key, full) = updates.recv().await.unwrap();
    let full = full.unwrap();
    assert_eq!(key, "Dana Whitfield");
    assert_eq!(full.matches[0].opportunities.len(), 2);
    assert_eq!(harness.org.api_request_count() - before, 2);

    let before = harness.org.api_request_count();
    let cached = pop("dana   whitfield").await.unwrap();
    assert_eq!(cached.source, LookupSource::Cache);
    assert_eq!(
        cached.matches, full.matches,
        "the cache holds the full result"
    );
    let (_, fresh) = updates.recv().await.unwrap();
    let fresh = fresh.unwrap();
    assert_eq!(fresh.source, LookupSource::Salesforce);
    assert_eq!(fresh.matches, full.matches);
    assert_eq!(
        harness.org.api_request_count() - before,
        2,
        "one refresh behind it"
    );

    // A phone number in the search box is the screen pop.
    let phone = pop("(720) 555-0111").await.unwrap();
    assert_eq!(phone.kind, TermKind::Phone);
    assert_eq!(phone.number.as_deref(), Some("+17205550111"));
    let (key, _) = updates.recv().await.unwrap();
    assert_eq!(key, "+17205550111");

    // The same org and user with its instance unreachable answers from the cache.
    let settings = harness.callside.settings().clone();
    let mut session = harness
        .tokens
        .load(&settings.session_key())
        .unwrap()
        .unwrap();
    session.instance_url = format!("http://127.0.0.1:{}", free_port());
    let offline_tokens = Arc::new(MemoryStore::default());
    offline_tokens
        .save(&settings.session_key(), &session)
        .unwrap();
    let offline = Callside::open(settings, offline_tokens, "memory only".into()).unwrap();
    let answer = offline.search("DANA WHITFIELD").await.unwrap();
    assert_eq!(answer.source, LookupSource::Cache);
    assert_eq!(answer.matches[0].name, "Dana Whitfield");
    let error = offline.search("Aisha Bello").await.unwrap_err();
    assert_eq!(
        error.code(),
        ErrorCode::Offline,
        "never searched, so not cached"
    );

    // Signing out empties the cache, searches included.
    let org_id = session.org_id.clone();
    let store = Store::open_for_org(harness._data_dir.path(), &org_id).unwrap();
    assert!(store
        .cached_search("name:dana whitfield", 0, i64::MAX)
        .unwrap()
        .is_some());
    harness.callside.sign_out().await.unwrap();
    assert_eq!(
        store
            .cached_search("name:dana whitfield", 0, i64::MAX)
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn the_caller_card_carries_the_accounts_key_facts_and_mapped_fields_at_no_extra_cost() {
    let harness = signed_in_with(|settings| {
        settings.account_fields = vec!["Health_Score__c".into(), "Last_Activity__c".into()];
    })
    .await;
    let before = harness.org.api_request_count();
    let result = harness.callside.lookup("(720) 555-0111").await.unwrap();
    assert_eq!(
        harness.org.api_request_count() - before,
        2,
        "a pop still costs two requests"
    );
    let facts = result.matches[0].account.clone().expect("Dana's account");
    assert_eq!(facts.name, "Summit Outdoor Supply");
    assert_eq!(facts.id, result.matches[0].account_id);
    assert_eq!(facts.industry.as_deref(), Some("Retail"));
    assert_eq!(facts.annual_revenue, Some(4_200_000.0));
    assert_eq!(facts.employees, Some(85));
    assert_eq!(facts.website.as_deref(), Some("summitoutdoor.example"));
    assert_eq!(facts.phone.as_deref(), Some("(720) 555-0100"));
    assert_eq!(facts.account_type.as_deref(), Some("Customer - Direct"));
    assert_eq!(facts.parent_name.as_deref(), Some("Summit Holdings Inc."));
    assert_eq!(facts.owner.as_deref(), Some("Riley Demo"));
    let address = facts.address.expect("billing address");
    assert_eq!(
        (
            address.street.as_deref(),
            address.city.as_deref(),
            address.state.as_deref()
        ),
        (Some("1550 Wynkoop St"), Some("Denver"), Some("CO"))
    );
    let custom: Vec<(&str, &str, &str)> = facts
        .custom
        .iter()
        .map(|f| (f.label.as_str(), f.field_type.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(custom.len(), 2, "{custom:?}");
    assert_eq!(custom[0], ("Health Score", "double", "86"));
    assert_eq!(custom[1].0, "Last Activity (CRM)", "the org's label");
    assert_eq!(custom[1].1, "date");
    assert_eq!(custom[1].2.len(), 10, "a date: {}", custom[1].2);

    // A lead has no account: its company, as the lead records it.
    let priya = harness.callside.lookup("720-555-0133").await.unwrap();
    let company = priya.matches[0].account.clone().expect("Priya's company");
    assert_eq!(company.id, None);
    assert_eq!(company.name, "Lumen Analytics");
    assert_eq!(company.industry.as_deref(), Some("Technology"));
    assert_eq!(company.employees, Some(40));
    assert_eq!(company.website.as_deref(), Some("lumenanalytics.example"));
    assert_eq!(company.address.unwrap().city.as_deref(), Some("Boulder"));
    assert!(company.custom.is_empty());

    // Every listed contact and account has its facts from the search itself.
    let (summit, _) = search(&harness, "summit").await;
    assert!(
        summit.matches.iter().all(|m| m.account.is_some()),
        "{summit:?}"
    );
    let rosa = summit
        .matches
        .iter()
        .find(|m| m.name == "Rosa Delgado")
        .unwrap();
    assert_eq!(
        rosa.account.as_ref().unwrap().parent_name.as_deref(),
        Some("Summit Holdings Inc.")
    );
}

#[tokio::test]
async fn a_mapped_field_the_org_lacks_is_named_and_costs_only_itself() {
    let harness = signed_in_with(|settings| {
        settings.account_fields = vec!["Health_Score__c".into(), "Churn_Risk__c".into()];
    })
    .await;
    let error = harness.callside.check_account_fields().await.unwrap_err();
    assert!(
        error.to_string().contains("Churn_Risk__c") && error.to_string().contains("account_fields"),
        "{error}"
    );
    // Checked: the pop asks for the fields the org has.
    let result = harness.callside.lookup("(720) 555-0111").await.unwrap();
    let custom = &result.matches[0].account.as_ref().unwrap().custom;
    assert_eq!(custom.len(), 1);
    assert_eq!(custom[0].field, "Health_Score__c");

    // Before any check (a session resumed from the keychain), the mapped fields go in a
    // subrequest of their own: the missing one fails it alone, and the pop stays whole.
    let resumed = Callside::open(
        harness.callside.settings().clone(),
        harness.tokens.clone(),
        "memory only".into(),
    )
    .unwrap();
    let before = harness.org.api_request_count();
    let result = resumed.lookup("(720) 555-0111").await.unwrap();
    assert_eq!(harness.org.api_request_count() - before, 2);
    let dana = &result.matches[0];
    assert_eq!(dana.opportunities.len(), 2);
    assert_eq!(
        dana.account.as_ref().unwrap().industry.as_deref(),
        Some("Retail")
    );
    assert!(dana.account.as_ref().unwrap().custom.is_empty());
}

#[tokio::test]
async fn one_click_shows_the_account_hierarchy_and_open_business() {
    let harness = signed_in().await;
    let dana = harness
        .callside
        .lookup("(720) 555-0111")
        .await
        .unwrap()
        .matches[0]
        .clone();
    let before = harness.org.api_request_count();
    let family = harness
        .callside
        .account_hierarchy(&dana.id)
        .await
        .unwrap()
        .expect("Dana's account");
    assert!(harness.org.api_request_count() - before <= 2);
    assert_eq!(family.account.name, "Summit Outdoor Supply");
    assert!(!family.matched_by_company);
    assert_eq!(family.parent.as_ref().unwrap().name, "Summit Holdings Inc.");
    let siblings: Vec<&str> = family.siblings.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(siblings, ["Summit Trail Rentals"]);
    assert!(family.children.is_empty());
    let mut opportunities: Vec<(&str, Option<&str>)> = family
        .opportunities
        .iter()
        .map(|o| (o.name.as_str(), o.contact.as_deref()))
        .collect();
    opportunities.sort();
    assert_eq!(
        opportunities,
        [
            ("Summit - Spring Catalog", Some("Dana Whitfield")),
            ("Summit - Store Fixtures", Some("Dana Whitfield")),
        ],
        "open ones only"
    );

    // From a lead: the account named like its company.
    let (lena, _) = search(&harness, "Lena Vogt").await;
    let family = harness
        .callside
        .account_hierarchy(&lena.matches[0].id)
        .await
        .unwrap()
        .expect("an account for Summit Trail Rentals");
    assert!(family.matched_by_company);
    assert_eq!(family.account.name, "Summit Trail Rentals");
    assert_eq!(family.siblings[0].name, "Summit Outdoor Supply");
    assert_eq!(family.opportunities[0].name, "Summit Trail - Bike Fleet");
    assert_eq!(
        family.opportunities[0].contact.as_deref(),
        Some("Rosa Delgado")
    );

    // The parent sees its children; a lead whose company has no account has none.
    let (holdings, _) = search(&harness, "summitholdings.example").await;
    let family = harness
        .callside
        .account_hierarchy(&holdings.matches[0].id)
        .await
        .unwrap()
        .unwrap();
    let children: Vec<&str> = family.children.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(children, ["Summit Outdoor Supply", "Summit Trail Rentals"]);
    assert!(family.parent.is_none());
    let priya = harness
        .callside
        .lookup("720-555-0133")
        .await
        .unwrap()
        .matches[0]
        .clone();
    assert_eq!(
        harness.callside.account_hierarchy(&priya.id).await.unwrap(),
        None
    );

    // A record never cached is read from Salesforce first.
    let fresh = Callside::open(
        harness.callside.settings().clone(),
        harness.tokens.clone(),
        "memory only".into(),
    )
    .unwrap();
    fresh.clear_cache().await.unwrap();
    let family = fresh.account_hierarchy(&dana.id).await.unwrap().unwrap();
    assert_eq!(family.account.name, "Summit Outdoor Supply");

    let error = harness
        .callside
        .account_hierarchy("x' OR '1'='1")
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    let error = harness
        .callside
        .account_hierarchy("006000000000001AAA")
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("not a Contact, Lead or Account"),
        "{error}"
    );
}
