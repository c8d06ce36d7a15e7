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
    let run = Project::new().regops(&["policy", "inspect", "audit"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("neither a built-in gate (ci, change, integration, deployment, release)"),
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

#[test]
fn inspect_shows_metadata_contract_imports_and_exports() {
    let run = Project::new().regops(&["policy", "inspect", "ci"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "- contract: regops:gate@0.1.0 (this regops implements regops:gate@0.1.0)",
        "- imports: regops:gate/host@0.1.0",
        "- exports: `describe`, `evaluate`",
        "## Metadata (`regops:metadata`)",
        "- gate: ci",
        &format!("- version: {}", env!("CARGO_PKG_VERSION")),
        "- authors: regops contributors",
        "- source: https://github.com/regops/regops/tree/v",
        &format!("- minimum regops: {}", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(run.stdout.contains(expected), "{expected}:\n{}", run.stdout);
    }
}

/// G1's component with every `regops:gate/…@0.1.0` name rewritten to
/// `@{version}` (same length): a component built against that contract.
fn ci_built_against(version: &str) -> Vec<u8> {
    assert_eq!(version.len(), "0.1.0".len());
    let mut bytes = regops::policy::find_builtin("ci")
        .unwrap()
        .component
        .to_vec();
    let (from, to) = (b"@0.1.0".as_slice(), format!("@{version}"));
    let mut i = 0;
    let mut replaced = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to.as_bytes());
            replaced += 1;
        }
        i += 1;
    }
    assert!(replaced >= 3, "the contract's import names were found");
    bytes
}

/// A custom section (id 0) named `name` holding `data`.
/// The built-in G1 component with `metadata` appended as its
/// `regops:metadata` section, written to `gate.wasm`.
fn ci_with_metadata(project: &Project, metadata: &[u8]) {
    let mut bytes = regops::policy::find_builtin("ci")
        .unwrap()
        .component
        .to_vec();
    regops::policy::custom_section::append(&mut bytes, "regops:metadata", metadata);
    project.write("gate.wasm", &bytes);
}

#[test]
fn a_component_built_against_another_contract_is_refused_at_load_naming_versions() {
    for (version, says) in [
        ("0.2.0", "needs a regops newer than"),
        ("1.0.0", "needs a regops newer than"),
        ("0.1.9", "needs a regops newer than"),
        ("0.0.9", "No regops release implements it"),
    ] {
        let project = Project::new();
        project.write("gate.wasm", ci_built_against(version));
        let run = project.regops(&["policy", "inspect", "gate.wasm"]);
        assert_eq!(run.code, 2, "{version}");
        for expected in [
            &format!("gate.wasm was built against regops:gate@{version}"),
            "this regops 0.1.0 implements regops:gate@0.1.0 and loads components built against 0.1.0 to 0.1.0",
            says,
        ] {
            assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
        }
    }
}

#[test]
fn a_component_asking_for_a_newer_regops_in_its_metadata_is_refused() {
    let project = Project::new();
    ci_with_metadata(&project, br#"{"gate":"ci","min-regops":"99.0.0"}"#);
    let run = project.regops(&["policy", "inspect", "gate.wasm"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("gate.wasm needs regops 99.0.0 or newer (its `regops:metadata` says so)"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_external_component_shows_its_own_metadata() {
    let project = Project::new();
    ci_with_metadata(&project, br#"{"gate":"coverage-plus","version":"2.3.0","authors":["Quality <q@acme.example>"],"source":"https://git.acme.example/gates","min-regops":"0.1.0"}"#);
    let run = project.regops(&["policy", "inspect", "gate.wasm"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "- gate: coverage-plus",
        "- version: 2.3.0",
        "- authors: Quality <q@acme.example>",
        "- source: https://git.acme.example/gates",
    ] {
        assert!(run.stdout.contains(expected), "{expected}:\n{}", run.stdout);
    }
}

/// Cold load time of each built-in gate, from its embedded precompiled code
/// and compiled from its component bytes, each in a fresh engine. Run with
/// `cargo test -p regops --test policy compile_cost -- --ignored --nocapture`;
/// the numbers are in docs/policies.md.
#[test]
#[ignore = "a measurement, not a test"]
fn compile_cost() {
    use std::time::{Duration, Instant};
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    const RUNS: usize = 5;
    for builtin in regops::policy::BUILTINS {
        let mut precompiled = Vec::new();
        let mut compiled = Vec::new();
        for _ in 0..RUNS {
            let sandbox = regops::policy::Sandbox::new(Default::default()).unwrap();
            let started = Instant::now();
            sandbox.load_builtin(builtin).unwrap();
            precompiled.push(started.elapsed());
            let sandbox = regops::policy::Sandbox::new(Default::default()).unwrap();
            let started = Instant::now();
            sandbox
                .load_component(
                    builtin.id.to_string(),
                    builtin.sha256.to_string(),
                    builtin.component,
                )
                .unwrap();
            compiled.push(started.elapsed());
        }
        println!(
            "{:<12} {:>8} bytes  precompiled: {:>7.1} ms  compiled from bytes: {:>7.1} ms  (median of {RUNS})",
            builtin.id,
            builtin.component.len(),
            median(precompiled).as_secs_f64() * 1e3,
            median(compiled).as_secs_f64() * 1e3,
        );
    }
}
