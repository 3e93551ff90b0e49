//! Finding a caller by whatever the rep has: a phone number, an email address, a
//! person's or a company's name, or a website domain.
//!
//! [`classify`] says what a term is. A phone number takes the phone path of [`lookup`]
//! unchanged. The others are one SOSL search each, across Contact, open Lead and Account:
//! an email address `IN EMAIL FIELDS` (kept when the stored address is exactly it), a
//! domain `IN ALL FIELDS` (kept when an account's website or a person's email address is
//! at that domain), a name `IN NAME FIELDS` (each word must match; the rep's trailing
//! `*` asks for words that start so). Every word is escaped: wildcards and reserved
//! characters the rep types are text. A term with fewer than two letters or digits is
//! refused before any request, as Salesforce would refuse it. Matches are ranked (the
//! record the rep picked for the term before, then how well the name matches, then the
//! configured record-type order and recent activity), the best match's related records
//! follow in one more request, and results are cached under the term.

use serde_json::Value;

use callside_salesforce::escape::{sosl_phrase, sosl_prefix};
use callside_salesforce::SalesforceClient;

use crate::account::{self, domain_of, Anchor};
use crate::error::{Error, Result};
use crate::lookup::{self, candidate_of, Candidate};
use crate::model::{LookupResult, LookupSource, RecordType, SearchResult, TermKind};
use crate::phone::{self, PhoneNumber};
use crate::settings::Settings;
use crate::store::{CachedRecord, Store};
use crate::text::{quoted, Text};

/// The longest term accepted.
pub const MAX_TERM_CHARS: usize = 200;

/// At most this many matches are listed.
pub const MAX_MATCHES: usize = 25;

/// A term as understood.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    pub kind: TermKind,
    /// As shown and cached: the number in E.164, the address or domain in lower case,
    /// the name with its spaces tidied (and a final `*` for a prefix search).
    pub text: String,
    /// For a name: the words searched for (those with a letter or digit).
    words: Vec<String>,
    /// For a name: the last word is a prefix.
    prefix: bool,
    number: Option<PhoneNumber>,
}

impl Term {
    /// The key of the term's cached result and remembered pick: the number in E.164,
    /// else `kind:text` in lower case.
    pub fn key(&self) -> String {
        match &self.number {
            Some(number) => number.e164.clone(),
            None => format!("{}:{}", kind_name(self.kind), self.text.to_lowercase()),
        }
    }

    pub fn number(&self) -> Option<&PhoneNumber> {
        self.number.as_ref()
    }
}

fn kind_name(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Phone => "phone",
        TermKind::Email => "email",
        TermKind::Domain => "domain",
        TermKind::Name => "name",
    }
}

/// Digits with the punctuation people write numbers with, an optional `tel:` scheme and
/// an optional extension (`ext. 12`, `x12`, `#12`, `;ext=12`).
fn looks_like_phone(input: &str) -> bool {
    let lower = input.trim().to_lowercase();
    let rest = lower.strip_prefix("tel:").unwrap_or(&lower);
    let number = [";ext=", "ext", "x", "#"]
        .iter()
        .filter_map(|marker| {
            let at = rest.find(marker)?;
            let tail = rest[at + marker.len()..].trim_start_matches(['.', ' ', ':', '=']);
            (!tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit())).then_some(&rest[..at])
        })
        .next()
        .unwrap_or(rest);
    number.chars().any(|c| c.is_ascii_digit())
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || "+-().\\/".contains(c))
}

