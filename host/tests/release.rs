//! The class C example end to end: InfuSense passes G1–G5 on its release
//! commit, each `fail-*.toml` variant fails the gate it is about for the
//! reason a user would recognise, and its release record lists the
//! anomalies, documents and approvals and verifies byte for byte.

mod common;

use common::{Project, check, gate_outcome, repo};

/// The commit the example's evidence stands for (see its regops.toml).
const COMMIT: &str = "8d3f5a2c9e1b7d4f6a0c3e5b8d2f4a6c1e9b7d3f";

/// `regops check` on one of the example's configs, as CI on the release commit.
fn judge(config: &str, gate: Option<&str>) -> (i32, serde_json::Value, String) {
    let config = repo()
        .join("examples/infusense")
        .join(config)
        .display()
        .to_string();
    let mut args = vec!["check", "--config", &config, "--format", "json"];
    if let Some(gate) = gate {
        args.extend(["--gate", gate]);
    }
    let run = Project::new().regops_with_env(
        &args,
        &[("GITHUB_SHA", COMMIT), ("GITHUB_REF_TYPE", "branch")],
    );
    let stderr = run.stderr.clone();
    (run.code, run.json(), stderr)
}

#[test]
fn the_class_c_example_passes_all_five_gates() {
    let (code, report, stderr) = judge("regops.toml", None);
    assert_eq!(code, 0, "{report:#}\n{stderr}");
    assert_eq!(report["commit"], COMMIT);
    for gate in ["ci", "change", "deployment", "integration", "release"] {
        assert_eq!(gate_outcome(&report, gate), "pass", "{gate}: {report:#}");
    }
    let passed = check(&report, "release", "gates-passed");
    assert_eq!(passed["measured"], 4, "{passed:#}");
    let capacity = check(&report, "integration", "capacity");
    assert_eq!(capacity["measured"], 2, "{capacity:#}");
}

/// Each variant: (config, gate, check that fails, words its message holds).
const VARIANTS: &[(&str, &str, &str, &str)] = &[
    (
        "fail-g1-failing-test.toml",
        "ci",
        "tests-pass",
        "tests.test_dose::test_req_101_heparin_units_rate",
    ),
    (
        "fail-g2-pushed-after-review.toml",
        "change",
        "approvals",
        "approved an earlier commit",
    ),
    (
        "fail-g3-rebuilt-artifact.toml",
        "deployment",
        "artifact-digest",
        "production deployed sha256:3c9e1f0a7b2d but the build produced dist/infusense-3.2.0.tar.gz sha256:b51e2463992c",
    ),
    (
        "fail-g4-untested-requirement.toml",
        "integration",
        "requirement-coverage",
        "REQ-106 (no test names it)",
    ),
    (
        "fail-g5-unevaluated-anomaly.toml",
        "release",
        "anomalies-evaluated",
        "#41 \"Occlusion alarm tone is quieter on the 2nd-generation speaker\"",
    ),
    (
        "fail-g5-missing-authorisation.toml",
        "release",
        "release-authorised",
        "0 of 1 by holders of the `regulatory` role",
    ),
];

#[test]
fn each_variant_fails_its_gate_for_the_reason_it_shows() {
    for (config, gate, id, words) in VARIANTS {
        let (code, report, stderr) = judge(config, Some(gate));
        assert_eq!(code, 1, "{config}: {report:#}\n{stderr}");
        assert_eq!(gate_outcome(&report, gate), "fail", "{config}");
        let c = check(&report, gate, id);
        assert_eq!(c["outcome"], "fail", "{config}: {c:#}");
        let message = c["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{config}: {message}");
    }
}

#[test]
fn g5_fails_when_the_earlier_reports_judged_another_commit() {
    let config = repo().join("examples/infusense/regops.toml");
    let run = Project::new().regops_with_env(
        &[
            "check",
            "--config",
            &config.display().to_string(),
            "--format",
            "json",
            "--gate",
            "release",
        ],
        &[("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let c = check(&report, "release", "gates-passed");
    assert!(
        c["message"].as_str().unwrap_or_default().contains(
            "`ci` was only judged on other commits: reports/g1-ci.json (commit 8d3f5a2c9e1b)"
        ),
        "{c:#}"
    );
}

#[test]
fn the_release_record_lists_anomalies_documents_and_verifies() {
    let out = Project::new();
    let example = repo().join("examples/infusense");
    let run = out.regops_with_env(
        &[
            "record",
            "--config",
            &example.join("regops.toml").display().to_string(),
            "--out-dir",
            "record",
        ],
        &[("GITHUB_SHA", COMMIT)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(out.path("record/release-record.json")).unwrap();
    let record: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(record["version"], "3.2.0");
    assert_eq!(record["tag"], "v3.2.0");
    assert_eq!(record["commit"], COMMIT);
    assert_eq!(record["udi_di"], "04012345000016");
    let anomalies: Vec<&str> = record["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(anomalies, ["#31", "#35"]);
    let cited: Vec<&str> = record["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["cited"] == true)
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(cited, ["SOP-014", "SOP-020"]);
    assert_eq!(
        record["artifacts"][0]["path"],
        "dist/infusense-3.2.0.tar.gz"
    );
    let markdown = std::fs::read_to_string(out.path("record/release-record.md")).unwrap();
    assert!(
        markdown.contains("| #35 | Battery icon lags the real charge by up to a minute | low |")
    );
    // The record re-hashes from the directory it was made in.
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_regops"))
        .args(["record", "--verify"])
        .arg(out.path("record/release-record.json"))
        .current_dir(&example)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
