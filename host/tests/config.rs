//! Configuration mistakes: exit 2, and the message names the line to fix.

mod common;

use common::Project;

fn config_error(extra: &str) -> String {
    let project = Project::new();
    project.with_example_evidence().config("B", extra);
    let run = project.check();
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty());
    run.stderr
}

#[test]
fn an_unknown_top_level_key_names_its_line() {
    let stderr = config_error("\nsafety_clas = \"C\"\n");
    assert!(stderr.contains("regops.toml:"), "{stderr}");
    assert!(stderr.contains("safety_clas"), "{stderr}");
}

#[test]
fn an_unknown_evidence_kind_names_its_line() {
    let project = Project::new();
    project.with_example_evidence().write(
        "regops.toml",
        "safety-class = \"B\"\n[evidence]\ntests = [\"evidence/junit.xml\"]\ntest-results = [\"x.xml\"]\n",
    );
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("regops.toml:4:"), "{}", run.stderr);
    assert!(run.stderr.contains("test-results"), "{}", run.stderr);
}

#[test]
fn an_invalid_safety_class_says_which_are_valid() {
    let project = Project::new();
    project
        .with_example_evidence()
        .write("regops.toml", "safety-class = \"D\"\n");
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("regops.toml:1:"), "{}", run.stderr);
    assert!(run.stderr.contains("`A`, `B`"), "{}", run.stderr);
}

#[test]
fn a_wrong_type_names_its_line() {
    let project = Project::new();
    project.with_example_evidence().write(
        "regops.toml",
        "safety-class = \"B\"\n[evidence]\ntests = \"evidence/junit.xml\"\n",
    );
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("regops.toml:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("invalid type"), "{}", run.stderr);
}

#[test]
fn every_bad_parameter_is_reported_in_one_run() {
    let stderr = config_error(
        "[gates.ci.params.B]\nline-coverage = 75\nline-coverag = 0.8\n[gates.ci.params.C]\nvulnerability-severity = \"severe\"\n",
    );
    assert!(
        stderr.contains("regops.toml:11:") && stderr.contains("write 75% as 0.75"),
        "{stderr}"
    );
    assert!(
        stderr.contains("regops.toml:12:") && stderr.contains("no parameter `line-coverag`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("regops.toml:14:") && stderr.contains("`severe` is not a severity"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_gate_without_a_policy_is_an_error() {
    let stderr = config_error("[gates.audit]\n");
    assert!(stderr.contains("gate `audit` is not built in"), "{stderr}");
}

#[test]
fn a_missing_config_file_says_how_to_point_at_one() {
    let run = Project::new().check();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("regops.toml") && run.stderr.contains("--config"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_lockfile_of_another_version_or_shape_is_refused_with_its_line() {
    let project = Project::new();
    project.with_example_evidence().config("B", "");
    project.write("regops.lock", "version = 2\n");
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("lockfile version 2 is not supported"),
        "{}",
        run.stderr
    );

    project.write(
        "regops.lock",
        "version = 1\n[[policy]]\nsource = \"gate.wasm\"\nsha = \"abc\"\n",
    );
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("regops.lock:4:"), "{}", run.stderr);
    assert!(run.stderr.contains("sha"), "{}", run.stderr);
}

#[test]
fn a_bad_change_mode_and_a_bad_role_member_name_their_lines() {
    let stderr = config_error("[change]\ngithub = \"sometimes\"\n");
    assert!(stderr.contains("regops.toml:11:"), "{stderr}");
    assert!(
        stderr.contains("true (always read the pull request"),
        "{stderr}"
    );

    let project = Project::new();
    project.with_example_evidence().config(
        "B",
        "[roles]\nreviewer = [\"carol\", \"@acme\"]\n[gates.change]\n",
    );
    // A typo in [roles] is a config error even for a run whose gates do not
    // read roles.
    for gate in ["ci", "change"] {
        let run = project.regops(&["check", "--gate", gate]);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(run.stderr.contains("regops.toml:11:"), "{}", run.stderr);
        assert!(
            run.stderr.contains("`@acme` is not a team"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_capacity_budget_without_a_limit_or_with_an_unknown_unit_names_its_line() {
    let stderr = config_error(
        "[capacity.test_latency]\nstatistic = \"median\"\n[capacity.test_throughput]\nmin = 500\nunit = \"req/min\"\n",
    );
    assert!(
        stderr.contains("[capacity] `test_latency` needs `max`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`test_throughput`: unit `req/min` is not known"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("regops.toml:").count(), 2, "{stderr}");
}

#[test]
fn a_release_artefact_pattern_matching_nothing_fails_closed() {
    let project = Project::new();
    project.with_example_evidence().config(
        "B",
        "[release]\nversion = \"1.0.0\"\nartifacts = [\"dist/*.whl\"]\n[gates.release]\n",
    );
    let run = project.regops(&["check", "--gate", "release"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("`dist/*.whl` matches no file"),
        "{}",
        run.stderr
    );
}
