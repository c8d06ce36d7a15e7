//! `regops policy list|inspect`: what the built-in gates declare.

mod common;

use common::Project;

#[test]
fn list_shows_every_builtin_gate_with_its_digest() {
    let run = Project::new().regops(&["policy", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("builtin:ci"))
        .expect("G1 is listed");
    assert!(line.contains("G1 Continuous integration"), "{line}");
    let digest = line.split("sha256:").nth(1).expect("a digest");
    assert_eq!(digest.trim().len(), 64, "{line}");
}

#[test]
fn inspect_shows_parameters_with_their_class_defaults() {
    let run = Project::new().regops(&["policy", "inspect", "ci"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("| `line-coverage` | ratio | 0.0% | 70.0% | 80.0% |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("| `vulnerability-severity` | severity | critical | high | medium |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("- needs: tests, coverage, findings"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("IEC 62304 5.1.12 — Identification and avoidance of common software defects")
    );
    let builtin = Project::new().regops(&["policy", "inspect", "builtin:ci"]);
    assert_eq!(builtin.stdout, run.stdout);
}

#[test]
fn inspect_of_something_unknown_says_what_it_accepts() {
    let run = Project::new().regops(&["policy", "inspect", "release"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("neither a built-in gate (ci, change)"),
        "{}",
        run.stderr
    );
}

#[test]
fn inspect_of_a_file_that_is_not_a_component_says_so() {
    let project = Project::new();
    project.write("gate.wasm", b"\0asm\x01\0\0\0");
    let run = project.regops(&["policy", "inspect", "gate.wasm"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("gate.wasm is not a valid WebAssembly component"),
        "{}",
        run.stderr
    );
}
