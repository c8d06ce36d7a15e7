//! G4 Integration verification end to end: the example's pytest results
//! (marked as integration tests by their [evidence] entry) against its
//! doorstop requirements.

mod common;

use common::{Project, check, example_evidence, gate_outcome, repo};

fn project(class: &str, level: &str) -> Project {
    let project = Project::new();
    project.copy(&example_evidence("junit.xml"), "evidence/junit.xml");
    project.with_example_requirements(&[]);
    project.write(
        "regops.toml",
        format!(
            "product = \"CardioSense\"\nsafety-class = \"{class}\"\n[evidence]\n\
             tests = [{{ path = \"evidence/junit.xml\"{level} }}]\nrequirements = [\"reqs\"]\n[gates.integration]\n"
        ),
    );
    project
}

/// A risk control for the asystole alarm, verified (by its own link) by an
/// example test that passes.
const RISK_CONTROL: &str = "---\nid: RC-002\ntype: risk-control\nstatus: approved\nfulfills: [REQ-004]\n\
    verified-by:\n  - tests.test_monitor::test_req_004_asystole_after_timeout\n---\n\
    # Asystole alarm stays audible for 30 s\n";

#[test]
fn the_example_is_fully_traced_and_passes_g4_at_class_c() {
    let project = project("C", ", level = \"integration\"");
    project.write("reqs/RC-002.md", RISK_CONTROL);
    // Traceability only: capacity budgets and the test lead's approval,
    // also required at C, are exercised with the class C example (release.rs).
    let config = std::fs::read_to_string(project.path("regops.toml")).unwrap();
    project.write(
        "regops.toml",
        format!("{config}[gates.integration.params.C]\nrequire-capacity-tests = false\nmin-approvals = 0\n"),
    );
    let run = project.regops(&["check", "--format", "json", "--gate", "integration"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(
        check(&report, "integration", "requirement-coverage")["measured"],
        1.0
    );
    assert_eq!(gate_outcome(&report, "integration"), "pass");
}

#[test]
fn class_c_without_any_risk_control_fails_closed() {
    let run = project("C", ", level = \"integration\"").regops(&[
        "check",
        "--format",
        "json",
        "--gate",
        "integration",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let c = check(&run.json(), "integration", "risk-control-coverage").clone();
    assert_eq!(c["outcome"], "fail", "{c:#}");
}

#[test]
fn an_untested_requirement_fails_g4_naming_it() {
    let p = project("B", ", level = \"system\"");
    p.copy(
        &repo().join("examples/cardiosense/reqs/REQ-006.yml"),
        "reqs/REQ-009.yml",
    );
    let run = p.regops(&["check", "--format", "json", "--gate", "integration"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let coverage = check(&run.json(), "integration", "requirement-coverage").clone();
    assert_eq!(coverage["outcome"], "fail");
    assert_eq!(coverage["subjects"], serde_json::json!(["REQ-009"]));
    assert_eq!(coverage["locations"][0]["file"], "reqs/REQ-009.yml");
}

#[test]
fn without_integration_results_class_b_fails_and_says_how_to_mark_them() {
    let run = project("B", "").regops(&["check", "--format", "json", "--gate", "integration"]);
    assert_eq!(run.code, 1);
    let c = check(&run.json(), "integration", "integration-tests-pass").clone();
    assert_eq!(c["outcome"], "fail");
    assert!(
        c["message"]
            .as_str()
            .unwrap_or_default()
            .contains("level = \\\"integration\\\"")
            || c["message"]
                .as_str()
                .unwrap_or_default()
                .contains("level = \"integration\""),
        "{c:#}"
    );
}

#[test]
fn an_unknown_test_level_is_a_config_error_naming_its_line() {
    let p = project("B", ", level = \"acceptance\"");
    let run = p.regops(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("regops.toml:4:")
            && run
                .stderr
                .contains("\"unit\", \"integration\" or \"system\""),
        "{}",
        run.stderr
    );
}
