//! Check runs against a loopback Checks API that keeps state and answers as
//! GitHub documents (tests/common/checks.rs); every request body is
//! validated against the request schemas vendored from GitHub's OpenAPI
//! description.

mod common;

use std::time::{Duration, Instant};

use common::checks::{FakeChecks, assert_valid_bodies, body_errors, writes};
use common::*;
use regops_github::{
    Annotation, AnnotationLevel, CheckTarget, Conclusion, Error, GateCheck, MAX_ANNOTATIONS,
    external_id, publish_check_runs,
};
use serde_json::{Value, json};

const ATTEMPT: &str = "8712345-1";
const G1: &str = "regops / G1 Continuous integration";
const G2: &str = "regops / G2 Change review & approval";

fn check_runs_path() -> String {
    format!("/repos/{OWNER}/{REPO}/check-runs")
}

fn list_path() -> String {
    format!("/repos/{OWNER}/{REPO}/commits/{HEAD}/check-runs")
}

/// `n` findings, levels interleaved failure, warning, notice, each on its
/// own line so the order they arrive in is visible.
fn findings(n: usize) -> Vec<Annotation> {
    (0..n)
        .map(|i| Annotation {
            path: format!("src/module{}.py", i % 7),
            start_line: i as u64 + 1,
            end_line: i as u64 + 1,
            level: [
                AnnotationLevel::Notice,
                AnnotationLevel::Warning,
                AnnotationLevel::Failure,
            ][i % 3],
            title: Some(format!("bandit B{:03}", i % 50)),
            message: format!("finding {i}: subprocess call with shell=True"),
        })
        .collect()
}

fn gate(gate_id: &str, name: &str, passed: bool, annotations: Vec<Annotation>) -> GateCheck {
    GateCheck {
        gate_id: gate_id.into(),
        name: name.into(),
        passed,
        title: if passed {
            "pass: 7 of 7 checks met".into()
        } else {
            "fail: 2 of 7 checks not met".into()
        },
        summary: "**fail** — 2 of 7 checks not met\n\n| check | clause | measured | threshold |\n| --- | --- | --- | --- |\n| line coverage | 5.5.3 | 61% | ≥ 70% |\n\nWhat to do: add tests for `src/alarm.py`.".into(),
        text: Some("Evidence: `coverage.xml` sha256 0f3a…".into()),
        annotations,
    }
}

fn publish(
    server: &MockGitHub,
    checks: &[GateCheck],
) -> Result<regops_github::PublishReport, Error> {
    publish_check_runs(&context(server, ""), HEAD, ATTEMPT, checks)
}

fn lines(annotations: &[Value]) -> Vec<u64> {
    annotations
        .iter()
        .map(|a| a["start_line"].as_u64().unwrap())
        .collect()
}

#[test]
fn a_hundred_and_twenty_findings_are_three_requests_most_severe_first() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);

    let report = publish(&server, &[gate("G1", G1, false, findings(120))]).unwrap();

    let writes = writes(&server);
    let shape: Vec<(&str, usize)> = writes
        .iter()
        .map(|w| {
            let n = w.json()["output"]["annotations"]
                .as_array()
                .map_or(0, Vec::len);
            (w.method.as_str(), n)
        })
        .collect();
    assert_eq!(shape, vec![("POST", 50), ("PATCH", 50), ("PATCH", 20)]);
    // The check run stays in progress until the last batch, which concludes it.
    assert_eq!(writes[0].json()["status"], "in_progress");
    assert!(writes[0].json().get("conclusion").is_none());
    assert!(writes[1].json().get("conclusion").is_none());
    assert_eq!(writes[2].json()["conclusion"], "failure");
    assert_eq!(writes[1].path(), format!("{}/4", check_runs_path()));

    let run = fake.run(G1);
    assert_eq!(run.annotations.len(), 120);
    assert_eq!(run.head_sha, HEAD);
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(run.status, "completed");
    assert_eq!(
        run.external_id.as_deref(),
        Some(external_id("G1", HEAD, ATTEMPT).as_str())
    );
    // Failures, then warnings, then notices; each in the host's order.
    let levels: Vec<&str> = run
        .annotations
        .iter()
        .map(|a| a["annotation_level"].as_str().unwrap())
        .collect();
    assert!(levels[..40].iter().all(|l| *l == "failure"));
    assert!(levels[40..80].iter().all(|l| *l == "warning"));
    assert!(levels[80..].iter().all(|l| *l == "notice"));
    assert_eq!(lines(&run.annotations[..3]), vec![3, 6, 9]);
    assert!(!run.output["summary"].as_str().unwrap().contains("not sent"));

    let published = &report.check_runs[0];
    assert_eq!(published.id, 4);
    assert_eq!(published.annotations_sent, 120);
    assert_eq!(published.annotations_not_sent, 0);
    assert_eq!(published.conclusion, Conclusion::Failure);
    assert!(!published.updated_existing);
    assert_eq!(
        published.html_url.as_deref(),
        Some("https://github.com/octocat/Hello-World/runs/4")
    );
    assert_eq!(assert_valid_bodies(&server), 3);
    assert_documented(&server, "");
}

