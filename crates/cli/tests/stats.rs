//! `callside stats` and `callside audit` against the demo org over real HTTP, with tokens
//! in the real OS keychain.

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

#[tokio::test(flavor = "multi_thread")]
async fn stats_count_the_calls_logged_and_the_audit_trail_verifies_and_exports() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "login failed: {}", stderr(&login));

    // Before any call: zero, and a clear refusal of a bad date.
    let empty: Value = serde_json::from_str(&stdout(&cli.run(&["stats", "--json"]).await)).unwrap();
    assert_eq!(empty["calls"], 0);
    let bad = cli.run(&["stats", "--since", "last tuesday"]).await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("--since is \"last tuesday\""),
        "{}",
        stderr(&bad)
    );

    let lookup: Value = serde_json::from_str(&stdout(
        &cli.run(&["lookup", "720-555-0133", "--json"]).await,
    ))
    .unwrap();
    let priya = lookup["matches"][0]["id"].as_str().unwrap().to_string();
    for (seconds, direction, disposition) in [
        ("95", "outbound", "Interested"),
        ("30", "inbound", "Left voicemail"),
        ("125", "inbound", "Interested"),
    ] {
        let logged = cli
            .run(&[
                "log-call",
                "--who",
                &priya,
                "--duration",
                seconds,
                "--direction",
                direction,
                "--disposition",
                disposition,
            ])
            .await;
        assert!(logged.status.success(), "{}", stderr(&logged));
    }

    let stats = cli.run(&["stats", "--json"]).await;
    assert!(stats.status.success(), "{}", stderr(&stats));
    let stats: Value = serde_json::from_str(&stdout(&stats)).unwrap();
    assert_eq!(stats["calls"], 3, "{stats:#}");
    assert_eq!(
        (stats["inbound"].as_u64(), stats["outbound"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(stats["logged"], 3);
    assert_eq!(stats["averageDurationSeconds"], 250.0 / 3.0);
    assert_eq!(stats["medianDurationSeconds"], 95.0);
    assert_eq!(stats["dispositions"][0]["disposition"], "Interested");
    assert_eq!(stats["dispositions"][0]["calls"], 2);
    assert_eq!(stats["dispositions"][1]["calls"], 1);

    let text = stdout(&cli.run(&["stats"]).await);
    assert!(
        text.contains("3 (2 inbound, 1 outbound, 3 logged)"),
        "{text}"
    );
    assert!(text.contains("median 1:35"), "{text}");

    let csv = stdout(&cli.run(&["stats", "--csv"]).await);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(rows[0].starts_with("started_at,direction,number,record_id"));
    assert!(
        rows.iter()
            .any(|r| r.contains(",outbound,,") && r.contains(",95,Interested,true")),
        "{csv}"
    );

    // API health: the requests of these commands (each its own process), per family.
    let api = cli.run(&["stats", "--api", "--json"]).await;
    assert!(api.status.success(), "{}", stderr(&api));
    let api: Value = serde_json::from_str(&stdout(&api)).unwrap();
    let families: Vec<&str> = api["lastHour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["family"].as_str().unwrap())
        .collect();
    assert!(families.contains(&"search"), "{api:#}");
    let search = api["lastDay"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family"] == "search")
        .unwrap();
    assert_eq!(search["requests"], 1);
    assert_eq!(search["errors"], 0);
    assert_eq!(api["usage"]["state"], "ok");
    assert_eq!(api["usage"]["warnPercent"], 80);
    let text = stdout(&cli.run(&["stats", "--api"]).await);
    assert!(text.starts_with("API usage: "), "{text}");
    assert!(text.contains("search"), "{text}");

    // The audit trail: the lookup and the three call logs, intact.
    let verified = cli.run(&["audit", "verify"]).await;
    assert!(verified.status.success(), "{}", stdout(&verified));
    assert!(
        stdout(&verified).contains("4 entries, the chain is intact"),
        "{}",
        stdout(&verified)
    );
    let export = stdout(&cli.run(&["audit", "export"]).await);
    let entries: Vec<Value> = export
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["action"], "lookup");
    assert_eq!(entries[1]["action"], "log_call");
    assert_eq!(entries[1]["outcome"], "sent");
    assert!(entries[1]["records"]
        .as_array()
        .unwrap()
        .contains(&Value::from(priya.clone())));
    assert_eq!(entries[1]["user"], entries[0]["user"]);

    // An export with an entry taken out fails verification, naming the gap.
    let file = cli.data_dir.path().join("trail.jsonl");
    let lines: Vec<&str> = export.lines().collect();
    std::fs::write(&file, format!("{}\n{}\n{}\n", lines[0], lines[2], lines[3])).unwrap();
    let tampered = cli.run(&["audit", "verify", file.to_str().unwrap()]).await;
    assert_eq!(tampered.status.code(), Some(1));
    assert!(
        stdout(&tampered).contains("entry 2 is missing"),
        "{}",
        stdout(&tampered)
    );

    // An entry edited in the trail itself.
    let trail = std::fs::read_dir(cli.data_dir.path().join("orgs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("audit.sqlite");
    let database = rusqlite::Connection::open(&trail).unwrap();
    database
        .execute(
            "UPDATE audit_entry SET entry_json = replace(entry_json, 'Left voicemail', 'Interested') WHERE seq = 3",
            [],
        )
        .unwrap();
    drop(database);
    let edited = cli.run(&["audit", "verify", "--json"]).await;
    assert_eq!(edited.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&edited)).unwrap();
    assert_eq!(report[0]["intact"], false);
    assert!(report[0]["problem"]
        .as_str()
        .unwrap()
        .contains("entry 3 was edited"));
}
