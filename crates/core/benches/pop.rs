//! Screen-pop benchmark: `cargo bench -p callside-core --bench pop`.
//!
//! Against the demo org with 150 ms added to every request, side by side in one run:
//! pop latency (cached; uncached first paint; uncached full panel), API requests per pop,
//! a cache lookup among 100,000 cached numbers, and the naive pop the original brief's
//! queries make (one SOQL query per object, one after another) as the baseline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use callside_core::salesforce::{MemoryStore, SalesforceClient, TokenStore};
use callside_core::store::{CachedRecord, Store};
use callside_core::{CallDirection, Callside, LookupResult, LookupSource};
use callside_fake_org::{FakeOrg, DEMO_CLIENT_ID};

const LATENCY: Duration = Duration::from_millis(150);
const ROUNDS: usize = 15;
/// Callers the benchmark pops, in the formats a softphone sends.
const NUMBERS: &[&str] = &[
    "+17205550111",
    "+17205550133",
    "+17205550100",
    "+13035550188",
];

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn report(name: &str, samples: &mut [Duration]) -> Duration {
    let p50 = percentile(samples, 0.5);
    let p95 = percentile(samples, 0.95);
    println!("{name:<44} p50 {:>12}   p95 {:>12}", ms(p50), ms(p95));
    p50
}

#[path = "../tests/support/mod.rs"]
mod support;
use support::{curl, settings};