/// A host name such as `summitoutdoor.example`: two or more labels of letters, digits
/// and inner hyphens, the last alphabetic.
fn is_domain(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

fn invalid(text: Text) -> Error {
    Error::InvalidInput(text)
}

/// Letters and digits of a word (what the search index keeps of it).
fn searchable_chars(word: &str) -> usize {
    word.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Says what `input` is: a phone number (normalized with `region`), an email address,
/// a website domain, or a name. Refuses, before any request, what Salesforce could not
/// search: nothing, a term without two letters or digits, an incomplete address.
pub fn classify(input: &str, region: &str) -> Result<Term> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(invalid(Text::SearchEmpty));
    }
    if trimmed.chars().count() > MAX_TERM_CHARS {
        return Err(invalid(Text::SearchTooLong {
            max: MAX_TERM_CHARS.to_string(),
        }));
    }
    if looks_like_phone(trimmed) {
        let number = phone::normalize(trimmed, region)?;
        return Ok(Term {
            kind: TermKind::Phone,
            text: number.e164.clone(),
            words: Vec::new(),
            prefix: false,
            number: Some(number),
        });
    }
    let no_spaces = !trimmed.chars().any(char::is_whitespace);
    let address = trimmed
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        .map(|_| &trimmed[7..])
        .unwrap_or(trimmed);
    if no_spaces && address.contains('@') {
        if let Some(domain) = address.strip_prefix('@') {
            let domain = domain.to_lowercase();
            if is_domain(&domain) {
                return Ok(text_term(TermKind::Domain, domain));
            }
        }
        let email = address.to_lowercase();
        return match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && !domain.contains('@') && is_domain(domain) =>
            {
                Ok(text_term(TermKind::Email, email))
            }
            _ => Err(invalid(Text::NotAnEmailAddress {
                input: quoted(input),
            })),
        };
    }
    if no_spaces {
        if let Some(domain) = domain_of(trimmed).filter(|d| is_domain(d)) {
            let looks_like_url =
                trimmed.contains("://") || trimmed.to_lowercase().starts_with("www.");
            if looks_like_url || domain_of(trimmed).as_deref() == Some(&trimmed.to_lowercase()) {
                return Ok(text_term(TermKind::Domain, domain));
            }
        }
    }
    name_term(input)
}

fn text_term(kind: TermKind, text: String) -> Term {
    Term {
        kind,
        text,
        words: Vec::new(),
        prefix: false,
        number: None,
    }
}

fn name_term(input: &str) -> Result<Term> {
    let tidy = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let prefix = tidy.ends_with('*');
    let base = tidy.trim_end_matches('*').trim_end().to_string();
    let words: Vec<String> = base
        .split_whitespace()
        .filter(|word| searchable_chars(word) > 0)
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return Err(invalid(Text::NothingToSearch {
            input: quoted(input),
        }));
    }
    if words.iter().map(|w| searchable_chars(w)).sum::<usize>() < 2 {
        return Err(invalid(Text::SearchTooShort));
    }
    // The `*` must follow the last word itself ("Whit*", not "Whit *" or "Whit {*").
    let last_written = base.split_whitespace().last().unwrap_or_default();
    let prefix = prefix
        && tidy.trim_end_matches('*') == base
        && words.last().map(String::as_str) == Some(last_written);
    let prefix_word = words.last().map(|w| searchable_chars(w)).unwrap_or(0);
    if prefix && prefix_word < 2 {
        return Err(invalid(Text::PrefixTooShort));
    }
    Ok(Term {
        kind: TermKind::Name,
        text: if prefix { format!("{base}*") } else { base },
        words,
        prefix,
        number: None,
    })
}

/// The SOSL search for a term other than a phone number.
pub fn sosl(term: &Term) -> String {
    let returning = lookup::returning_clause();
    match term.kind {
        TermKind::Email => format!(
            "FIND {{{}}} IN EMAIL FIELDS RETURNING Contact({} LIMIT 25), Lead({} WHERE IsConverted = false LIMIT 25)",
            sosl_phrase(&term.text),
            lookup::returning_fields(RecordType::Contact),
            lookup::returning_fields(RecordType::Lead),
        ),
        TermKind::Domain => format!("FIND {{{}}} IN ALL FIELDS {returning}", sosl_phrase(&term.text)),
        TermKind::Name | TermKind::Phone => {
            let last = term.words.len().saturating_sub(1);
            let words: Vec<String> = term
                .words
                .iter()
                .enumerate()
                .map(|(at, word)| match (term.prefix && at == last).then(|| sosl_prefix(word)) {
                    Some(Some(prefix)) => prefix,
                    _ => sosl_phrase(word),
                })
                .collect();
            format!("FIND {{{}}} IN NAME FIELDS {returning}", words.join(" "))
        }
    }
}

/// Words as the search index reads them: lower case, split at anything but letters
/// and digits, unspaced scripts (Chinese, Japanese, Korean) one character each.
fn words_of(text: &str) -> Vec<String> {
    let unspaced = |c: char| matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF);
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if unspaced(c) {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            words.push(c.to_string());
        } else if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// How well a record's name answers a name search: 6 its own name is the term, 5 its
