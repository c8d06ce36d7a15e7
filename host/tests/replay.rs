//! `regops check --replay report.json`: a saved decision judged again over
//! the same evidence reproduces the same verdicts; evidence that is not the
//! same bytes is refused, and a changed setting is listed.

mod common;

use common::Project;

/// The example evidence at class B, judged and saved as `report.json`.
fn judged() -> Project {
    let project = Project::new();
    project.with_example_evidence();
    project.config(
        "B",
        "[gates.ci.params.B]\nrequire-vulnerability-scan = false\n",
    );
    let run = project.regops(&["check", "--format", "json", "--output", "report.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    project
}

fn report(project: &Project) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(project.path("report.json")).unwrap()).unwrap()
}

#[test]
fn the_report_records_what_a_replay_needs() {
    let project = judged();
    let report = report(&project);
    assert!(report["wasmtime_version"].as_str().unwrap().contains('.'));
    let ci = &report["gates"][0];
    assert_eq!(ci["id"], "ci");
    let params = ci["params_sha256"].as_str().unwrap();
    assert_eq!(params.len(), 64);
    assert_eq!(ci["policy"]["sha256"].as_str().unwrap().len(), 64);
    assert!(ci["fuel_consumed"].as_u64().unwrap() > 0);
    assert!(!report["evidence"].as_array().unwrap().is_empty());
}

#[test]
fn a_saved_report_replays_to_identical_verdicts() {
    let project = judged();
    let run = project.regops(&["check", "--replay", "report.json"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("class B, gates ci; 5 evidence files verified"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("verdicts identical"), "{}", run.stdout);
}

#[test]
fn the_replay_uses_the_recorded_class_not_the_configurations() {
    let project = judged();
    let config = std::fs::read_to_string(project.path("regops.toml")).unwrap();
    project.write(
        "regops.toml",
        config.replace("safety-class = \"B\"", "safety-class = \"C\""),
    );
    let run = project.regops(&["check", "--replay", "report.json"]);
    assert!(run.stdout.contains("class B"), "{}", run.stdout);
    // Only the configuration's digest differs: a note, not a verdict difference.
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("note: configuration regops.toml differs")
    );
}

#[test]
fn a_changed_evidence_byte_is_refused_naming_the_file() {
    let project = judged();
    let path = project.path("evidence/coverage.xml");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] = if bytes[last] == b'\n' { b' ' } else { b'\n' };
    std::fs::write(&path, &bytes).unwrap();
    let run = project.regops(&["check", "--replay", "report.json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "nothing was judged: {}", run.stdout);
    assert!(
        run.stderr
            .contains("evidence `evidence/coverage.xml` is not the file that was judged"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "the file now has {}",
            regops::digest::sha256_hex(&bytes)
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_changed_parameter_replays_to_a_listed_difference_and_exit_1() {
    let project = judged();
    let config = std::fs::read_to_string(project.path("regops.toml")).unwrap();
    project.write(
        "regops.toml",
        config.replace(
            "require-vulnerability-scan = false\n",
            "require-vulnerability-scan = false\nline-coverage = 0.95\n",
        ),
    );
    let run = project.regops(&["check", "--replay", "report.json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    for expected in [
        "verdicts differ",
        "gates[ci].checks[line-coverage].outcome: recorded \"pass\", replayed \"fail\"",
        "gates[ci].params[line-coverage].value: recorded 0.7, replayed 0.95",
        "gates[ci].params_sha256: recorded",
    ] {
        assert!(run.stdout.contains(expected), "{expected}:\n{}", run.stdout);
    }
}

#[test]
fn a_report_judged_from_a_bundle_replays_from_the_bundle_and_checks_its_digests() {
    let project = Project::new();
    project.with_example_evidence();
    project.config(
        "B",
        "[gates.ci.params.B]\nrequire-vulnerability-scan = false\n",
    );
    let bundle = project.regops(&["evidence"]);
    assert_eq!(bundle.code, 0, "{}", bundle.stderr);
    project.write("bundle.json", &bundle.stdout);
    let run = project.regops(&[
        "check",
        "--format",
        "json",
        "--output",
        "report.json",
        "--evidence-bundle",
        "bundle.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The files are gone: only the bundle holds the evidence now.
    std::fs::remove_dir_all(project.path("evidence")).unwrap();
    let replay = project.regops(&[
        "check",
        "--replay",
        "report.json",
        "--evidence-bundle",
        "bundle.json",
    ]);
    assert_eq!(replay.code, 0, "{}\n{}", replay.stdout, replay.stderr);
    assert!(replay.stdout.contains("verdicts identical"));

    let junit =
        regops::digest::sha256_hex(&std::fs::read(common::example_evidence("junit.xml")).unwrap());
    project.write(
        "bundle.json",
        bundle.stdout.replace(&junit, &"0".repeat(64)),
    );
    let refused = project.regops(&[
        "check",
        "--replay",
        "report.json",
        "--evidence-bundle",
        "bundle.json",
    ]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused
            .stderr
            .contains("evidence `evidence/junit.xml` in the bundle bundle.json is not the file that was judged"),
        "{}",
        refused.stderr
    );
}
