//! Inside GitHub Actions: the job summary, step outputs and annotations,
//! with untrusted evidence text unable to inject workflow commands.

mod common;

use common::{Project, fixture};

fn in_actions(project: &Project, args: &[&str]) -> common::Run {
    let summary = project.path("summary.md");
    let output = project.path("github-output");
    project.regops_with_env(
        args,
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ("GITHUB_OUTPUT", output.to_str().unwrap()),
        ],
    )
}

fn failing_project() -> Project {
    let project = Project::new();
    project
        .with_example_evidence()
        .copy(&fixture("pytest-failing/junit.xml"), "evidence/junit.xml")
        .copy(
            &fixture("bandit-high/bandit.sarif"),
            "evidence/bandit.sarif",
        )
        .config("A", "");
    project
}

#[test]
fn the_job_summary_has_the_pipeline_each_gate_and_the_evidence() {
    let project = failing_project();
    let run = in_actions(&project, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let summary = std::fs::read_to_string(project.path("summary.md")).unwrap();
    assert!(
        summary.starts_with("## regops: ❌ fail · CardioSense · safety class A"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "```mermaid\nflowchart LR\n  g0[\"G1 Continuous integration<br/>fail\"]:::fail"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("| ❌ fail | `tests-pass` | IEC 62304 5.5.5"),
        "{summary}"
    );
    assert!(
        summary.contains("| `evidence/junit.xml` | tests | junit |"),
        "{summary}"
    );
}

#[test]
fn outputs_carry_the_overall_and_per_gate_outcomes() {
    let project = failing_project();
    in_actions(
        &project,
        &["check", "--format", "json", "--output", "report.json"],
    );
    let outputs = std::fs::read_to_string(project.path("github-output")).unwrap();
    assert!(
        outputs.contains("outcome<<REGOPS_EOF\nfail\nREGOPS_EOF\n"),
        "{outputs}"
    );
    assert!(
        outputs.contains("gate-ci<<REGOPS_EOF\nfail\nREGOPS_EOF\n"),
        "{outputs}"
    );
    assert!(
        outputs.contains("report<<REGOPS_EOF\nreport.json\nREGOPS_EOF\n"),
        "{outputs}"
    );
}

#[test]
fn annotations_point_at_the_failures_and_are_capped() {
    let project = failing_project();
    let run = in_actions(&project, &["check"]);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert!(!errors.is_empty(), "{}", run.stdout);
    assert!(errors.len() <= 10, "GitHub shows 10 per kind: {errors:?}");
    assert!(
        errors.iter().any(|l| l.contains("file=src/")
            && l.contains("title=G1 Continuous integration%3A static-analysis")),
        "{errors:?}"
    );
}

#[test]
fn evidence_text_cannot_inject_workflow_commands() {
    let project = failing_project();
    let junit = std::fs::read_to_string(fixture("pytest-failing/junit.xml")).unwrap();
    let failing = "name=\"test_normal_range_inclusive_bounds[120]\"";
    assert!(junit.contains(failing));
    let hostile = junit.replacen(
        failing,
        "name=\"test_normal_range_inclusive_bounds[120]&#10;::set-env name=PWNED::1\"",
        1,
    );
    project.write("evidence/junit.xml", hostile);
    let run = in_actions(&project, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The text report is fenced by stop-commands; the annotations escape newlines.
    let lines: Vec<&str> = run.stdout.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("::stop-commands::"))
        .expect("fenced");
    let token = lines[start].trim_start_matches("::stop-commands::");
    let end = lines
        .iter()
        .position(|l| *l == format!("::{token}::"))
        .expect("resumed");
    assert!(start < end);
    for line in &lines[end + 1..] {
        assert!(
            !line.starts_with("::set-env"),
            "injected outside the fence: {line}"
        );
    }
    assert!(
        run.stdout.contains("%0A::set-env name=PWNED::1"),
        "escaped inside an annotation: {}",
        run.stdout
    );
}

#[test]
fn outside_actions_nothing_is_published() {
    let project = failing_project();
    let run = project.check();
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
    assert!(!project.path("summary.md").exists());
}
