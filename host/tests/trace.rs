//! `regops trace`: the matrix from real doorstop items and pytest results.

mod common;

use common::{Project, fixture, repo};

/// The example's doorstop requirements (REQ-001..006, 010, 011), minus
/// REQ-012, plus REQ-007/008/009 copied from REQ-006's file, judged against
/// the pytest run with an errored REQ-007 test and a skipped REQ-008 one.
fn project() -> Project {
    let project = Project::new();
    project.with_example_requirements(&["REQ-012.yml"]);
    let reqs = repo().join("examples/cardiosense/reqs");
    for uid in ["REQ-007", "REQ-008", "REQ-009"] {
        project.copy(&reqs.join("REQ-006.yml"), &format!("reqs/{uid}.yml"));
    }
    project
        .copy(&fixture("pytest-failing/junit.xml"), "junit.xml")
        .write(
            "regops.toml",
            "product = \"CardioSense\"\nsafety-class = \"B\"\n[evidence]\ntests = [\"junit.xml\"]\nrequirements = [\"reqs\"]\n",
        );
    project
}

#[test]
fn the_matrix_shows_covered_failing_skipped_uncovered_and_orphans() {
    let project = project();
    let run = project.regops(&["trace", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<Vec<String>> = run
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let result = |id: &str| {
        rows.iter()
            .find(|r| r[0] == id)
            .map(|r| r[5].clone())
            .unwrap_or_else(|| panic!("no row {id}:\n{}", run.stdout))
    };
    assert_eq!(result("REQ-001"), "covered");
    assert_eq!(result("REQ-007"), "covered but failing");
    assert_eq!(result("REQ-008"), "only skipped tests");
    assert_eq!(result("REQ-009"), "uncovered");
    assert!(
        run.stdout.contains(
            "orphan test,tests.test_validation::test_signal_quality_bounds names REQ-012"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn the_html_matrix_is_one_self_contained_page_with_evidence_text_escaped() {
    let project = project();
    let run = project.regops(&["trace", "--format", "html", "--output", "trace.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(project.path("trace.html")).expect("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    assert!(
        html.contains("<tr class=\"failing\"><td><strong>REQ-007</strong>"),
        "{html}"
    );
    assert!(html.contains("<tr class=\"uncovered\"><td><strong>REQ-009</strong>"));
    // pytest ids hold brackets and quotes; they must arrive as text.
    assert!(html.contains("test_req_011_rejects_out_of_range_rr[199.9]"));
}

#[test]
fn markdown_is_the_default_and_counts_each_result() {
    let run = project().regops(&["trace"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "11 requirements and risk controls: 8 covered, 1 covered but failing, 1 only skipped, 1 uncovered"
        ),
        "{}",
        run.stdout
    );
}
