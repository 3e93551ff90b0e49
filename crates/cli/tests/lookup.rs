//! `callside lookup` with whatever the rep has: a number, an email address, a name, a
//! company or a domain; against the demo org over real HTTP, tokens in the real keychain.

use std::process::Output;

use serde_json::Value;

mod support;
use support::Cli;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn json(cli: &Cli, term: &str) -> Value {
    let output = cli.run(&["lookup", term, "--json"]).await;
    assert!(output.status.success(), "{term}: {}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn names(result: &Value) -> Vec<String> {
    result["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}:{}",
                m["type"].as_str().unwrap(),
                m["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn lookup_takes_any_term_and_says_what_it_understood() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));

    let phone = json(&cli, "720.555.0111").await;
    assert_eq!(phone["kind"], "phone");
    assert_eq!(phone["number"], "+17205550111");
    assert_eq!(phone["term"], "+17205550111");

    let email = json(&cli, "Aisha.Bello@SummitOutdoor.example").await;
    assert_eq!(email["kind"], "email");
    assert_eq!(email["term"], "aisha.bello@summitoutdoor.example");
    assert!(email["number"].is_null());
    assert_eq!(names(&email), ["Contact:Aisha Bello"]);
    let account = &email["matches"][0]["account"];
    assert_eq!(account["name"], "Summit Outdoor Supply");
    assert_eq!(account["industry"], "Retail");
    assert_eq!(account["parentName"], "Summit Holdings Inc.");

    let domain = json(&cli, "www.summittrail.example").await;
    assert_eq!(domain["kind"], "domain");
    assert_eq!(names(&domain)[0], "Account:Summit Trail Rentals");

    let name = json(&cli, "Siobhan O'Connor").await;
    assert_eq!(name["kind"], "name");
    assert_eq!(names(&name), ["Lead:Siobhan O'Connor"]);
    assert_eq!(name["matches"][0]["account"]["name"], "Harbour & Sons");
    assert_eq!(names(&json(&cli, "美咲 佐藤").await), ["Lead:美咲 佐藤"]);

    let human = cli.run(&["lookup", "Summit Outdoor Supply"]).await;
    let printed = stdout(&human);
    assert!(
        printed.starts_with("Summit Outdoor Supply (name) — 3 match(es) from Salesforce"),
        "{printed}"
    );
    assert!(printed.contains("* Account "), "{printed}");
    assert!(
        printed.contains("Retail · Customer - Direct · 85 employees"),
        "{printed}"
    );
    assert!(
        printed.contains("part of Summit Holdings Inc."),
        "{printed}"
    );

    let none = cli.run(&["lookup", "nobody@nowhere.example"]).await;
    assert!(none.status.success());
    assert_eq!(
        stdout(&none).trim(),
        "nobody@nowhere.example (email address): no Salesforce record matches it."
    );

    let searches = cli.org.api_request_count();
    for (term, message) in [
        ("{}[]()^~*", "no letters or digits"),
        ("x", "at least two letters"),
    ] {
        let refused = cli.run(&["lookup", term]).await;
        assert_eq!(refused.status.code(), Some(1), "{term}");
        let said = stderr(&refused);
        assert_eq!(said.lines().count(), 1, "{said}");
        assert!(said.contains(message), "{term}: {said}");
    }
    assert_eq!(
        cli.org.api_request_count(),
        searches,
        "refused before any request"
    );
}