#[test]
fn only_a_passed_gate_is_success_and_nothing_is_ever_neutral_or_skipped() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    let warnings = vec![Annotation {
        level: AnnotationLevel::Warning,
        ..findings(1).remove(0)
    }];
    let checks = [
        gate("G1", G1, true, warnings),
        gate("G2", G2, false, vec![]),
        gate("G3", "regops / G3 Deployment", false, findings(2)),
    ];
    let report = publish(&server, &checks).unwrap();
    let conclusions: Vec<Conclusion> = report.check_runs.iter().map(|r| r.conclusion).collect();
    assert_eq!(
        conclusions,
        vec![
            Conclusion::Success,
            Conclusion::Failure,
            Conclusion::Failure
        ]
    );
    assert_eq!(fake.run(G1).conclusion.as_deref(), Some("success"));
    assert_eq!(fake.run(G2).conclusion.as_deref(), Some("failure"));
    // One request each: a single batch carries the conclusion.
    assert_eq!(writes(&server).len(), 3);
    for write in writes(&server) {
        assert!(
            !write.body.contains("neutral") && !write.body.contains("skipped"),
            "{}",
            write.body
        );
        assert_eq!(write.json()["status"], "completed");
    }
    assert_eq!(assert_valid_bodies(&server), 3);
}

#[test]
fn an_oversized_summary_and_text_are_cut_on_a_character_boundary_with_a_marker() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    let mut check = gate("G1", G1, false, findings(3));
    // 4-byte characters and a code fence that the cut leaves open.
    check.summary = format!(
        "# G1\n\n```text\n{}",
        "🩺 heartbeat sample\n".repeat(20_000)
    );
    check.text = Some("ü".repeat(100_000));
    check.title = format!("fail: {}", "very long reason ".repeat(40));

    let report = publish(&server, &[check]).unwrap();

    let run = fake.run(G1);
    let summary = run.output["summary"].as_str().unwrap();
    let text = run.output["text"].as_str().unwrap();
    assert!(
        summary.len() < 65_535 && summary.len() > 60_000,
        "{}",
        summary.len()
    );
    assert!(text.len() < 65_535 && text.len() > 60_000, "{}", text.len());
    assert!(
        summary.contains("Truncated by regops"),
        "{}",
        &summary[summary.len() - 300..]
    );
    assert!(text.contains("Truncated by regops"));
    // The fence the cut opened is closed before the marker.
    assert_eq!(summary.matches("```").count() % 2, 0);
    let title = run.output["title"].as_str().unwrap();
    assert_eq!(title.chars().count(), 254);
    assert!(title.ends_with('…'));
    assert!(report.check_runs[0].summary_truncated);
    assert!(report.check_runs[0].text_truncated);
    assert_eq!(assert_valid_bodies(&server), 1);
}

