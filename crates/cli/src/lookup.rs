//! `callside lookup`: what a search found, as text for people.

use callside_core::{AccountFacts, CallerMatch, LookupSource, SearchResult, TermKind};

/// What the term was taken for, in words.
pub fn kind_words(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Phone => "phone number",
        TermKind::Email => "email address",
        TermKind::Domain => "domain",
        TermKind::Name => "name",
    }
}

/// The search's answer: what the term was taken for, then each match (the best marked
/// `*`) with its company's facts and, for the best, its open business.
pub fn print_search(result: &SearchResult) {
    let source = match result.source {
        LookupSource::Salesforce => "Salesforce",
        LookupSource::Cache => "the local cache (Salesforce unreachable)",
    };
    let kind = kind_words(result.kind);
    if result.matches.is_empty() {
        match result.kind {
            TermKind::Phone => println!("{}: no Salesforce record has this number.", result.term),
            _ => println!("{} ({kind}): no Salesforce record matches it.", result.term),
        }
        return;
    }
    println!(
        "{} ({kind}) — {} match(es) from {source}",
        result.term,
        result.matches.len()
    );
    for (index, caller) in result.matches.iter().enumerate() {
        println!(
            "{}{}",
            if index == 0 { "* " } else { "  " },
            match_line(caller)
        );
        if let Some(account) = &caller.account {
            println!("    {}", account_line(caller, account));
            for custom in &account.custom {
                println!("    {}: {}", custom.label, custom.value);
            }
        }
        for opportunity in &caller.opportunities {
            println!(
                "    Opportunity {} {} · {} · {} · closes {}",
                opportunity.id,
                opportunity.name,
                opportunity.stage,
                opportunity
                    .amount
                    .map(|a| format!("{a:.2}"))
                    .unwrap_or_else(|| "-".into()),
                opportunity.close_date.as_deref().unwrap_or("-")
            );
        }
        for case in &caller.cases {
            println!(
                "    Case {} {} · {} · {}",
                case.case_number,
                case.subject.as_deref().unwrap_or("-"),
                case.status.as_deref().unwrap_or("-"),
                case.priority.as_deref().unwrap_or("-")
            );
        }
    }
}

fn match_line(caller: &CallerMatch) -> String {
    let name = if caller.name_withheld {
        "(name not kept on this device)"
    } else {
        &caller.name
    };
    let mut line = format!("{:?} {} {name}", caller.record_type, caller.id);
    for part in [
        &caller.company,
        &caller.phone,
        &caller.email,
        &caller.status,
        &caller.rating,
    ]
    .into_iter()
    .flatten()
    {
        line.push_str(&format!(" · {part}"));
    }
    line
}

/// `Account Summit Outdoor Supply · Retail · Customer - Direct · 85 employees · ...`;
/// `Company ...` for a lead's.
fn account_line(caller: &CallerMatch, account: &AccountFacts) -> String {
    let mut parts = vec![format!(
        "{} {}",
        if account.id.is_some() {
            "Account"
        } else {
            "Company"
        },
        account.name
    )];
    parts.extend(account.industry.clone());
    parts.extend(account.account_type.clone());
    if let Some(employees) = account.employees {
        parts.push(format!("{employees} employees"));
    }
    if let Some(revenue) = account.annual_revenue {
        parts.push(format!("annual revenue {revenue:.0}"));
    }
    if let Some(address) = &account.address {
        let place: Vec<&str> = [
            &address.street,
            &address.city,
            &address.state,
            &address.postal_code,
            &address.country,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        parts.push(place.join(", "));
    }
    parts.extend(account.website.clone());
    if caller.phone.as_ref() != account.phone.as_ref() {
        parts.extend(account.phone.clone());
    }
    if let Some(parent) = &account.parent_name {
        parts.push(format!("part of {parent}"));
    }
    if let Some(owner) = &account.owner {
        parts.push(format!("owner {owner}"));
    }
    parts.join(" · ")
}
