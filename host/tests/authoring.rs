//! Writing gates: `regops policy new`, `build` and `test`, run as an author
//! would, with the real `regops` binary. The Rust scaffold builds once
//! (~30 s: its own small release build); the Python one installs
//! componentize-py from PyPI into regops' cache on first use.

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn regops(args: &[&str], cwd: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_regops"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("regops runs");
    Run {
        code: output
            .status
            .code()
            .expect("regops exited, not by a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every one of `lines` is in standard output.
fn assert_stdout(run: &Run, lines: &[&str]) {
    for line in lines {
        assert!(run.stdout.contains(line), "no `{line}` in:\n{}", run.stdout);
    }
}

fn assert_code(run: &Run, code: i32, what: &str) {
    assert_eq!(
        run.code, code,
        "{what}: exit {} (expected {code})\nstdout:\n{}\nstderr:\n{}",
        run.code, run.stdout, run.stderr
    );
}

/// The kit written into a Rust gate is the whole kit: a file added to
/// policies/kit/src must be added to `KIT_FILES` too.
#[test]
fn the_vendored_kit_is_every_kit_source() {
    let kit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/kit/src");
    let mut on_disk: Vec<String> = std::fs::read_dir(&kit)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rs"))
        .collect();
    on_disk.sort();
    let mut vendored: Vec<String> = regops::author::KIT_FILES
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    vendored.sort();
    assert_eq!(vendored, on_disk, "host/src/author/mod.rs KIT_FILES");
    assert_eq!(
        regops::author::CONTRACT_WIT,
        include_str!("../../wit/gate.wit")
    );
}

#[test]
fn new_refuses_a_bad_name_and_a_used_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let run = regops(&["policy", "new", "Bad_Name"], tmp.path());
    assert_code(&run, 2, "bad name");
    assert!(
        run.stderr.contains("`Bad_Name` is not a gate id"),
        "{}",
        run.stderr
    );

    std::fs::create_dir(tmp.path().join("taken")).unwrap();
    std::fs::write(tmp.path().join("taken/file"), "x").unwrap();
    let run = regops(&["policy", "new", "taken"], tmp.path());
    assert_code(&run, 2, "used directory");
    assert!(
        run.stderr.contains("exists and is not empty"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_new_rust_gate_passes_its_fixtures_and_a_broken_expectation_shows_a_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    assert_code(&regops(&["policy", "new", "x"], cwd), 0, "policy new");
    let dir = cwd.join("x");
    for file in [
        "policy.toml",
        "Cargo.toml",
        "Cargo.lock",
        "src/lib.rs",
        "README.md",
        ".github/workflows/policy.yml",
        "wit/gate.wit",
        "vendor/regops-kit/Cargo.toml",
        "vendor/regops-kit/src/lib.rs",
        "fixtures/all-pass/fixture.toml",
    ] {
        assert!(dir.join(file).is_file(), "the scaffold has no {file}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("wit/gate.wit")).unwrap(),
        include_str!("../../wit/gate.wit"),
        "the scaffold builds against this regops' contract"
    );

    let run = regops(&["policy", "test", "x"], cwd);
    assert_code(&run, 0, "policy test of a new gate");
    assert_stdout(
        &run,
        &[
            "ok      all-pass: pass",
            "ok      a-test-fails: fail",
            "fixtures: 3 passed, 0 failed",
        ],
    );

    // The component imports the contract and nothing else.
    let run = regops(&["policy", "inspect", "x/dist/x.wasm"], cwd);
    assert_code(&run, 0, "policy inspect");
    let imports = run
        .stdout
        .lines()
        .find(|l| l.starts_with("- imports:"))
        .expect("inspect lists imports");
    for import in imports.trim_start_matches("- imports:").split(',') {
        assert!(import.trim().starts_with("regops:gate/"), "{imports}");
    }
    assert_stdout(&run, &["- gate: x"]);

    // A wrong expectation: exit 1, and a diff naming the check.
    let fixture = dir.join("fixtures/all-pass/fixture.toml");
    let original = std::fs::read_to_string(&fixture).unwrap();
    let broken = original.replace(
        "{ id = \"tests-pass\", outcome = \"pass\" }",
        "{ id = \"tests-pass\", outcome = \"fail\" }",
    );
    assert_ne!(broken, original);
    std::fs::write(&fixture, &broken).unwrap();
    let run = regops(&["policy", "test", "x"], cwd);
    assert_code(&run, 1, "a broken expectation");
    assert_stdout(
        &run,
        &[
            "FAILED  all-pass: pass, but its checks differ",
            "--- expected (fixtures/all-pass/fixture.toml)",
            "- check tests-pass = fail",
            "+ check tests-pass = pass    # all 3 tests passed",
            "  check skips-allowed = pass",
            "fixtures: 2 passed, 1 failed",
        ],
    );

    // --update records the verdict it got, leaving the rest of the file.
    let run = regops(&["policy", "test", "x", "--update"], cwd);
    assert_code(&run, 0, "--update");
    assert_stdout(&run, &["updated all-pass: pass"]);
    assert_eq!(std::fs::read_to_string(&fixture).unwrap(), original);

    // A component built elsewhere (CI's artefact) is judged as it is.
    let run = regops(
        &["policy", "test", "x", "--component", "x/dist/x.wasm"],
        cwd,
    );
    assert_code(&run, 0, "--component");
    assert!(
        !run.stderr.contains("built "),
        "--component builds nothing: {}",
        run.stderr
    );
    assert_stdout(&run, &["fixtures of `x`: x/dist/x.wasm"]);

    // Evidence from a bundle (`regops evidence`) instead of files.
    let run = regops(&["evidence", "x/fixtures/a-test-fails/junit.xml"], cwd);
    assert_code(&run, 0, "regops evidence");
    let bundled = dir.join("fixtures/from-a-bundle");
    std::fs::create_dir(&bundled).unwrap();
    std::fs::write(bundled.join("evidence.json"), &run.stdout).unwrap();
    std::fs::write(
        bundled.join("fixture.toml"),
        "safety-class = \"A\"\nbundle = \"evidence.json\"\n\n[expect]\noutcome = \"fail\"\nchecks = [\n  \
         { id = \"tests-pass\", outcome = \"fail\" },\n  { id = \"skips-allowed\", outcome = \"pass\" },\n]\n",
    )
    .unwrap();
    let run = regops(&["policy", "test", "x"], cwd);
    assert_code(&run, 0, "a fixture judging a bundle");
    assert_stdout(
        &run,
        &[
            "ok      from-a-bundle: fail",
            "fixtures: 4 passed, 0 failed",
        ],
    );

    // A fixture whose evidence is missing cannot be judged: exit 2, named.
    let missing = dir.join("fixtures/missing-evidence");
    std::fs::create_dir(&missing).unwrap();
    std::fs::write(
        missing.join("fixture.toml"),
        "safety-class = \"C\"\n[config.evidence]\ntests = [\"nowhere.xml\"]\n",
    )
    .unwrap();
    let run = regops(&["policy", "test", "x"], cwd);
    assert_code(&run, 2, "a fixture that cannot be judged");
    assert_stdout(
        &run,
        &[
            "ERROR   missing-evidence: fixtures/missing-evidence/fixture.toml",
            "`nowhere.xml` (tests evidence) matches no file",
        ],
    );
}

#[test]
fn a_new_python_gate_passes_its_fixtures() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    let run = regops(&["policy", "new", "y", "--lang", "python"], cwd);
    assert_code(&run, 0, "policy new --lang python");
    let run = regops(&["policy", "test", "y"], cwd);
    assert_code(&run, 0, "policy test of a new Python gate");
    assert_stdout(
        &run,
        &["ok      a-test-fails: fail", "fixtures: 3 passed, 0 failed"],
    );

    // Built once: the second run reuses the component its inputs made.
    let run = regops(&["policy", "build", "y"], cwd);
    assert_code(&run, 0, "policy build");
    assert!(
        run.stderr.contains("up to date y/dist/y.wasm"),
        "{}",
        run.stderr
    );
}

/// What loading the example Python gate costs next to the Rust gates:
/// `cargo test -p regops --test authoring load_cost -- --ignored --nocapture`;
/// the numbers are in docs/authoring.md. Each load is a fresh sandbox (as
/// `regops check` starts one), median of 5; a second load in the same
/// sandbox reuses the compiled code, so it is instantiate + describe alone.
#[test]
#[ignore = "a measurement, not a test"]
fn load_cost() {
    use std::time::{Duration, Instant};
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2].as_secs_f64() * 1e3
    };
    const RUNS: usize = 5;
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policies/python-findings");
    let built = regops::author::build(&python).expect("the Python example builds");
    let mut gates: Vec<(String, Vec<u8>)> = vec![("py-findings (Python)".into(), built.bytes)];
    for builtin in regops::policy::BUILTINS {
        gates.push((format!("{} (Rust)", builtin.id), builtin.component.to_vec()));
    }
    for (name, bytes) in &gates {
        let sha256 = regops::digest::sha256_hex(bytes);
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let sandbox = regops::policy::Sandbox::new(Default::default()).unwrap();
            let started = Instant::now();
            sandbox
                .load_component(name.clone(), sha256.clone(), bytes)
                .unwrap();
            cold.push(started.elapsed());
            let started = Instant::now();
            sandbox
                .load_component(name.clone(), sha256.clone(), bytes)
                .unwrap();
            warm.push(started.elapsed());
        }
        println!(
            "{name:<22} {:>9} bytes  compile + instantiate + describe: {:>8.1} ms  instantiate + describe: {:>6.1} ms  (median of {RUNS})",
            bytes.len(),
            median(cold),
            median(warm),
        );
    }
}