/// company's name is, 4 its own name has every word, 3 its company's has, 2 both
/// together have, 1 another name field matched.
fn name_score(candidate: &Candidate, term: &Term) -> u8 {
    let wanted = words_of(&term.words.join(" "));
    let last = wanted.len().saturating_sub(1);
    let word_matches = |at: usize, word: &str, have: &str| {
        if term.prefix && at == last {
            have.starts_with(word)
        } else {
            have == word
        }
    };
    let all_in = |have: &[String]| {
        wanted
            .iter()
            .enumerate()
            .all(|(at, w)| have.iter().any(|h| word_matches(at, w, h)))
    };
    let equal = |have: &[String]| {
        have.len() == wanted.len()
            && wanted
                .iter()
                .zip(have)
                .enumerate()
                .all(|(at, (w, h))| word_matches(at, w, h))
    };
    let own = words_of(&candidate.caller.name);
    let company = match candidate.caller.record_type {
        RecordType::Account => words_of(
            &candidate
                .caller
                .account
                .as_ref()
                .and_then(|a| a.website.clone())
                .unwrap_or_default(),
        ),
        _ => words_of(candidate.caller.company.as_deref().unwrap_or_default()),
    };
    let both: Vec<String> = own.iter().chain(&company).cloned().collect();
    if equal(&own) {
        6
    } else if candidate.caller.record_type != RecordType::Account && equal(&company) {
        5
    } else if all_in(&own) {
        4
    } else if all_in(&company) {
        3
    } else if all_in(&both) {
        2
    } else {
        1
    }
}

fn at_domain(value: Option<&str>, domain: &str) -> bool {
    value
        .and_then(domain_of)
        .is_some_and(|d| d == domain || d.ends_with(&format!(".{domain}")))
}

/// How a record answers an email or domain search; none when it does not (the search
/// index also matches parts of addresses and other fields).
fn verified_score(candidate: &Candidate, term: &Term) -> Option<u8> {
    let email = candidate.caller.email.as_deref();
    match term.kind {
        TermKind::Email => email
            .is_some_and(|e| e.trim().eq_ignore_ascii_case(&term.text))
            .then_some(1),
        TermKind::Domain => {
            let website = candidate
                .caller
                .account
                .as_ref()
                .and_then(|a| a.website.as_deref());
            match candidate.caller.record_type {
                RecordType::Account => at_domain(website, &term.text).then_some(2),
                _ if at_domain(email, &term.text) => Some(1),
                // A lead's own website counts as its company's.
                RecordType::Lead => at_domain(website, &term.text).then_some(1),
                _ => None,
            }
        }
        TermKind::Name | TermKind::Phone => Some(name_score(candidate, term)),
    }
}

/// The records that answer `term`, best first: the record the rep picked for the term
/// before, then the best score, then by record type in `order`, then the most recent
/// activity, then the most recently changed; at most [`MAX_MATCHES`].
fn ranked(
    records: &[Value],
    term: &Term,
    picked: Option<&str>,
    order: &[RecordType],
) -> Vec<Candidate> {
    let rank = |record_type: RecordType| {
        order
            .iter()
            .position(|t| *t == record_type)
            .unwrap_or(order.len())
    };
    let mut scored: Vec<(u8, Candidate)> = records
        .iter()
        .filter_map(candidate_of)
        .filter_map(|candidate| Some((verified_score(&candidate, term)?, candidate)))
        .collect();
    scored.sort_by(|(score_a, a), (score_b, b)| {
        let picked_first = |c: &Candidate| Some(c.caller.id.as_str()) != picked;
        picked_first(a)
            .cmp(&picked_first(b))
            .then_with(|| score_b.cmp(score_a))
            .then_with(|| rank(a.caller.record_type).cmp(&rank(b.caller.record_type)))
            .then_with(|| b.last_activity.cmp(&a.last_activity))
            .then_with(|| b.last_modified.cmp(&a.last_modified))
    });
    scored.truncate(MAX_MATCHES);
    scored.into_iter().map(|(_, candidate)| candidate).collect()
}

/// What one search found: the first paint and the candidates behind it.
pub struct Found {
    pub result: SearchResult,
    key: String,
    candidates: Vec<Candidate>,
}

/// A phone lookup's result as a search result.
pub fn from_lookup(result: LookupResult) -> SearchResult {
    SearchResult {
        kind: TermKind::Phone,
        term: result.number.clone(),
        number: Some(result.number),
        source: result.source,
        fetched_at: result.fetched_at,
        matches: result.matches,
        related_loaded: result.related_loaded,
    }
}