#[test]
fn running_again_in_the_same_attempt_updates_the_check_run_instead_of_duplicating_it() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    let checks = [
        gate("G1", G1, false, findings(120)),
        gate("G2", G2, true, vec![]),
    ];
    publish(&server, &checks).unwrap();
    let before = writes(&server).len();
    assert_eq!(before, 4);

    let report = publish(&server, &checks).unwrap();

    assert_eq!(fake.runs().len(), 2, "{:#?}", fake.runs());
    let g1 = fake.run(G1);
    assert_eq!(
        g1.annotations.len(),
        120,
        "annotations are not appended twice"
    );
    assert_eq!(g1.conclusion.as_deref(), Some("failure"));
    let again: Vec<Recorded> = writes(&server).into_iter().skip(before).collect();
    assert!(again.iter().all(|w| w.method == "PATCH"), "{again:#?}");
    assert_eq!(again.len(), 2, "one update per gate, no new annotations");
    assert!(report.check_runs.iter().all(|r| r.updated_existing));
    assert_eq!(report.check_runs[0].annotations_sent, 120);
    // The lookup asks for the check run by name on the commit.
    let lookup = server
        .requests()
        .into_iter()
        .find(|r| r.method == "GET")
        .unwrap();
    assert_eq!(lookup.path(), list_path());
    assert_eq!(lookup.param("check_name").as_deref(), Some(G1));
    assert_eq!(lookup.param("filter").as_deref(), Some("all"));

    // A new attempt of the workflow run is a new check run.
    publish_check_runs(&context(&server, ""), HEAD, "8712345-2", &checks[1..]).unwrap();
    assert_eq!(fake.runs().len(), 3);
    assert_valid_bodies(&server);
    assert_documented(&server, "");
}

#[test]
fn the_lookup_follows_pages_of_check_runs() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    // 101 check runs of the same name on the commit from earlier attempts,
    // the one of this attempt last: on the second page.
    for attempt in 1..=101 {
        let key = if attempt == 101 {
            ATTEMPT.to_string()
        } else {
            format!("1-{attempt}")
        };
        publish_check_runs(
            &context(&server, ""),
            HEAD,
            &key,
            &[gate("G1", G1, true, vec![])],
        )
        .unwrap();
    }
    let report = publish(&server, &[gate("G1", G1, true, vec![])]).unwrap();
    assert!(report.check_runs[0].updated_existing);
    assert_eq!(fake.runs().len(), 101);
}

#[test]
fn a_read_only_token_says_check_runs_were_not_published() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    server.interject(
        "POST",
        &check_runs_path(),
        Reply::error(403, "Resource not accessible by integration"),
    );
    let err = publish(&server, &[gate("G1", G1, false, findings(3))]).unwrap_err();
    assert_no_token(&err);
    let Error::ChecksNotPermitted {
        method, message, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*method, "POST");
    assert_eq!(
        message.as_deref(),
        Some("Resource not accessible by integration")
    );
    let text = err.to_string();
    assert!(text.starts_with("check runs were not published"), "{text}");
    assert!(text.contains("checks: write"), "{text}");
    assert!(text.contains("exit status"), "{text}");
    assert!(text.contains("workflow_run"), "{text}");
    assert_eq!(
        writes(&server).len(),
        1,
        "a permission error is not retried"
    );
    assert!(fake.runs().is_empty());
}

#[test]
fn rate_limits_and_server_errors_are_retried_without_duplicates() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    // A secondary rate limit (refused, so sent again after Retry-After),
    // then a 502 (which might have been done: looked up before resending).
    server.interject(
        "POST",
        &check_runs_path(),
        Reply::error(429, "You have exceeded a secondary rate limit").header("Retry-After", "1"),
    );
    server.interject(
        "POST",
        &check_runs_path(),
        Reply::error(502, "Server Error"),
    );
    // And a primary rate limit on an update that resets within a second.
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1;
    server.interject(
        "PATCH",
        &format!("{}/4", check_runs_path()),
        Reply::error(403, "API rate limit exceeded for installation ID 1.")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset.to_string()),
    );
    let started = Instant::now();

    publish(&server, &[gate("G1", G1, false, findings(60))]).unwrap();

    assert!(started.elapsed() >= Duration::from_secs(1));
    let run = fake.run(G1);
    assert_eq!(run.annotations.len(), 60);
    let methods: Vec<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    // lookup, 429, 502, lookup again, create, 403 rate limit, update.
    assert_eq!(
        methods,
        vec!["GET", "POST", "POST", "GET", "POST", "PATCH", "PATCH"]
    );
    assert_eq!(assert_valid_bodies(&server), 5);
}

#[test]
fn a_write_whose_answer_was_lost_is_not_repeated() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    // The create and the first update take effect, but the answers are lost.
    server.interject_after_handling("POST", &check_runs_path(), Reply::error(502, "Bad Gateway"));
    server.interject_after_handling(
        "PATCH",
        &format!("{}/4", check_runs_path()),
        Reply::error(504, "Gateway Timeout"),
    );

    let report = publish(&server, &[gate("G1", G1, false, findings(120))]).unwrap();

    let run = fake.run(G1);
    assert_eq!(run.annotations.len(), 120, "no batch sent twice");
    let mut lines = lines(&run.annotations);
    lines.dedup();
    assert_eq!(lines.len(), 120);
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(report.check_runs[0].annotations_sent, 120);
    assert!(!report.check_runs[0].updated_existing);
    assert_eq!(writes(&server).len(), 3, "POST, PATCH (lost), PATCH");
    assert_valid_bodies(&server);
}