#[tokio::main]
async fn main() {
    let org = FakeOrg::start(0).await.unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let settings = settings(&org, data_dir.path(), "US");
    let tokens = Arc::new(MemoryStore::default());
    let callside = Callside::open(settings.clone(), tokens.clone(), "memory".into()).unwrap();
    callside.sign_in_with(curl).await.unwrap();
    org.set_latency(LATENCY);
    println!(
        "Screen pop against the demo org with {} ms added per request, {ROUNDS} rounds each\n",
        LATENCY.as_millis()
    );

    // Uncached: the first paint (one search) and the full panel (plus related records).
    let mut first_paint = Vec::new();
    let mut full_panel = Vec::new();
    let mut uncached_requests = Vec::new();
    for round in 0..ROUNDS {
        callside.clear_cache().await.unwrap();
        let number = NUMBERS[round % 3]; // contacts and a lead: the related query where it applies
        let before = org.api_request_count();
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let started = Instant::now();
        let first = callside
            .pop(number, CallDirection::Inbound, move |_, update| {
                let _ = sender.send((Instant::now(), update));
            })
            .await
            .unwrap();
        first_paint.push(started.elapsed());
        assert_eq!(first.source, LookupSource::Salesforce);
        let full_at = match receiver.recv().await {
            Some((at, update)) => {
                update.unwrap();
                at
            }
            None => panic!("every pop with a match sends its related records"),
        };
        full_panel.push(full_at - started);
        uncached_requests.push(org.api_request_count() - before);
    }

    // Cached: a number seen before pops from SQLite; the refresh runs behind it.
    let mut cached = Vec::new();
    let mut cached_requests = Vec::new();
    for round in 0..ROUNDS {
        let number = NUMBERS[round % 3];
        callside.lookup(number).await.unwrap();
        let before = org.api_request_count();
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let started = Instant::now();
        let hit = callside
            .pop(number, CallDirection::Inbound, move |_, update| {
                let _ = sender.send(update);
            })
            .await
            .unwrap();
        cached.push(started.elapsed());
        assert_eq!(hit.source, LookupSource::Cache);
        receiver.recv().await.unwrap().unwrap();
        cached_requests.push(org.api_request_count() - before);
    }

    // The naive way: the brief's queries, one per object, one after another.
    let session = tokens.load(&settings.session_key()).unwrap().unwrap();
    let oauth = callside_core::salesforce::OAuthConfig {
        login_url: settings.login_url.clone(),
        client_id: DEMO_CLIENT_ID.into(),
        callback_port: settings.callback_port,
        timeout: Duration::from_secs(30),
    };
    let client = SalesforceClient::new(
        oauth,
        Arc::new(MemoryStore::default()),
        "naive".into(),
        session,
    )
    .unwrap();
    let mut naive = Vec::new();
    let mut naive_requests = Vec::new();
    for round in 0..ROUNDS {
        let phone = ["+1 720 555 0111", "720-555-0133", "(720) 555-0100"][round % 3];
        let literal = callside_core::salesforce::escape::soql_string(phone);
        let before = org.api_request_count();
        let started = Instant::now();
        client
            .query(&format!("SELECT Id, FirstName, LastName, Company, Email, Phone, Status, Rating, Industry FROM Lead WHERE Phone = {literal} OR MobilePhone = {literal}"))
            .await
            .unwrap();
        client
            .query(&format!("SELECT Id, Name, Email, Phone, (SELECT Id, Name, StageName, Amount, CloseDate FROM Opportunities), (SELECT Id, Subject, Status, Priority FROM Cases WHERE IsClosed = false), Account.Name, Account.Industry FROM Contact WHERE Phone = {literal}"))
            .await
            .unwrap();
        client
            .query(&format!(
                "SELECT Id, Name, Industry, Phone, Type FROM Account WHERE Phone = {literal}"
            ))
            .await
            .unwrap();
        naive.push(started.elapsed());
        naive_requests.push(org.api_request_count() - before);
    }
    org.set_latency(Duration::ZERO);

    // A cache lookup among 100,000 cached numbers.
    let big = tempfile::tempdir().unwrap();
    let store = Store::open(&big.path().join("big.sqlite")).unwrap();
    let fields = serde_json::json!({"Name": "Caller"});
    let results: Vec<(LookupResult, String)> = (0..100_000u64)
        .map(|i| {
            let number = format!("+1555{i:07}");
            (
                LookupResult {
                    number: number.clone(),
                    source: LookupSource::Salesforce,
                    fetched_at: "2026-11-25T10:00:00Z".into(),
                    matches: Vec::new(),
                    related_loaded: true,
                },
                format!("003{i:015}"),
            )
        })
        .collect();
    let records: Vec<Vec<CachedRecord<'_>>> = results
        .iter()
        .map(|(result, id)| {
            vec![CachedRecord {
                id,
                sobject: "Contact",
                name: "Caller",
                fields: &fields,
                phones: vec![result.number.clone()],
            }]
        })
        .collect();
    let batch: Vec<(&LookupResult, &[CachedRecord<'_>])> = results
        .iter()
        .zip(records.iter())
        .map(|((result, _), records)| (result, records.as_slice()))
        .collect();
    let now_ms = 1_800_000_000_000;
    store.save_lookups(&batch, now_ms).unwrap();
    assert_eq!(store.cached_record_count().unwrap(), 100_000);
    let mut lookups = Vec::new();
    for i in 0..1_000u64 {
        let number = format!("+1555{:07}", (i * 7919) % 100_000);
        let started = Instant::now();
        let hit = store
            .cached_lookup_within(&number, now_ms, i64::MAX / 2)
            .unwrap();
        lookups.push(started.elapsed());
        assert!(hit.is_some());
    }

    let cached_p50 = report("pop, cached (data ready)", &mut cached);
    report("pop, uncached, first paint", &mut first_paint);
    let full_p50 = report("pop, uncached, full panel", &mut full_panel);
    let naive_p50 = report("naive pop (3 sequential SOQL queries)", &mut naive);
    report("cache lookup among 100,000 numbers", &mut lookups);
    let average = |v: &[u64]| v.iter().sum::<u64>() as f64 / v.len() as f64;
    println!();
    println!("API requests per pop: uncached {:.2} (max {}), cached with refresh {:.2} (max {}), naive {:.2}",
        average(&uncached_requests), uncached_requests.iter().max().unwrap(),
        average(&cached_requests), cached_requests.iter().max().unwrap(),
        average(&naive_requests));
    println!(
        "Ratios (p50): naive / full panel = {:.2}x, naive / cached = {:.0}x",
        naive_p50.as_secs_f64() / full_p50.as_secs_f64(),
        naive_p50.as_secs_f64() / cached_p50.as_secs_f64()
    );
}