/// A search result in the shape the caller panel shows: its `number` is the phone
/// number, or else the term.
pub fn to_lookup(result: &SearchResult) -> LookupResult {
    LookupResult {
        number: result.number.clone().unwrap_or_else(|| result.term.clone()),
        source: result.source,
        fetched_at: result.fetched_at.clone(),
        matches: result.matches.clone(),
        related_loaded: result.related_loaded,
    }
}

/// The first round trip: one SOSL search, verified and ranked.
pub async fn first_paint(
    client: &SalesforceClient,
    store: &Store,
    term: &Term,
    settings: &Settings,
    now: &str,
) -> Result<Found> {
    let key = term.key();
    let picked = store.picked(&key)?;
    let records = client.search(&sosl(term)).await?;
    let candidates = ranked(&records, term, picked.as_deref(), &settings.match_order);
    Ok(Found {
        result: SearchResult {
            kind: term.kind,
            term: term.text.clone(),
            number: None,
            source: LookupSource::Salesforce,
            fetched_at: now.to_string(),
            related_loaded: candidates.is_empty(),
            matches: candidates.iter().map(|c| c.caller.clone()).collect(),
        },
        key,
        candidates,
    })
}

/// The second round trip: the best match's related records (as a phone pop has them).
pub async fn add_related(
    client: &SalesforceClient,
    found: &mut Found,
    settings: &Settings,
) -> Result<()> {
    if found.result.matches.is_empty() {
        found.result.related_loaded = true;
        return Ok(());
    }
    let mut lookup = to_lookup(&found.result);
    lookup::add_related_with_panels(
        client,
        &mut lookup,
        &settings.account_fields,
        &settings.panels,
    )
    .await?;
    found.result.matches = lookup.matches;
    found.result.related_loaded = lookup.related_loaded;
    Ok(())
}

/// Caches a found result under its term, unless the settings turn the cache off.
pub fn save(store: &Store, found: &Found, settings: &Settings, now_ms: i64) -> Result<()> {
    if !settings.cache_enabled {
        return Ok(());
    }
    let records: Vec<CachedRecord<'_>> = found
        .candidates
        .iter()
        .map(|c| CachedRecord {
            id: &c.caller.id,
            sobject: c.caller.record_type.api_name(),
            name: &c.caller.name,
            fields: &c.fields,
            phones: Vec::new(),
        })
        .collect();
    store.save_search(&found.key, &found.result, &records, now_ms)
}

/// The cached result of a term, if the cache holds one younger than `max_age_ms`.
pub fn cached(
    store: &Store,
    term: &Term,
    settings: &Settings,
    now_ms: i64,
    max_age_ms: i64,
) -> Result<Option<SearchResult>> {
    if !settings.cache_enabled {
        return Ok(None);
    }
    Ok(store
        .cached_search(&term.key(), now_ms, max_age_ms)?
        .map(|mut result| {
            result.source = LookupSource::Cache;
            result
        }))
}

/// Searches Salesforce for a term other than a phone number (search, then related
/// records: at most two requests) and caches the result.
pub async fn search_live(
    client: &SalesforceClient,
    store: &Store,
    term: &Term,
    settings: &Settings,
    now: &str,
    now_ms: i64,
) -> Result<SearchResult> {
    let mut found = first_paint(client, store, term, settings, now).await?;
    add_related(client, &mut found, settings).await?;
    save(store, &found, settings, now_ms)?;
    Ok(found.result)
}