#[test]
fn a_server_that_keeps_failing_fails_closed() {
    let server = MockGitHub::start();
    FakeChecks::mount(&server);
    for _ in 0..10 {
        server.interject(
            "POST",
            &check_runs_path(),
            Reply::error(503, "Service Unavailable"),
        );
    }
    let err = publish(&server, &[gate("G1", G1, false, vec![])]).unwrap_err();
    assert_no_token(&err);
    assert!(
        matches!(
            err,
            Error::Server {
                method: "POST",
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(writes(&server).len(), 4);
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.to_string()
            .contains("POST /repos/octocat/Hello-World/check-runs")
    );
}

#[test]
fn more_findings_than_the_cap_send_the_most_severe_and_say_how_many_were_not() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    let mut annotations = findings(MAX_ANNOTATIONS + 20);
    annotations.push(Annotation {
        path: " ".into(),
        ..annotations[0].clone()
    });
    let report = publish(&server, &[gate("G1", G1, false, annotations)]).unwrap();
    let run = fake.run(G1);
    assert_eq!(run.annotations.len(), MAX_ANNOTATIONS);
    assert_eq!(writes(&server).len(), MAX_ANNOTATIONS / 50);
    assert_eq!(report.check_runs[0].annotations_not_sent, 21);
    let summary = run.output["summary"].as_str().unwrap();
    assert!(
        summary.contains("21 of 521 annotations not sent"),
        "{summary}"
    );
    assert!(
        summary.contains("20 over regops' limit of 500"),
        "{summary}"
    );
    assert!(summary.contains("1 not about a file"), "{summary}");
    // Every failure (173) and warning (173) made it; 20 of the 174 notices
    // were left out.
    let count = |level: &str| {
        run.annotations
            .iter()
            .filter(|a| a["annotation_level"] == level)
            .count()
    };
    assert_eq!(
        (count("failure"), count("warning"), count("notice")),
        (173, 173, 154)
    );
    assert_eq!(assert_valid_bodies(&server), MAX_ANNOTATIONS / 50);
}

#[test]
fn annotations_are_made_valid_and_the_token_is_never_sent() {
    let server = MockGitHub::start();
    let fake = FakeChecks::mount(&server);
    let mut check = gate("G1", G1, false, vec![]);
    check.summary = format!("the log said Authorization: Bearer {TOKEN}");
    check.annotations = vec![Annotation {
        path: "./src\\alarm.py".into(),
        start_line: 0,
        end_line: 0,
        level: AnnotationLevel::Failure,
        title: Some(format!("leak {TOKEN}\nsecond line")),
        message: format!("token {TOKEN}"),
    }];
    publish(&server, &[check]).unwrap();
    for request in server.requests() {
        assert!(!request.body.contains(TOKEN), "{}", request.body);
    }
    let run = fake.run(G1);
    assert_eq!(
        run.annotations[0],
        json!({
            "path": "src/alarm.py",
            "start_line": 1,
            "end_line": 1,
            "annotation_level": "failure",
            "message": "token <redacted>",
            "title": "leak <redacted> second line",
        })
    );
    assert!(
        run.output["summary"]
            .as_str()
            .unwrap()
            .contains("<redacted>")
    );
    assert_valid_bodies(&server);
}

#[test]
fn bad_inputs_are_refused_before_any_request() {
    let server = MockGitHub::start();
    FakeChecks::mount(&server);
    let ctx = context(&server, "");
    let err = publish_check_runs(&ctx, "main", ATTEMPT, &[]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidSetting {
                name: "head_sha",
                ..
            }
        ),
        "{err:?}"
    );
    let err = publish_check_runs(&ctx, HEAD, " ", &[]).unwrap_err();
    assert!(matches!(err, Error::InvalidSetting { .. }), "{err:?}");
    let err =
        publish_check_runs(&ctx, HEAD, ATTEMPT, &[gate("G1", " ", true, vec![])]).unwrap_err();
    assert!(err.to_string().contains("empty check run name"), "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn the_schema_check_catches_what_github_would_refuse() {
    let path = check_runs_path();
    let annotation = json!({
        "path": "a.py", "start_line": 1, "end_line": 1,
        "annotation_level": "failure", "message": "m"
    });
    let valid = json!({
        "name": G1, "head_sha": HEAD, "conclusion": "failure",
        "output": { "title": "t", "summary": "s", "annotations": [annotation] }
    });
    assert_eq!(body_errors("POST", &path, &valid), Vec::<String>::new());
    let refused = |change: &dyn Fn(&mut Value)| {
        let mut body = valid.clone();
        change(&mut body);
        body_errors("POST", &path, &body)
    };
    assert!(!refused(&|b| b["conclusion"] = json!("passed")).is_empty());
    assert!(
        !refused(&|b| b["output"]["annotations"] = json!(vec![annotation.clone(); 51])).is_empty()
    );
    assert!(
        !refused(&|b| b["output"]["annotations"][0]["annotation_level"] = json!("error"))
            .is_empty()
    );
    assert!(
        !refused(&|b| {
            b["output"]["annotations"][0]
                .as_object_mut()
                .unwrap()
                .remove("end_line");
        })
        .is_empty()
    );
    assert!(
        !refused(&|b| {
            b.as_object_mut().unwrap().remove("head_sha");
        })
        .is_empty()
    );
    assert!(!refused(&|b| b["output"]["summary"] = json!("é".repeat(40_000))).is_empty());
    assert!(!refused(&|b| b["output"]["colour"] = json!("red")).is_empty());
    // An update that completes must conclude (the schema's anyOf).
    let update = format!("{path}/4");
    assert!(!body_errors("PATCH", &update, &json!({ "status": "completed" })).is_empty());
    assert!(body_errors("PATCH", &update, &json!({ "conclusion": "success" })).is_empty());
}

// ---------------------------------------------------------------------------
// Which commit and attempt, from the workflow's environment.

fn write_event(name: &str, event: &Value) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("regops-checks-{}-{name}.json", std::process::id()));
    std::fs::write(&path, event.to_string()).unwrap();
    path
}

