//! `regops record`: the release record, its rendering and in-toto
//! statement, and `--verify` catching a single changed byte.

mod common;

use common::Project;

const COMMIT: &str = "4f2c9a1e7b3d5c8f0a6e2d9b1c4f7a3e5d8b0c2f";

fn recorded() -> Project {
    let project = Project::new();
    project.with_example_evidence().config("A", "").write(
        "dist/cardiosense-2.4.1.tar.gz",
        b"\x1f\x8b\x08\x00release bytes".as_slice(),
    );
    let run = project.regops_with_env(
        &[
            "record",
            "--version",
            "2.4.1",
            "--commit",
            COMMIT,
            "--udi-di",
            "04012345000012",
            "--artifact",
            "dist/cardiosense-2.4.1.tar.gz",
            "--out-dir",
            "out",
        ],
        &[("SOURCE_DATE_EPOCH", "1795305600")],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    project
}

fn record(project: &Project) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(project.path("out/release-record.json")).expect("record"))
        .expect("json")
}

#[test]
fn the_record_ties_the_release_to_commit_artefacts_evidence_and_verdicts() {
    let project = recorded();
    let record = record(&project);
    assert_eq!(record["schema"], "regops.release-record/v1");
    assert_eq!(record["version"], "2.4.1");
    assert_eq!(record["commit"], COMMIT);
    assert_eq!(record["built_at"], "2026-11-22T00:00:00Z");
    assert_eq!(record["udi_di"], "04012345000012");
    assert_eq!(record["outcome"], "pass");
    assert_eq!(
        record["artifacts"][0]["path"],
        "dist/cardiosense-2.4.1.tar.gz"
    );
    assert_eq!(
        record["artifacts"][0]["sha256"].as_str().map(str::len),
        Some(64)
    );
    assert!(record["evidence"].as_array().is_some_and(|e| e.len() == 5));
    let g1 = &record["gates"][0];
    assert_eq!(g1["id"], "ci");
    assert_eq!(g1["policy"]["sha256"].as_str().map(str::len), Some(64));
    assert!(g1["params"].as_array().is_some_and(|p| !p.is_empty()));

    // The statement's subject is the record, byte for byte.
    let statement: serde_json::Value = serde_json::from_slice(
        &std::fs::read(project.path("out/release-record.intoto.json")).expect("statement"),
    )
    .expect("json");
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(
        std::fs::read(project.path("out/release-record.json")).expect("record"),
    )
    .iter()
    .map(|b| format!("{b:02x}"))
    .collect();
    assert_eq!(statement["subject"][0]["digest"]["sha256"], digest);
    let markdown = std::fs::read_to_string(project.path("out/release-record.md")).expect("md");
    assert!(
        markdown.contains("# Release record: CardioSense 2.4.1"),
        "{markdown}"
    );
}

#[test]
fn verify_passes_untouched_and_names_a_single_changed_byte_in_any_file() {
    let project = recorded();
    let ok = project.regops(&["record", "--verify", "out/release-record.json"]);
    assert_eq!(ok.code, 0, "{}\n{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.contains("all 7 listed files match"),
        "{}",
        ok.stdout
    );

    for file in [
        "evidence/coverage.xml",
        "dist/cardiosense-2.4.1.tar.gz",
        "regops.toml",
    ] {
        let path = project.path(file);
        let original = std::fs::read(&path).expect("read");
        let mut changed = original.clone();
        let last = changed.len() - 2;
        changed[last] ^= 0x01;
        std::fs::write(&path, &changed).expect("write");
        let run = project.regops(&["record", "--verify", "out/release-record.json"]);
        assert_eq!(run.code, 1, "{file}: {}", run.stdout);
        assert!(
            run.stdout.contains(&format!("CHANGED {file}: changed")),
            "{file}: {}",
            run.stdout
        );
        std::fs::write(&path, &original).expect("restore");
    }
}

#[test]
fn a_version_that_is_not_semver_is_refused() {
    let project = Project::new();
    project.with_example_evidence().config("A", "");
    let run = project.regops(&["record", "--version", "2.4", "--commit", COMMIT]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a semantic version"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_record_stripped_of_digests_or_files_does_not_verify() {
    let project = recorded();
    let mut record = record(&project);
    record["evidence"][0]
        .as_object_mut()
        .expect("an evidence entry")
        .remove("sha256");
    project.write(
        "out/stripped.json",
        serde_json::to_vec(&record).expect("json"),
    );
    let run = project.regops(&["record", "--verify", "out/stripped.json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("listed without a sha256"),
        "{}",
        run.stdout
    );

    for key in ["config", "evidence", "artifacts"] {
        record[key] = serde_json::json!([]);
    }
    project.write("out/empty.json", serde_json::to_vec(&record).expect("json"));
    let run = project.regops(&["record", "--verify", "out/empty.json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("lists no file to verify"),
        "{}",
        run.stdout
    );
}

#[test]
fn verifying_something_that_is_not_a_record_exits_2_and_says_so() {
    let project = Project::new();
    project.write("report.json", "{\"schema\": \"regops.report/v1\"}");
    let run = project.regops(&["record", "--verify", "report.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a regops.release-record/v1"),
        "{}",
        run.stderr
    );
    let missing = project.regops(&["record", "--verify", "nowhere.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("nowhere.json: cannot read the release record"),
        "{}",
        missing.stderr
    );
}
