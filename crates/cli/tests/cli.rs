//! The `callside` binary, as a script or a support engineer runs it: against the demo
//! org over real HTTP, with tokens in the real OS keychain (the Secret Service).

use std::process::Output;

use serde_json::Value;

mod support;
use support::{free_port, Cli};

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn login_lookup_log_call_and_logout_from_the_command_line() {
    let cli = Cli::new().await;

    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "login failed: {}", stderr(&login));
    let printed = stdout(&login);
    assert!(
        printed.contains("Signed in as Riley Demo") && printed.contains(&cli.org.base_url()),
        "{printed}"
    );

    // A new process: the session comes back from the keychain.
    let lookup = cli.run(&["lookup", "720.555.0111", "--json"]).await;
    assert!(
        lookup.status.success(),
        "lookup failed: {}",
        stderr(&lookup)
    );
    let result: Value = serde_json::from_str(&stdout(&lookup)).unwrap();
    assert_eq!(result["number"], "+17205550111");
    assert_eq!(result["source"], "salesforce");
    let dana = &result["matches"][0];
    assert_eq!(dana["type"], "Contact");
    assert_eq!(dana["name"], "Dana Whitfield");
    assert!(dana["id"].as_str().unwrap().starts_with("003"));
    assert_eq!(dana["opportunities"].as_array().unwrap().len(), 2);
    assert_eq!(dana["cases"][0]["subject"], "Damaged shipment");

    let human = cli.run(&["lookup", "(720) 555-0111"]).await;
    assert!(
        stdout(&human).contains("Dana Whitfield"),
        "{}",
        stdout(&human)
    );

    let who = dana["id"].as_str().unwrap();
    let what = dana["accountId"].as_str().unwrap();
    let log = cli
        .run(&[
            "log-call",
            "--who",
            who,
            "--what",
            what,
            "--duration",
            "42",
            "--direction",
            "outbound",
            "--notes",
            "Quote for 40 tents",
        ])
        .await;
    assert!(log.status.success(), "log-call failed: {}", stderr(&log));
    let task_id = stdout(&log).trim().to_string();
    assert!(
        task_id.starts_with("00T"),
        "prints the Task id, got {task_id:?}"
    );
    let task = cli
        .org
        .records("Task")
        .into_iter()
        .find(|t| t["Id"] == task_id.as_str())
        .expect("the Task is in the org");
    assert_eq!(task["CallDurationInSeconds"], 42);
    assert_eq!(task["CallType"], "Outbound");
    assert_eq!(task["WhoId"], who);
    assert_eq!(task["WhatId"], what);
    assert_eq!(task["Description"], "Quote for 40 tents");

    let logout = cli.run(&["logout"]).await;
    assert!(logout.status.success(), "{}", stderr(&logout));
    let after = cli.run(&["lookup", "720.555.0111"]).await;
    assert!(!after.status.success());
    assert!(
        stderr(&after).contains("Not signed in"),
        "{}",
        stderr(&after)
    );
    assert!(
        cli.org
            .request_log()
            .iter()
            .any(|r| r.path == "/services/oauth2/revoke"),
        "logout revokes the token"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_one_clear_line_and_a_non_zero_exit() {
    let cli = Cli::new().await;
    let not_signed_in = cli.run(&["lookup", "7205550111"]).await;
    assert_eq!(not_signed_in.status.code(), Some(1));
    let message = stderr(&not_signed_in);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.starts_with("callside: Not signed in"), "{message}");

    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    let garbage = cli.run(&["lookup", "12"]).await;
    assert_eq!(garbage.status.code(), Some(1));
    assert!(
        stderr(&garbage).contains("is not a phone number"),
        "{}",
        stderr(&garbage)
    );

    let too_long = "x".repeat(32_001);
    let long_notes = cli
        .run(&[
            "log-call",
            "--who",
            "003000000000001AAA",
            "--notes",
            &too_long,
        ])
        .await;
    assert_eq!(long_notes.status.code(), Some(1));
    assert!(
        stderr(&long_notes).contains("32000"),
        "{}",
        stderr(&long_notes)
    );

    let bad_port = tokio::process::Command::new(env!("CARGO_BIN_EXE_callside"))
        .args(["whoami"])
        .env("CALLSIDE_CALLBACK_PORT", "not-a-port")
        .output()
        .await
        .unwrap();
    assert_eq!(bad_port.status.code(), Some(1));
    assert!(
        stderr(&bad_port).contains("CALLSIDE_CALLBACK_PORT"),
        "{}",
        stderr(&bad_port)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn flags_win_over_the_environment() {
    let cli = Cli::new().await;
    let other_port = free_port().to_string();
    let login = cli.run(&["login", "--callback-port", &other_port]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    let authorize = cli
        .org
        .request_log()
        .into_iter()
        .find(|r| r.path == "/services/oauth2/authorize")
        .unwrap();
    let query = authorize.query.unwrap_or_default();
    assert!(
        query.contains(&format!("localhost%3A{other_port}%2Fcallback")),
        "the redirect uses the flag's port: {query}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn several_saved_orgs_switch_without_a_new_sign_in() {
    let first = Cli::new().await;
    let second = callside_fake_org::FakeOrg::start(0).await.unwrap();
    let searches = |org: &callside_fake_org::FakeOrg| {
        org.request_log()
            .iter()
            .filter(|r| r.path.ends_with("/search"))
            .count()
    };

    let login = first.run(&["login", "--alias", "acme-prod"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    let second_url = second.base_url();
    let login = first
        .run(&[
            "login",
            "--alias",
            "acme-sandbox",
            "--login-url",
            &second_url,
        ])
        .await;
    assert!(login.status.success(), "{}", stderr(&login));

    let orgs = first.run(&["orgs", "--json"]).await;
    let orgs: Value = serde_json::from_slice(&orgs.stdout).unwrap();
    let aliases: Vec<(&str, bool, bool)> = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["alias"].as_str().unwrap(),
                o["active"].as_bool().unwrap(),
                o["signedIn"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        aliases,
        vec![("acme-prod", false, true), ("acme-sandbox", true, true)]
    );

    // The active org answers; the environment's login URL no longer decides.
    first.run(&["lookup", "720.555.0111"]).await;
    assert_eq!((searches(&first.org), searches(&second)), (0, 1));
    let switched = first.run(&["use", "acme-prod"]).await;
    assert!(switched.status.success(), "{}", stderr(&switched));
    let lookup = first.run(&["lookup", "720.555.0111"]).await;
    assert!(
        lookup.status.success(),
        "no new sign-in needed: {}",
        stderr(&lookup)
    );
    assert_eq!((searches(&first.org), searches(&second)), (1, 1));
    let authorizations = first
        .org
        .request_log()
        .iter()
        .filter(|r| r.path == "/services/oauth2/authorize")
        .count();
    assert_eq!(authorizations, 1, "only the first sign-in");

    let logout = first.run(&["logout", "acme-sandbox"]).await;
    assert!(logout.status.success(), "{}", stderr(&logout));
    let orgs = first.run(&["orgs"]).await;
    let listing = stdout(&orgs);
    assert!(listing.contains("* acme-prod"), "{listing}");
    assert!(
        listing
            .lines()
            .any(|l| l.contains("acme-sandbox") && l.contains("signed out")),
        "{listing}"
    );
    let unknown = first.run(&["use", "nope"]).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("No saved org \"nope\""),
        "{}",
        stderr(&unknown)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn call_outcomes_opportunities_demos_and_lead_qualification_from_the_command_line() {
    let cli = Cli::new().await;
    // An admin maps the next action to its own field.
    std::fs::write(
        cli.data_dir.path().join("none.toml"),
        "[field_mapping]\nnext_action = \"Title\"\n",
    )
    .unwrap();
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    assert!(!stderr(&login).contains("Note:"), "{}", stderr(&login));
    let id_of = |sobject: &str, field: &str, value: &str| -> String {
        cli.org
            .records(sobject)
            .into_iter()
            .find(|r| r[field] == value)
            .unwrap()["Id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let account = id_of("Account", "Name", "Summit Outdoor Supply");
    let dana = id_of("Contact", "Name", "Dana Whitfield");
    let priya = id_of("Lead", "Name", "Priya Raman");

    let outcomes = cli.run(&["outcomes", "--json"]).await;
    let outcomes: Value = serde_json::from_slice(&outcomes.stdout).unwrap();
    assert_eq!(outcomes[7]["outcome"], "Deal Closed");
    assert_eq!(outcomes[7]["stage"], "Closed Won");

    let created = cli
        .run(&[
            "create-opportunity",
            "--account",
            &account,
            "--name",
            "Tents for spring",
            "--close-date",
            "2026-12-15",
            "--amount",
            "9000",
            "--contact",
            &dana,
            "--json",
        ])
        .await;
    assert!(created.status.success(), "{}", stderr(&created));
    let created: Value = serde_json::from_slice(&created.stdout).unwrap();
    assert_eq!(created["status"], "sent");
    let opportunity = created["recordId"].as_str().unwrap().to_string();
    assert_eq!(
        id_of("Opportunity", "Name", "Tents for spring"),
        opportunity
    );

    let moved = cli.run(&["outcome", &opportunity, "Demo Scheduled"]).await;
    assert!(moved.status.success(), "{}", stderr(&moved));
    assert_eq!(stdout(&moved).trim(), opportunity);
    let stage = |id: &str| {
        cli.org
            .records("Opportunity")
            .into_iter()
            .find(|o| o["Id"] == id)
            .unwrap()["StageName"]
            .clone()
    };
    assert_eq!(stage(&opportunity), "Value Proposition");
    let unconfirmed = cli.run(&["outcome", &opportunity, "Deal Closed"]).await;
    assert_eq!(unconfirmed.status.code(), Some(1));
    assert!(
        stderr(&unconfirmed).contains("confirm"),
        "{}",
        stderr(&unconfirmed)
    );
    let unknown = cli.run(&["outcome", &opportunity, "Nice chat"]).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("Contract Sent"),
        "lists the known outcomes: {}",
        stderr(&unknown)
    );

    let queued = cli
        .run(&[
            "schedule-demo",
            "--who",
            &dana,
            "--what",
            &opportunity,
            "--start",
            "2026-12-01T15:00:00Z",
            "--no-wait",
        ])
        .await;
    assert_eq!(queued.status.code(), Some(75), "{}", stderr(&queued));
    let retried = cli.run(&["outbox", "retry"]).await;
    assert!(retried.status.success(), "{}", stderr(&retried));
    let demo = cli
        .org
        .records("Event")
        .into_iter()
        .find(|e| e["WhatId"] == opportunity.as_str())
        .expect("the demo Event");
    assert_eq!(demo["Subject"], "Demo Scheduled");
    assert_eq!(demo["DurationInMinutes"], 30);

    let qualified = cli
        .run(&[
            "qualify",
            &priya,
            "--notes",
            "Needs 200 seats",
            "--next-action",
            "Call back Monday",
        ])
        .await;
    assert!(qualified.status.success(), "{}", stderr(&qualified));
    let lead = cli
        .org
        .records("Lead")
        .into_iter()
        .find(|l| l["Id"] == priya.as_str())
        .unwrap();
    assert_eq!(lead["Description"], "Needs 200 seats");
    assert_eq!(lead["Title"], "Call back Monday");

    let user = cli.org.records("User")[0]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let assigned = cli.run(&["assign", &priya, &user]).await;
    assert!(assigned.status.success(), "{}", stderr(&assigned));
    let bad = cli.run(&["assign", &priya, "not-a-user"]).await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("not a User id"), "{}", stderr(&bad));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mapped_field_the_org_lacks_is_named_at_sign_in_and_on_qualify() {
    let cli = Cli::new().await;
    std::fs::write(
        cli.data_dir.path().join("none.toml"),
        "[field_mapping]\nnext_action = \"Next_Steps__c\"\n",
    )
    .unwrap();
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    assert!(
        stderr(&login).contains("Next_Steps__c"),
        "{}",
        stderr(&login)
    );
    let priya = cli
        .org
        .records("Lead")
        .into_iter()
        .find(|l| l["Name"] == "Priya Raman")
        .unwrap()["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let qualify = cli
        .run(&["qualify", &priya, "--next-action", "Call back"])
        .await;
    assert_eq!(qualify.status.code(), Some(1));
    let message = stderr(&qualify);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("Next_Steps__c"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrap_up_a_conflict_and_assignment_rules_from_the_command_line() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    let record = |sobject: &str, field: &str, value: &str| -> Value {
        cli.org
            .records(sobject)
            .into_iter()
            .find(|r| r[field] == value)
            .unwrap()
    };
    let dana = record("Contact", "Name", "Dana Whitfield")["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let opportunity = cli
        .org
        .records("Opportunity")
        .into_iter()
        .find(|o| o["StageName"] == "Prospecting" || o["StageName"] == "Qualification")
        .unwrap()["Id"]
        .as_str()
        .unwrap()
        .to_string();

    // Log, follow-up and stage change in one composite request.
    let composites = || {
        cli.org
            .request_log()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/composite"))
            .count()
    };
    let before = composites();
    let wrap_up = cli
        .run(&[
            "log-call",
            "--who",
            &dana,
            "--what",
            &opportunity,
            "--subject",
            "Wrap-up call",
            "--next-steps",
            "Send the price list",
            "--follow-up",
            "2026-12-04",
            "--outcome",
            "Demo Scheduled",
        ])
        .await;
    assert!(wrap_up.status.success(), "{}", stderr(&wrap_up));
    assert_eq!(stdout(&wrap_up).lines().count(), 3, "{}", stdout(&wrap_up));
    assert_eq!(composites() - before, 1);
    assert_eq!(
        record("Opportunity", "Id", &opportunity)["StageName"],
        "Value Proposition"
    );
    let task = record("Task", "Subject", "Wrap-up call");
    assert!(task["Description"]
        .as_str()
        .unwrap()
        .contains("Next steps: Send the price list"));
    let no_opportunity = cli
        .run(&["log-call", "--who", &dana, "--outcome", "Demo Scheduled"])
        .await;
    assert_eq!(no_opportunity.status.code(), Some(1));
    assert!(stderr(&no_opportunity).contains("--what"));

    // A conflict: Salesforce's value is listed, and the rep overwrites it.
    let priya = record("Lead", "Name", "Priya Raman")["Id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(cli.run(&["lookup", "720-555-0133"]).await.status.success());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    cli.org
        .edit("Lead", &priya, serde_json::json!({"Rating": "Cold"}))
        .unwrap();
    let rated = cli.run(&["rate", &priya, "hot", "--json"]).await;
    assert_eq!(rated.status.code(), Some(1), "{}", stderr(&rated));
    let outcome: Value = serde_json::from_str(&stdout(&rated)).unwrap();
    assert_eq!(outcome["conflict"]["fields"][0]["theirs"], "Cold");
    let action = outcome["actionId"].as_str().unwrap().to_string();
    let listed = stdout(&cli.run(&["outbox", "list"]).await);
    assert!(
        listed.contains("Rating: yours \"Hot\", Salesforce has \"Cold\"")
            && listed.contains(&format!("callside outbox overwrite {action}")),
        "{listed}"
    );
    let overwrite = cli.run(&["outbox", "overwrite", &action]).await;
    assert!(overwrite.status.success(), "{}", stderr(&overwrite));
    assert_eq!(record("Lead", "Id", &priya)["Rating"], "Hot");

    // A new lead goes through the assignment rules only when asked.
    let routed = cli
        .run(&[
            "create-lead",
            "--phone",
            "(415) 555-0190",
            "--last-name",
            "Routed",
            "--company",
            "Acme",
            "--assignment-rules",
        ])
        .await;
    assert!(routed.status.success(), "{}", stderr(&routed));
    let desk = record("User", "LastName", "Desk")["Id"].clone();
    assert_eq!(record("Lead", "LastName", "Routed")["OwnerId"], desk);
}
