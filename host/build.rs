//! Builds the built-in gate policies for the wasm target, turns each into a
//! component, precompiles it for this host, and embeds both in `regops`, so
//! `cargo build` alone yields a self-contained binary that needs no
//! compilation at run time (the pattern of wasmtime's test-programs).

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

#[path = "src/policy/custom_section.rs"]
mod custom_section;
#[path = "src/policy/engine_config.rs"]
mod engine_config;

/// Built-in gates: (gate id, crate name).
const BUILTINS: &[(&str, &str)] = &[
    ("ci", "regops-gate-ci"),
    ("change", "regops-gate-change"),
    ("integration", "regops-gate-integration"),
    ("deployment", "regops-gate-deployment"),
    ("release", "regops-gate-release"),
];

/// Guests are core modules for this target, componentised below; a
/// `wasm32-wasip2` build would import WASI interfaces the sandbox refuses.
const GUEST_TARGET: &str = "wasm32-unknown-unknown";

fn main() {
    if let Err(e) = run() {
        // A build script's error is the developer's only clue: say what to do.
        eprintln!("error: building the built-in gate components failed: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let workspace = manifest_dir
        .parent()
        .ok_or("host/ has no parent")?
        .to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    for path in [
        "wit",
        "policies",
        "Cargo.lock",
        // The version, authors and repository in each gate's metadata.
        "Cargo.toml",
        "host/Cargo.toml",
        "host/src/policy/engine_config.rs",
        "host/src/policy/custom_section.rs",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(path).display());
    }

    // One target directory for guests, shared by build, test and clippy.
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
        .join("guests");
    build_guests(&workspace, &target_dir)?;
    declare_versions(&workspace)?;

    let engine = wasmtime::Engine::new(&engine_config::engine_config())?;
    let mut table = String::from("&[\n");
    for (id, krate) in BUILTINS {
        let module_path = target_dir
            .join(GUEST_TARGET)
            .join("guest")
            .join(format!("{}.wasm", krate.replace('-', "_")));
        let module = std::fs::read(&module_path)
            .map_err(|e| format!("reading {}: {e}", module_path.display()))?;
        let mut component = wit_component::ComponentEncoder::default()
            .module(&module)?
            .validate(true)
            .encode()?;
        append_metadata(&mut component, id)?;
        let precompiled = engine.precompile_component(&component)?;
        let sha256 = hex(&Sha256::digest(&component));
        let component_path = out_dir.join(format!("{id}.wasm"));
        let precompiled_path = out_dir.join(format!("{id}.cwasm"));
        std::fs::write(&component_path, &component)?;
        std::fs::write(&precompiled_path, &precompiled)?;
        writeln!(
            table,
            "    Builtin {{ id: {id:?}, component: include_bytes!({:?}), precompiled: include_bytes!({:?}), sha256: {sha256:?} }},",
            component_path.display().to_string(),
            precompiled_path.display().to_string(),
        )?;
    }
    table.push(']');
    std::fs::write(out_dir.join("builtins.rs"), table)?;
    Ok(())
}

/// The `regops:gate` contract version (from `wit/gate.wit`) and the
/// wasmtime version (from `Cargo.lock`), for the host's load checks and the
/// report's decision record.
fn declare_versions(workspace: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let wit = std::fs::read_to_string(workspace.join("wit/gate.wit"))?;
    let contract = wit
        .lines()
        .find_map(|l| l.trim().strip_prefix("package regops:gate@"))
        .and_then(|v| v.strip_suffix(';'))
        .ok_or("wit/gate.wit has no `package regops:gate@x.y.z;` line")?;
    println!("cargo:rustc-env=REGOPS_GATE_CONTRACT={contract}");
    let lock = std::fs::read_to_string(workspace.join("Cargo.lock"))?;
    let wasmtime = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"wasmtime\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
        .ok_or("Cargo.lock names no wasmtime package")?;
    println!("cargo:rustc-env=REGOPS_WASMTIME_VERSION={wasmtime}");
    Ok(())
}

/// Appends the `regops:metadata` custom section (JSON: gate id, version,
/// authors, source, minimum regops version) that `regops policy inspect`
/// shows; docs/policies.md describes it for external gates.
fn append_metadata(component: &mut Vec<u8>, id: &str) -> Result<(), Box<dyn std::error::Error>> {
    let version = env::var("CARGO_PKG_VERSION")?;
    let repository = env::var("CARGO_PKG_REPOSITORY")?;
    let authors: Vec<String> = env::var("CARGO_PKG_AUTHORS")
        .unwrap_or_default()
        .split(':')
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    let authors = if authors.is_empty() {
        vec!["regops contributors".to_string()]
    } else {
        authors
    };
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let json = format!(
        "{{\"gate\":{},\"version\":{},\"authors\":[{}],\"source\":{},\"min-regops\":{}}}",
        quote(id),
        quote(&version),
        authors
            .iter()
            .map(|a| quote(a))
            .collect::<Vec<_>>()
            .join(","),
        quote(&format!("{repository}/tree/v{version}/policies/{id}")),
        quote(&version),
    );
    custom_section::append(component, custom_section::METADATA_SECTION, json.as_bytes());
    Ok(())
}

fn build_guests(workspace: &Path, target_dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .args([
            "build",
            "--profile",
            "guest",
            "--target",
            GUEST_TARGET,
            "--target-dir",
        ])
        .arg(target_dir);
    for (_, krate) in BUILTINS {
        cmd.args(["-p", krate]);
    }
    // The outer build's settings are for the host, not for the guests:
    // flags, wrappers (clippy's) and a forced target must not leak in.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd.status()?;
    if !status.success() {
        return Err(format!(
            "`cargo build --target {GUEST_TARGET}` of the gate policies failed ({status}); \
             if the target is missing, run `rustup target add {GUEST_TARGET}` \
             (rust-toolchain.toml normally installs it)"
        )
        .into());
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