/// Where a record's account hierarchy starts: an account itself, a contact's account,
/// or the account named like a lead's company (or at its website's domain). Reads the
/// cached record, else asks Salesforce (one query). None for a contact without an account.
pub async fn anchor_for(
    client: &SalesforceClient,
    store: &Store,
    record_id: &str,
) -> Result<Option<Anchor>> {
    let cached = |field: &str| store.cached_field(record_id, field).ok().flatten();
    let fetch = |fields: &[&str], object: &str| {
        format!(
            "SELECT Id, {} FROM {object} WHERE Id = {}",
            fields.join(", "),
            callside_salesforce::escape::soql_string(record_id)
        )
    };
    let first_record = |page: callside_salesforce::QueryResult| -> Result<Value> {
        page.records.into_iter().next().ok_or_else(|| {
            invalid(Text::NoSuchRecord {
                id: record_id.to_string(),
            })
        })
    };
    match record_id.get(..3) {
        Some("001") => Ok(Some(Anchor::Account(record_id.to_string()))),
        Some("003") => {
            let account = match cached("Id") {
                Some(_) => cached("AccountId"),
                None => {
                    let record =
                        first_record(client.query(&fetch(&["AccountId"], "Contact")).await?)?;
                    record
                        .get("AccountId")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                }
            };
            Ok(account.map(Anchor::Account))
        }
        Some("00Q") => {
            let (company, website, email) = match cached("Id") {
                Some(_) => (cached("Company"), cached("Website"), cached("Email")),
                None => {
                    let record = first_record(
                        client
                            .query(&fetch(&["Company", "Website", "Email"], "Lead"))
                            .await?,
                    )?;
                    let field =
                        |name: &str| record.get(name).and_then(Value::as_str).map(str::to_string);
                    (field("Company"), field("Website"), field("Email"))
                }
            };
            let Some(name) = company
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
            else {
                return Ok(None);
            };
            let domain = website
                .as_deref()
                .and_then(domain_of)
                .or_else(|| email.as_deref().and_then(domain_of));
            Ok(Some(Anchor::Company { name, domain }))
        }
        _ => Err(invalid(Text::NotAPersonOrAccountId {
            input: quoted(record_id),
        })),
    }
}