fn target(vars: &[(&str, &str)]) -> Result<CheckTarget, Error> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    CheckTarget::from_lookup(move |name| {
        vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
}

#[test]
fn a_pull_request_publishes_on_its_head_not_the_merge_commit() {
    let event = write_event("pr", &json!({ "pull_request": pull(Some("x"), 1, 1) }));
    let merge = "1111111111111111111111111111111111111111";
    let t = target(&[
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_SHA", merge),
        ("GITHUB_RUN_ID", "8712345"),
        ("GITHUB_RUN_ATTEMPT", "2"),
    ])
    .unwrap();
    assert_eq!(t.head_sha, HEAD);
    assert_eq!(t.run_attempt_key, "8712345-2");
    let _ = std::fs::remove_file(event);
}

#[test]
fn a_push_publishes_on_github_sha() {
    let event = write_event("push", &json!({ "ref": "refs/heads/main" }));
    let sha = "ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD";
    let t = target(&[
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_SHA", sha),
        ("GITHUB_RUN_ID", "99"),
    ])
    .unwrap();
    assert_eq!(t.head_sha, sha.to_ascii_lowercase());
    assert_eq!(t.run_attempt_key, "99-1");
    let err = target(&[("GITHUB_SHA", sha)]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingEnv {
                name: "GITHUB_RUN_ID",
                ..
            }
        ),
        "{err:?}"
    );
    let _ = std::fs::remove_file(event);
}

#[test]
fn a_workflow_run_publishes_on_the_triggering_runs_commit_and_attempt() {
    let event = write_event(
        "workflow-run",
        &json!({
            "action": "completed",
            "workflow_run": { "id": 30433642, "run_attempt": 3, "head_sha": HEAD, "event": "pull_request" }
        }),
    );
    let t = target(&[
        ("GITHUB_EVENT_NAME", "workflow_run"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_SHA", "2222222222222222222222222222222222222222"),
        ("GITHUB_RUN_ID", "1"),
    ])
    .unwrap();
    assert_eq!(t.head_sha, HEAD);
    assert_eq!(t.run_attempt_key, "30433642-3");
    let _ = std::fs::remove_file(event);
}
