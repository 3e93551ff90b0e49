//! Crash test: `callside` is killed with SIGKILL at random points while it sends a batch
//! of queued actions; after restarts every action is in the org exactly once.

use std::time::Duration;

use serde_json::Value;

mod support;
use support::Cli;

const ACTIONS: usize = 200;
const KILLS: usize = 50;

/// A small deterministic generator for kill delays (no extra dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_at_random_points_every_action_still_lands_exactly_once() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    let people: Vec<String> = cli
        .org
        .records("Contact")
        .into_iter()
        .chain(
            cli.org
                .records("Lead")
                .into_iter()
                .filter(|l| l["IsConverted"] == false),
        )
        .filter_map(|r| r["Id"].as_str().map(str::to_string))
        .collect();

    // Queue the batch without sending it.
    for i in 0..ACTIONS {
        let who = &people[i % people.len()];
        let notes = format!("crash batch #{i}");
        let queued = cli
            .run(&[
                "log-call",
                "--who",
                who,
                "--duration",
                "7",
                "--notes",
                &notes,
                "--no-wait",
            ])
            .await;
        assert_eq!(
            queued.status.code(),
            Some(75),
            "queued, not sent: {}",
            String::from_utf8_lossy(&queued.stderr)
        );
    }

    // Send it, killing the sender at random points.
    // Queued actions go out up to 25 in one composite request, so each request is made
    // slow enough for the kills to land while a batch is on its way.
    cli.org.set_latency(Duration::from_millis(60));
    let mut random = Lcg(0x5eed);
    let mut kills = 0;
    for _ in 0..KILLS {
        let mut child = cli.command(&["outbox", "retry"]).spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(30 + random.next(250))).await;
        if child.try_wait().unwrap().is_none() {
            child.start_kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().await.unwrap();
    }
    // Restarts until everything is sent.
    let mut finished = false;
    for _ in 0..10 {
        let retry = cli.run(&["outbox", "retry"]).await;
        if retry.status.success() {
            finished = true;
            break;
        }
    }
    assert!(finished, "the outbox drained after the kills");

    let listed = cli
        .run(&["outbox", "list", "--json", "--limit", "1000"])
        .await;
    let outbox: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    let tasks = cli.org.records("Task");
    let mut duplicates = 0;
    let mut lost = 0;
    for action in outbox.iter().filter(|a| a["kind"] == "log_call") {
        assert_eq!(action["status"], "sent", "{action}");
        let key = format!("callside:{}", action["actionId"].as_str().unwrap());
        match tasks
            .iter()
            .filter(|t| t["CallObject"] == key.as_str())
            .count()
        {
            0 => lost += 1,
            1 => {}
            n => duplicates += n - 1,
        }
    }
    let batch_tasks = tasks
        .iter()
        .filter(|t| {
            t["Description"]
                .as_str()
                .is_some_and(|d| d.starts_with("crash batch #"))
        })
        .count();
    // Sends cut short after the attempt was recorded are checked by key on restart.
    let key_checks = cli
        .org
        .request_log()
        .iter()
        .filter(|r| {
            r.path.ends_with("/query")
                && r.query
                    .as_deref()
                    .unwrap_or_default()
                    .contains("CallObject")
        })
        .count();
    println!(
        "crash test: {ACTIONS} actions, {kills} kills (SIGKILL), {key_checks} resumed sends checked by key, {batch_tasks} tasks in the org, duplicates {duplicates}, lost {lost}"
    );
    assert!(key_checks >= 1, "some kills landed in the middle of a send");
    assert!(
        kills >= KILLS * 3 / 4,
        "most runs were killed mid-send: {kills}"
    );
    assert_eq!(
        outbox.iter().filter(|a| a["kind"] == "log_call").count(),
        ACTIONS
    );
    assert_eq!((duplicates, lost, batch_tasks), (0, 0, ACTIONS));
}
