//! The administrator's policy and `callside doctor`, as an admin or a support engineer
//! meets them: the `callside` binary against the demo org over real HTTP, with the real
//! OS keychain (the Secret Service) and real policy files named by `CALLSIDE_POLICY`.

use std::path::PathBuf;
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

/// Writes a policy file beside the data directory and returns its path.
fn write_policy(cli: &Cli, text: &str) -> PathBuf {
    let path = cli.data_dir.path().join("policy.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `callside ARGS` with `CALLSIDE_POLICY` naming `policy`.
async fn run_with_policy(cli: &Cli, policy: &PathBuf, args: &[&str]) -> Output {
    cli.command(args)
        .env("CALLSIDE_POLICY", policy)
        .output()
        .await
        .unwrap()
}

/// `callside doctor --json` (with `extra` arguments), parsed, and its exit code.
async fn doctor(cli: &Cli, policy: Option<&PathBuf>, extra: &[&str]) -> (Value, Option<i32>) {
    let mut args = vec!["doctor", "--json"];
    args.extend_from_slice(extra);
    let mut command = cli.command(&args);
    if let Some(policy) = policy {
        command.env("CALLSIDE_POLICY", policy);
    }
    let output = command.output().await.unwrap();
    let report: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("doctor --json printed no JSON ({e}): {}", stderr(&output)));
    (report, output.status.code())
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_passes_a_machine_that_is_set_up() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    let policy = write_policy(
        &cli,
        "[defaults]\nregion = \"US\"\ncache_max_records = 500\n",
    );

    let (report, code) = doctor(&cli, Some(&policy), &[]).await;
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["ok"], true);
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "policy",
            "settings",
            "keychain",
            "org",
            "callback_port",
            "signed_in",
            "api_usage",
            "api_health"
        ]
    );
    // The login and this doctor's own requests were recorded.
    assert!(
        check(&report, "api_health")["message"]
            .as_str()
            .unwrap()
            .starts_with("last hour: "),
        "{report:#}"
    );
    for check in report["checks"].as_array().unwrap() {
        assert_eq!(check["status"], "ok", "{check}");
        assert!(check["fix"].is_null(), "{check}");
    }
    assert!(
        check(&report, "policy")["message"]
            .as_str()
            .unwrap()
            .ends_with("applies: sets defaults for region, cache_max_records"),
        "{report:#}"
    );
    assert_eq!(
        check(&report, "org")["message"],
        format!("{} answers (API versions up to 62.0)", cli.org.base_url())
    );
    assert!(check(&report, "signed_in")["message"]
        .as_str()
        .unwrap()
        .starts_with("signed in as "));
    let usage = check(&report, "api_usage")["message"].as_str().unwrap();
    assert!(usage.contains("daily API requests used"), "{usage}");

    // The doctor's own keychain probe leaves nothing behind, and the org was asked for
    // its versions (no session) and its limits (with the session).
    let log = cli.org.request_log();
    assert!(log.iter().any(|r| r.path == "/services/data/"));
    assert!(log.iter().any(|r| r.path.ends_with("/limits")));

    let text = cli
        .command(&["doctor"])
        .env("CALLSIDE_POLICY", &policy)
        .output()
        .await
        .unwrap();
    assert!(text.status.success(), "{}", stdout(&text));
    let printed = stdout(&text);
    assert!(printed.starts_with("ok    policy "), "{printed}");
    assert!(printed.ends_with("Everything is in order.\n"), "{printed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_says_what_to_fix_when_signed_out_and_the_port_is_taken() {
    let cli = Cli::new().await;
    // Another program holds the callback port.
    let _squatter = std::net::TcpListener::bind(("127.0.0.1", cli.callback_port)).unwrap();

    let (report, code) = doctor(&cli, None, &[]).await;
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(report["ok"], false);
    let port = check(&report, "callback_port");
    assert_eq!(port["status"], "fail");
    assert!(port["message"]
        .as_str()
        .unwrap()
        .starts_with(&format!("127.0.0.1:{} cannot be used", cli.callback_port)));
    assert!(port["fix"]
        .as_str()
        .unwrap()
        .contains("--callback-port, CALLSIDE_CALLBACK_PORT or callback_port"));
    let signed_in = check(&report, "signed_in");
    assert_eq!(signed_in["status"], "fail");
    assert_eq!(
        signed_in["fix"],
        "Sign in with `callside login` (or in the app)."
    );
    assert_eq!(check(&report, "api_usage")["status"], "skip");
    // CALLSIDE_POLICY names a file that does not exist (the test harness's way of
    // keeping the system policy out): a warning, not a failure.
    assert_eq!(check(&report, "policy")["status"], "warn");
    assert_eq!(check(&report, "org")["status"], "ok");

    let text = cli.run(&["doctor"]).await;
    assert_eq!(text.status.code(), Some(1));
    let printed = stdout(&text);
    assert!(
        printed.contains("fail  signed_in      not signed in to "),
        "{printed}"
    );
    assert!(
        printed.contains("                     fix: Sign in with `callside login`"),
        "{printed}"
    );
    assert!(printed.ends_with("2 check(s) failed; fix them and run `callside doctor` again.\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_warns_near_the_api_limit_and_fails_at_it() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    cli.org.set_api_limit(1000);
    cli.org.set_api_usage(900);
    let (report, code) = doctor(&cli, None, &[]).await;
    assert_eq!(code, Some(0), "a warning is no failure: {report:#}");
    let usage = check(&report, "api_usage");
    assert_eq!(usage["status"], "warn");
    // The limits request itself counts.
    assert!(
        usage["message"]
            .as_str()
            .unwrap()
            .ends_with(" of 1000 daily API requests used (90%)"),
        "{usage}"
    );
    let (report, _) = doctor(&cli, None, &["--warn-at", "95"]).await;
    assert_eq!(check(&report, "api_usage")["status"], "ok");
    // The administrator's threshold, unless the run names its own.
    let policy = write_policy(&cli, "[defaults]\napi_warning_percent = 95\n");
    let (report, _) = doctor(&cli, Some(&policy), &[]).await;
    assert_eq!(check(&report, "api_usage")["status"], "ok", "{report:#}");
    let (report, _) = doctor(&cli, Some(&policy), &["--warn-at", "85"]).await;
    assert_eq!(check(&report, "api_usage")["status"], "warn");

    cli.org.set_api_usage(1000);
    let (report, code) = doctor(&cli, None, &[]).await;
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(check(&report, "signed_in")["status"], "ok");
    let usage = check(&report, "api_usage");
    assert_eq!(usage["status"], "fail");
    assert!(usage["message"]
        .as_str()
        .unwrap()
        .starts_with("the org refuses API requests"));
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_names_an_org_it_cannot_reach_and_wrong_settings() {
    let cli = Cli::new().await;
    let nobody = format!("http://127.0.0.1:{}", free_port());
    let output = cli
        .command(&["doctor", "--json"])
        .env("CALLSIDE_LOGIN_URL", &nobody)
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let org = check(&report, "org");
    assert_eq!(org["status"], "fail");
    assert!(
        org["message"].as_str().unwrap().starts_with(&format!(
            "{nobody} cannot be reached: the connection failed"
        )),
        "{org}"
    );
    assert!(org["fix"].as_str().unwrap().contains("CALLSIDE_LOGIN_URL"));

    // Settings that cannot be resolved are a failed check, not an early exit.
    let output = cli
        .command(&["doctor", "--json"])
        .env("CALLSIDE_REGION", "Atlantis")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(check(&report, "settings")["status"], "fail");
    assert_eq!(check(&report, "policy")["status"], "warn");
    assert_eq!(check(&report, "org")["status"], "skip");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_value_beats_the_flag_the_environment_and_the_config_file() {
    let cli = Cli::new().await;
    let locked_port = free_port();
    let (flag_port, env_port, file_port) = (free_port(), free_port(), free_port());
    let config = cli.data_dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("callback_port = {file_port}\nlogin_url = \"http://127.0.0.1:1\"\n"),
    )
    .unwrap();
    // The policy locks the org and the port; the environment (from the test harness)
    // names the same org, the config file a dead one.
    let policy = write_policy(
        &cli,
        &format!(
            "# Acme IT\n[locked]\nlogin_url = \"{}\"\ncallback_port = {locked_port}\n",
            cli.org.base_url()
        ),
    );
    let login = cli
        .command(&["login", "--callback-port", &flag_port.to_string()])
        .env("CALLSIDE_POLICY", &policy)
        .env("CALLSIDE_CONFIG", &config)
        .env("CALLSIDE_CALLBACK_PORT", env_port.to_string())
        .env("CALLSIDE_LOGIN_URL", "http://127.0.0.1:2")
        .output()
        .await
        .unwrap();
    assert!(login.status.success(), "{}", stderr(&login));
    let authorize = cli
        .org
        .request_log()
        .into_iter()
        .find(|r| r.path == "/services/oauth2/authorize")
        .expect("the sign-in went to the locked org");
    let query = authorize.query.unwrap_or_default();
    assert!(
        query.contains(&format!("localhost%3A{locked_port}%2Fcallback")),
        "the redirect uses the locked port: {query}"
    );
    let note = stderr(&login);
    assert!(
        note.contains("callside: note: your administrator locked settings you also set, so the policy's values apply: callback_port (a command-line flag), callback_port (the environment), login_url (the environment), callback_port (your config file), login_url (your config file)"),
        "{note}"
    );
    let (report, _) = doctor(&cli, Some(&policy), &[]).await;
    assert_eq!(check(&report, "settings")["status"], "warn");
    assert_eq!(
        check(&report, "policy")["message"],
        format!(
            "{} (named by CALLSIDE_POLICY) applies: locks login_url, callback_port",
            policy.display()
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_policy_is_ignored_whole_with_a_warning() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    // Valid first lines that would break everything, then a typo: none of it applies.
    let policy = write_policy(
        &cli,
        "[locked]\nlogin_url = \"http://127.0.0.1:1\"\nenabled_actions = []\ncache_enabld = false\n",
    );
    let whoami = run_with_policy(&cli, &policy, &["whoami", "--json"]).await;
    assert!(whoami.status.success(), "{}", stderr(&whoami));
    let status: Value = serde_json::from_str(&stdout(&whoami)).unwrap();
    assert_eq!(status["signedIn"], true);
    assert_eq!(status["loginUrl"], format!("{}/", cli.org.base_url()));
    let warning = stderr(&whoami);
    assert_eq!(
        warning.trim_end(),
        format!(
            "callside: warning: the policy file was ignored, so Callside uses its own defaults: {}:4:1: unknown field `cache_enabld`, expected one of `login_url`, `my_domain`, `client_id`, `callback_port`, `region`, `enabled_actions`, `outcome_stages`, `field_mapping`, `cache_enabled`, `cache_max_records`, `cache_max_age_days`, `updates`, `update_url`, `audit_retention_days`, `sensitive_fields`, `api_warning_percent`, `panels`",
            policy.display()
        )
    );

    let (report, code) = doctor(&cli, Some(&policy), &[]).await;
    assert_eq!(code, Some(1));
    let check = check(&report, "policy");
    assert_eq!(check["status"], "fail");
    assert!(check["message"].as_str().unwrap().starts_with(&format!(
        "{}:4:1: unknown field `cache_enabld`",
        policy.display()
    )));
}

#[tokio::test(flavor = "multi_thread")]
async fn actions_the_policy_leaves_out_are_refused() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    let policy = write_policy(&cli, "[locked]\nenabled_actions = [\"log_call\"]\n");
    let lookup = cli.run(&["lookup", "+1 303 555 0188", "--json"]).await;
    let result: Value = serde_json::from_str(&stdout(&lookup)).unwrap();
    let lead = result["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["type"] == "Lead")
        .expect("the demo org has a lead with this number")["id"]
        .as_str()
        .unwrap()
        .to_string();
    cli.org.clear_request_log();

    let rate = run_with_policy(&cli, &policy, &["rate", &lead, "hot"]).await;
    assert_eq!(rate.status.code(), Some(1));
    assert_eq!(
        stderr(&rate).trim_end(),
        format!(
            "callside: Rating leads is turned off by your administrator (enabled_actions in {}).",
            policy.display()
        )
    );
    let status = run_with_policy(&cli, &policy, &["status", &lead, "Working - Contacted"]).await;
    assert_eq!(status.status.code(), Some(1));
    assert!(stderr(&status).contains("Setting a lead's status is turned off by your administrator"));
    assert!(
        cli.org.request_log().is_empty(),
        "a refused action asks nothing of Salesforce: {:?}",
        cli.org.request_log()
    );
    let outbox = run_with_policy(&cli, &policy, &["outbox", "list", "--json"]).await;
    assert_eq!(stdout(&outbox).trim(), "[]", "{}", stderr(&outbox));

    // What the policy enables still works.
    let log = run_with_policy(
        &cli,
        &policy,
        &["log-call", "--who", &lead, "--duration", "30"],
    )
    .await;
    assert!(log.status.success(), "{}", stderr(&log));
    assert!(stdout(&log).trim().starts_with("00T"));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_cache_nothing_is_cached_but_the_outbox_still_works() {
    let cli = Cli::new().await;
    let login = cli.run(&["login"]).await;
    assert!(login.status.success(), "{}", stderr(&login));
    let whoami = cli.run(&["whoami", "--json"]).await;
    let org_id = serde_json::from_str::<Value>(&stdout(&whoami)).unwrap()["orgId"]
        .as_str()
        .unwrap()
        .to_string();
    let database = callside_core::store::org_database_path(cli.data_dir.path(), &org_id).unwrap();
    let cached = || {
        callside_core::store::Store::open(&database)
            .unwrap()
            .cached_record_count()
            .unwrap()
    };

    // With the cache allowed, a lookup fills it.
    let lookup = cli.run(&["lookup", "720.555.0111", "--json"]).await;
    assert!(lookup.status.success(), "{}", stderr(&lookup));
    assert!(cached() > 0);

    // The policy forbids it: what was cached goes, and nothing new comes.
    let policy = write_policy(&cli, "[locked]\ncache_enabled = false\n");
    let lookup = run_with_policy(&cli, &policy, &["lookup", "720.555.0111", "--json"]).await;
    assert!(lookup.status.success(), "{}", stderr(&lookup));
    let result: Value = serde_json::from_str(&stdout(&lookup)).unwrap();
    assert_eq!(result["source"], "salesforce");
    assert_eq!(cached(), 0);
    let who = result["matches"][0]["id"].as_str().unwrap().to_string();
    let log = run_with_policy(
        &cli,
        &policy,
        &["log-call", "--who", &who, "--duration", "5"],
    )
    .await;
    assert!(log.status.success(), "{}", stderr(&log));
    assert_eq!(cached(), 0);
    let outbox = run_with_policy(&cli, &policy, &["outbox", "list", "--json"]).await;
    let items: Value = serde_json::from_str(&stdout(&outbox)).unwrap();
    assert_eq!(items[0]["status"], "sent", "{items}");
}
