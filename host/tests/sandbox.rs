//! Hostile gate components, built by this test for the wasm targets: each
//! gets `error` with a clear message within a bounded time, and the other
//! gates still report.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{Project, check, gate_outcome};

struct Guests {
    /// Built for wasm32-unknown-unknown and componentised: imports only the contract.
    contained: Vec<u8>,
    /// Built for wasm32-wasip2: imports WASI interfaces.
    wasi: Vec<u8>,
}

/// Builds the hostile gate once per test binary.
fn guests() -> &'static Guests {
    static GUESTS: OnceLock<Guests> = OnceLock::new();
    GUESTS.get_or_init(|| {
        let repo = common::repo();
        let target_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join("target"))
            .join("guests");
        let build = |target: &str| {
            let status = Command::new(env!("CARGO"))
                .current_dir(&repo)
                .args([
                    "build",
                    "--quiet",
                    "--profile",
                    "guest",
                    "-p",
                    "regops-hostile-gate",
                    "--target",
                    target,
                ])
                .arg("--target-dir")
                .arg(&target_dir)
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .status()
                .expect("run cargo");
            assert!(
                status.success(),
                "building the hostile gate for {target} failed"
            );
            std::fs::read(
                target_dir
                    .join(target)
                    .join("guest/regops_hostile_gate.wasm"),
            )
            .expect("read guest")
        };
        let core = build("wasm32-unknown-unknown");
        let contained = wit_component::ComponentEncoder::default()
            .module(&core)
            .and_then(|e| e.validate(true).encode())
            .expect("componentise the hostile gate");
        Guests {
            contained,
            wasi: build("wasm32-wasip2"),
        }
    })
}

/// A project whose config runs G1 plus the hostile gate in each `mode`,
/// and its WASI build, all pinned in regops.lock.
fn hostile_project(modes: &[&str], limits: &str) -> Project {
    let guests = guests();
    let project = Project::new();
    project.with_example_evidence();
    project.write("policies/hostile.wasm", &guests.contained);
    project.write("policies/hostile-wasi.wasm", &guests.wasi);
    let mut extra = String::from("[gates.ci.params.B]\nrequire-vulnerability-scan = false\n");
    for mode in modes {
        let policy = if *mode == "wasi" {
            "policies/hostile-wasi.wasm"
        } else {
            "policies/hostile.wasm"
        };
        let param = if *mode == "wasi" { "env" } else { mode };
        extra.push_str(&format!(
            "[gates.{mode}]\npolicy = \"{policy}\"\n[gates.{mode}.params.B]\nmode = \"{param}\"\n"
        ));
    }
    extra.push_str(limits);
    project.config("B", &extra);
    let pin = |path: &str, bytes: &[u8]| {
        format!(
            "[[policy]]\nsource = \"{path}\"\nsha256 = \"{}\"\n",
            regops::digest::sha256_hex(bytes)
        )
    };
    project.write(
        "regops.lock",
        format!(
            "version = 1\n{}{}",
            pin("policies/hostile.wasm", &guests.contained),
            pin("policies/hostile-wasi.wasm", &guests.wasi)
        ),
    );
    project
}

fn error_message(report: &serde_json::Value, gate: &str) -> String {
    let gate_json = report["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == gate)
        .unwrap();
    gate_json["checks"][0]["message"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn every_hostile_gate_errors_and_the_others_still_report() {
    let project = hostile_project(
        &["loop", "grow", "trap", "undeclared", "wasi"],
        "[limits]\nfuel = 300000000\nmemory-mib = 64\ntimeout-seconds = 20\n",
    );
    let started = Instant::now();
    let run = project.check_json();
    let elapsed = started.elapsed();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        elapsed < Duration::from_secs(20),
        "contained within its limits, took {elapsed:?}"
    );
    let report = run.json();

    assert_eq!(gate_outcome(&report, "ci"), "pass", "G1 still reports");
    assert_eq!(check(&report, "ci", "tests-pass")["outcome"], "pass");
    for gate in ["loop", "grow", "trap", "undeclared", "wasi"] {
        assert_eq!(gate_outcome(&report, gate), "error", "{gate}");
    }
    let loop_message = error_message(&report, "loop");
    assert!(
        loop_message.contains("ran out of its execution budget of 300000000 fuel units"),
        "{loop_message}"
    );
    let grow_message = error_message(&report, "grow");
    assert!(
        grow_message.contains("above the limit of 67108864 bytes"),
        "{grow_message}"
    );
    let trap_message = error_message(&report, "trap");
    assert!(trap_message.contains("trapped"), "{trap_message}");
    assert!(
        trap_message.contains("deliberate trap: this gate refuses to judge"),
        "the panic message reaches the user: {trap_message}"
    );
    let undeclared = error_message(&report, "undeclared");
    assert!(
        undeclared.contains("queried `components` evidence, which it did not declare"),
        "{undeclared}"
    );
    let wasi = error_message(&report, "wasi");
    assert!(wasi.contains("imports `wasi:"), "{wasi}");
    assert!(
        wasi.contains("outside the regops:gate@0.1 contract"),
        "{wasi}"
    );
}

#[test]
fn the_wall_clock_backstop_stops_a_gate_with_an_unlimited_budget() {
    let project = hostile_project(
        &["loop"],
        "[limits]\nfuel = 18446744073709551615\ntimeout-seconds = 1\n",
    );
    let started = Instant::now();
    let run = project.check_json();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(run.code, 2);
    let message = error_message(&run.json(), "loop");
    assert!(message.contains("wall-clock limit of 1 s"), "{message}");
}

#[test]
fn a_well_behaved_external_gate_passes_and_reports_its_digest_and_fuel() {
    let project = hostile_project(&[], "");
    let mut config = std::fs::read_to_string(project.path("regops.toml")).unwrap();
    config.push_str("[gates.calm]\npolicy = \"policies/hostile.wasm\"\n");
    project.write("regops.toml", config);
    let run = project.check_json();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let calm = report["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "calm")
        .unwrap();
    assert_eq!(calm["outcome"], "pass");
    assert_eq!(
        calm["policy"]["sha256"],
        regops::digest::sha256_hex(&guests().contained)
    );
    assert!(calm["fuel_consumed"].as_u64().unwrap() > 0);
}

#[test]
fn a_changed_byte_in_a_pinned_component_is_refused_before_compilation() {
    let project = hostile_project(&["trap"], "");
    let mut bytes = guests().contained.clone();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    project.write("policies/hostile.wasm", &bytes);
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.is_empty(),
        "nothing was evaluated: {}",
        run.stdout
    );
    assert!(run.stderr.contains("gate `trap`"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "expected sha256 {}",
            regops::digest::sha256_hex(&guests().contained)
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("found {}", regops::digest::sha256_hex(&bytes))),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unpinned_component_is_refused_and_the_pin_is_shown() {
    let project = hostile_project(&["trap"], "");
    std::fs::remove_file(project.path("regops.lock")).unwrap();
    let run = project.check();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not pinned"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&regops::digest::sha256_hex(&guests().contained)),
        "{}",
        run.stderr
    );
}
