//! `regops check` inside a GitHub Actions job, against a loopback GitHub
//! that answers with the payloads GitHub documents (regops-github's test
//! server and fixtures, from @octokit/openapi): the pull request as G2
//! evidence, and one check run per gate.

mod common;
#[path = "../github/tests/common/mod.rs"]
mod gh;

use common::{Project, check, fixture, gate_outcome};
use gh::checks::{FakeChecks, assert_valid_bodies, writes};
use gh::{HEAD, MockGitHub, NUMBER, OWNER, REPO, Reply, Scenario, TOKEN};

/// The Actions environment of a pull request run against `server`.
fn actions_env(project: &Project, server: &MockGitHub) -> Vec<(String, String)> {
    let event = project.path("event.json");
    std::fs::write(
        &event,
        serde_json::json!({
            "action": "synchronize",
            "number": NUMBER,
            "pull_request": { "number": NUMBER, "head": { "sha": HEAD } }
        })
        .to_string(),
    )
    .expect("write the event");
    let summary = project.path("summary.md");
    [
        ("GITHUB_ACTIONS", "true".to_string()),
        ("GITHUB_API_URL", server.url()),
        ("GITHUB_TOKEN", TOKEN.to_string()),
        ("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}")),
        ("GITHUB_EVENT_NAME", "pull_request".to_string()),
        ("GITHUB_EVENT_PATH", event.display().to_string()),
        (
            "GITHUB_SHA",
            "ffac537e6cbbf934b08745a378932722df287a53".to_string(),
        ),
        ("GITHUB_RUN_ID", "1658821493".to_string()),
        ("GITHUB_RUN_ATTEMPT", "1".to_string()),
        ("GITHUB_WORKSPACE", project.dir.path().display().to_string()),
        ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
        (
            "GITHUB_OUTPUT",
            project.path("output.txt").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn run(project: &Project, server: &MockGitHub, args: &[&str]) -> common::Run {
    let env = actions_env(project, server);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    project.regops_with_env(args, &env)
}

#[test]
fn the_pull_request_under_review_is_read_from_the_api_and_judged_by_g2() {
    let server = MockGitHub::start();
    Scenario {
        body: Some("Debounce the alarm.\n\nFixes #1340".into()),
        ..Scenario::default()
    }
    .mount(&server, "");
    let project = Project::new();
    project
        .with_example_evidence()
        .config("B", "[roles]\nreviewer = [\"reviewer1\"]\n[gates.change]\n");
    let result = run(
        &project,
        &server,
        &["check", "--format", "json", "--gate", "change"],
    );
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    let report = result.json();
    assert_eq!(gate_outcome(&report, "change"), "pass");
    assert_eq!(
        check(&report, "change", "approvals")["subjects"],
        serde_json::json!(["reviewer1"])
    );
    assert_eq!(
        check(&report, "change", "change-linked")["subjects"],
        serde_json::json!([format!("{OWNER}/{REPO}#1340")])
    );
    let change: Vec<&serde_json::Value> = report["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter(|e| e["kind"] == "change")
        .collect();
    assert_eq!(change.len(), 1);
    assert_eq!(change[0]["path"], format!("github:{OWNER}/{REPO}#{NUMBER}"));
    assert!(!result.stderr.contains(TOKEN) && !result.stdout.contains(TOKEN));
}

#[test]
fn each_gate_becomes_a_check_run_and_a_failed_gate_is_a_failure() {
    let server = MockGitHub::start();
    let checks = FakeChecks::mount(&server);
    let project = failing_project();
    let result = run(&project, &server, &["check", "--gate", "ci", "--github"]);
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    let g1 = checks.run("regops / G1 Continuous integration");
    assert_eq!(
        g1.head_sha, HEAD,
        "a pull request's check run goes on its head"
    );
    assert_eq!(g1.conclusion.as_deref(), Some("failure"));
    assert_eq!(g1.status, "completed");
    let summary = g1.output["summary"].as_str().unwrap_or_default();
    assert!(
        summary.contains("tests-pass") && summary.contains("IEC 62304 5.5.5"),
        "{summary}"
    );
    assert!(!g1.annotations.is_empty());
    for annotation in &g1.annotations {
        assert_eq!(annotation["annotation_level"], "failure");
    }
    assert!(assert_valid_bodies(&server) >= 1);
    assert!(
        result.stderr.contains("published check run regops / G1"),
        "{}",
        result.stderr
    );

    // The same attempt again updates, never duplicates.
    let again = run(&project, &server, &["check", "--gate", "ci", "--github"]);
    assert_eq!(again.code, 1);
    assert_eq!(checks.runs().len(), 1, "{:#?}", checks.runs());
    assert!(writes(&server).iter().any(|w| w.method == "PATCH"));
}

#[test]
fn a_passing_gate_is_a_success() {
    let server = MockGitHub::start();
    let checks = FakeChecks::mount(&server);
    let project = Project::new();
    project.with_example_evidence().config(
        "B",
        "[gates.ci.params.B]\nrequire-vulnerability-scan = false\n",
    );
    let result = run(&project, &server, &["check", "--github"]);
    assert_eq!(result.code, 0, "{}\n{}", result.stdout, result.stderr);
    let g1 = checks.run("regops / G1 Continuous integration");
    assert_eq!(g1.conclusion.as_deref(), Some("success"));
}

#[test]
fn a_read_only_token_still_gates_and_says_check_runs_were_not_published() {
    let server = MockGitHub::start();
    // The token may read (no check run yet) but not write.
    server.handle(|request| {
        Some(if request.method == "GET" {
            Reply::json(&serde_json::json!({ "total_count": 0, "check_runs": [] }))
        } else {
            Reply::error(403, "Resource not accessible by integration")
        })
    });
    let project = failing_project();
    let result = run(&project, &server, &["check", "--gate", "ci", "--github"]);
    // The failed gate still fails the step.
    assert_eq!(result.code, 1, "{}\n{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains("check runs were not published"),
        "{}",
        result.stderr
    );
    let summary = std::fs::read_to_string(project.path("summary.md")).expect("summary");
    assert!(
        summary.contains("Check runs were not published"),
        "{summary}"
    );
    assert!(
        summary.contains("G1 Continuous integration"),
        "the verdicts were written first"
    );
    assert!(!result.stderr.contains(TOKEN));
}

#[test]
fn a_server_that_keeps_failing_fails_the_step_after_the_verdicts_are_written() {
    let server = MockGitHub::start();
    server.handle(|_| Some(Reply::error(503, "Service Unavailable")));
    let project = Project::new();
    project.with_example_evidence().config(
        "B",
        "[gates.ci.params.B]\nrequire-vulnerability-scan = false\n",
    );
    let result = run(&project, &server, &["check", "--github"]);
    assert_eq!(result.code, 2, "{}\n{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains("publishing check runs"),
        "{}",
        result.stderr
    );
    let outputs = std::fs::read_to_string(project.path("output.txt")).expect("outputs");
    assert!(outputs.contains("outcome<<"), "{outputs}");
}

/// The example at class B with a failing pytest run: G1 fails.
fn failing_project() -> Project {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(&fixture("pytest-failing/junit.xml"), "evidence/junit.xml")
        .config("B", "");
    project
}