/// The hierarchy of the account behind a record; none when there is no account.
pub async fn hierarchy_for(
    client: &SalesforceClient,
    store: &Store,
    record_id: &str,
) -> Result<Option<crate::model::AccountHierarchy>> {
    match anchor_for(client, store, record_id).await? {
        Some(anchor) => account::hierarchy(client, &anchor).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kind(input: &str) -> TermKind {
        classify(input, "US").unwrap().kind
    }

    #[test]
    fn terms_are_told_apart() {
        for phone in [
            "(720) 555-0111",
            "+49 89 1234567",
            "tel:+1-720-555-0111",
            "720 555 0111 ext. 12",
            "720-555-0111 x12",
            "tel:+1-720-555-0111;ext=12",
        ] {
            assert_eq!(kind(phone), TermKind::Phone, "{phone}");
        }
        assert_eq!(classify("720.555.0111", "US").unwrap().text, "+17205550111");
        assert_eq!(
            kind("Dana.Whitfield@SummitOutdoor.example"),
            TermKind::Email
        );
        assert_eq!(
            classify("mailto:Dana@Summit.example", "US").unwrap().text,
            "dana@summit.example"
        );
        for domain in [
            "summitoutdoor.example",
            "www.SummitOutdoor.example",
            "https://summitoutdoor.example/about",
            "@summitoutdoor.example",
        ] {
            let term = classify(domain, "US").unwrap();
            assert_eq!(
                (term.kind, term.text.as_str()),
                (TermKind::Domain, "summitoutdoor.example"),
                "{domain}"
            );
        }
        for name in [
            "Dana Whitfield",
            "O'Connor",
            "Jürgen Müller",
            "佐藤",
            "Harbour & Sons",
            "3M",
            "1&1",
            "Whit*",
        ] {
            assert_eq!(kind(name), TermKind::Name, "{name}");
        }
    }

    #[test]
    fn unsearchable_terms_are_refused_with_a_reason() {
        let message = |input: &str| classify(input, "US").unwrap_err().to_string();
        assert!(message("  ").contains("Type a phone number"));
        assert!(message("12").contains("not a phone number"));
        assert!(message("dana@").contains("not a complete email address"));
        assert!(message("dana@summit").contains("not a complete email address"));
        for reserved in ["?&|!{}[]()^~*:\\\"'+-", "&", "* *", "} {*"] {
            assert!(
                message(reserved).contains("no letters or digits"),
                "{reserved}: {}",
                message(reserved)
            );
        }
        assert!(message("J").contains("at least two letters"));
        assert!(message("J*").contains("at least two letters"));
        assert!(message("Dana W*").contains("before the *"));
        // An operator is a word like any other; the `*` belonged to the brace.
        let operator = classify("} OR {*", "US").unwrap();
        assert_eq!((operator.kind, operator.prefix), (TermKind::Name, false));
        assert!(sosl(&operator).starts_with(r#"FIND {"OR"} IN NAME FIELDS"#));
        assert!(message(&"x".repeat(201)).contains("at most 200"));
    }

    #[test]
    fn every_word_is_escaped_and_only_a_final_star_is_a_wildcard() {
        let name = classify("  O'Connor   AND  Sm*th ", "US").unwrap();
        assert_eq!(name.text, "O'Connor AND Sm*th");
        let sosl = sosl(&name);
        assert!(
            sosl.starts_with(
                r#"FIND {"O\'Connor" "AND" "Sm\*th"} IN NAME FIELDS RETURNING Contact("#
            ),
            "{sosl}"
        );
        let prefix = classify("Dana Whit*", "US").unwrap();
        assert_eq!(prefix.text, "Dana Whit*");
        assert!(sosl_of("Dana Whit*").starts_with(r#"FIND {"Dana" Whit*} IN NAME FIELDS"#));
        assert!(sosl_of("Harbour & Sons").starts_with(r#"FIND {"Harbour" "Sons"} IN NAME FIELDS"#));
        let email = sosl_of("dana@summit.example");
        assert!(
            email.starts_with(r#"FIND {"dana@summit.example"} IN EMAIL FIELDS RETURNING Contact("#),
            "{email}"
        );
        assert!(!email.contains("Account("), "accounts have no email field");
        assert!(sosl_of("summit.example")
            .starts_with(r#"FIND {"summit.example"} IN ALL FIELDS RETURNING"#));
        assert_eq!(prefix.key(), "name:dana whit*");
        assert_eq!(
            classify("(720) 555-0111", "US").unwrap().key(),
            "+17205550111"
        );
    }

    fn sosl_of(input: &str) -> String {
        sosl(&classify(input, "US").unwrap())
    }

    #[test]
    fn names_rank_by_how_well_they_match() {
        let records = vec![
            json!({"attributes": {"type": "Lead"}, "Id": "00Q1", "Name": "Marco Rossi", "Company": "Rossi Imports"}),
            json!({"attributes": {"type": "Account"}, "Id": "0011", "Name": "Rossi Family Wines"}),
            json!({"attributes": {"type": "Contact"}, "Id": "0031", "Name": "Elena Rossi", "Account": {"Name": "Rossi Family Wines"}}),
            json!({"attributes": {"type": "Contact"}, "Id": "0032", "Name": "Una Other", "Account": {"Name": "Rossi Family Wines"}}),
        ];
        let order = lookup::DEFAULT_ORDER;
        let ids = |term: &str, picked: Option<&str>| -> Vec<String> {
            ranked(&records, &classify(term, "US").unwrap(), picked, order)
                .into_iter()
                .map(|c| c.caller.id)
                .collect()
        };
        assert_eq!(
            ids("Rossi Family Wines", None),
            ["0011", "0031", "0032", "00Q1"]
        );
        assert_eq!(ids("rossi", None), ["0031", "00Q1", "0011", "0032"]);
        assert_eq!(ids("Elena Rossi", None)[0], "0031");
        assert_eq!(ids("Ross*", None)[..2], ["0031", "00Q1"]);
        assert_eq!(
            ids("rossi", Some("0032"))[0],
            "0032",
            "a remembered pick comes first"
        );
    }

    #[test]
    fn emails_and_domains_keep_only_what_really_matches() {
        let records = vec![
            json!({"attributes": {"type": "Contact"}, "Id": "0031", "Name": "Dana", "Email": "Dana@Summit.example"}),
            json!({"attributes": {"type": "Contact"}, "Id": "0032", "Name": "Other", "Email": "dana@summit.example.org"}),
            json!({"attributes": {"type": "Lead"}, "Id": "00Q1", "Name": "Lena", "Company": "Trail", "Email": "lena@gmail.example", "Website": "https://shop.summit.example"}),
            json!({"attributes": {"type": "Account"}, "Id": "0011", "Name": "Summit", "Website": "www.summit.example"}),
            json!({"attributes": {"type": "Account"}, "Id": "0012", "Name": "Mentions summit.example in its name", "Website": "elsewhere.example"}),
        ];
        let ids = |term: &str| -> Vec<String> {
            ranked(
                &records,
                &classify(term, "US").unwrap(),
                None,
                lookup::DEFAULT_ORDER,
            )
            .into_iter()
            .map(|c| c.caller.id)
            .collect()
        };
        assert_eq!(ids("dana@summit.example"), ["0031"]);
        assert_eq!(
            ids("summit.example"),
            ["0011", "0031", "00Q1"],
            "the account first"
        );
    }
}
