//! `regops policy build`: a gate's source to `dist/<gate>.wasm`, a component
//! that imports nothing but the `regops:gate` contract, with the gate's
//! `regops:metadata` section appended.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

use super::{Lang, Manifest, python, write_generated};
use crate::policy::contract::{self, METADATA_SECTION, Metadata, REGOPS_VERSION};
use crate::policy::custom_section;

/// Rust gates are core modules for this target, componentised here; a
/// `wasm32-wasip2` build would import WASI, which the sandbox refuses.
const RUST_TARGET: &str = "wasm32-unknown-unknown";

/// A built gate.
pub struct Built {
    pub manifest: Manifest,
    /// `dist/<gate>.wasm`.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// Generated files that were rewritten because this regops differs.
    pub refreshed: Vec<PathBuf>,
    /// The sources had not changed since the last build, which was reused.
    pub reused: bool,
}

/// Builds the gate in `dir`.
pub fn build(dir: &Path) -> anyhow::Result<Built> {
    let manifest = Manifest::load(dir)?;
    let refreshed = write_generated(dir, manifest.lang)?;
    let path = manifest.component_path(dir);
    let dist = path.parent().unwrap_or(dir).to_path_buf();
    std::fs::create_dir_all(&dist).with_context(|| format!("creating {}", dist.display()))?;

    // A Python build takes seconds and cargo is not there to skip it: key
    // the last one by everything that goes in.
    let stamp_path = dist.join(format!(".{}.inputs", manifest.gate));
    let stamp = match manifest.lang {
        Lang::Python => Some(inputs_digest(dir)?),
        Lang::Rust => None,
    };
    if let Some(stamp) = &stamp
        && std::fs::read_to_string(&stamp_path).is_ok_and(|old| old == *stamp)
        && let Ok(bytes) = std::fs::read(&path)
    {
        let sha256 = crate::digest::sha256_hex(&bytes);
        return Ok(Built {
            manifest,
            path,
            bytes,
            sha256,
            refreshed,
            reused: true,
        });
    }

    let mut bytes = match manifest.lang {
        Lang::Rust => rust_component(dir)?,
        Lang::Python => python::componentize(dir, &dist.join(".componentize-py.wasm"))?,
    };
    let foreign = foreign_imports(&bytes)?;
    if !foreign.is_empty() {
        bail!(
            "the built component imports {:?}, outside the regops:gate contract, so regops would refuse it; \
             remove what pulls them in (for Rust: std::fs, std::time, std::env, println!, random numbers)",
            foreign
        );
    }
    append_metadata(&mut bytes, &manifest)?;
    std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    if let Some(stamp) = stamp {
        std::fs::write(&stamp_path, stamp)
            .with_context(|| format!("writing {}", stamp_path.display()))?;
    }
    let sha256 = crate::digest::sha256_hex(&bytes);
    Ok(Built {
        manifest,
        path,
        bytes,
        sha256,
        refreshed,
        reused: false,
    })
}

/// `cargo build` for the wasm target, then the module made a component.
fn rust_component(dir: &Path) -> anyhow::Result<Vec<u8>> {
    // cargo runs in `dir`: a relative target directory would nest.
    let dir = &std::path::absolute(dir).with_context(|| format!("resolving {}", dir.display()))?;
    let manifest_path = dir.join("Cargo.toml");
    let cargo_toml: toml::Table = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?
        .parse()
        .with_context(|| format!("{} is not valid TOML", manifest_path.display()))?;
    let krate = cargo_toml
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .with_context(|| format!("{} has no [package] name", manifest_path.display()))?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir)
        .args(["build", "--release", "--target", RUST_TARGET])
        // The gate's own target directory, whatever the caller's is.
        .arg("--target-dir")
        .arg(dir.join("target"))
        .stdout(Stdio::from(std::io::stderr()));
    // Settings of an enclosing cargo (regops run from `cargo run` or a
    // test) are for the host, not for the gate.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_MANIFEST_DIR",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd.status().context("cannot start cargo")?;
    if !status.success() {
        bail!(
            "`cargo build --release --target {RUST_TARGET}` in {} failed ({status}); see cargo's message above. \
             If the target is missing: `rustup target add {RUST_TARGET}`",
            dir.display()
        );
    }
    let module_path = dir
        .join("target")
        .join(RUST_TARGET)
        .join("release")
        .join(format!("{}.wasm", krate.replace('-', "_")));
    let module = std::fs::read(&module_path).with_context(|| {
        format!(
            "reading {}: is the crate's [lib] crate-type \"cdylib\"?",
            module_path.display()
        )
    })?;
    wit_component::ComponentEncoder::default()
        .module(&module)
        .and_then(|encoder| encoder.validate(true).encode())
        .with_context(|| {
            format!(
                "turning {} into a component (it must export the regops:gate world: `regops_kit::gate!(YourGate);`)",
                module_path.display()
            )
        })
}

/// The component's top-level imports of instances or functions outside the
/// contract (type imports, which the world's `use` adds, are names only).
fn foreign_imports(bytes: &[u8]) -> anyhow::Result<Vec<String>> {
    use wasmparser::{ComponentTypeRef, Parser, Payload};
    let mut depth = 0usize;
    let mut foreign = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.context("the built component is not valid WebAssembly")? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let import = import.context("the built component is not valid WebAssembly")?;
                    let name = import.name.name;
                    if !matches!(import.ty, ComponentTypeRef::Type(_))
                        && !contract::is_contract_import(name)
                    {
                        foreign.push(name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    Ok(foreign)
}

/// Appends the `regops:metadata` custom section (docs/policies.md).
fn append_metadata(component: &mut Vec<u8>, manifest: &Manifest) -> anyhow::Result<()> {
    let metadata = Metadata {
        gate: Some(manifest.gate.clone()),
        version: Some(manifest.version.clone()),
        authors: manifest.authors.clone(),
        source: Some(manifest.source.clone()).filter(|s| !s.is_empty()),
        min_regops: Some(REGOPS_VERSION.to_string()),
    };
    let json = serde_json::to_vec(&metadata)?;
    custom_section::append(component, METADATA_SECTION, &json);
    Ok(())
}

/// SHA-256 over what a Python build reads: the tool's version, the
/// contract, the manifest and every file under `src/`.
fn inputs_digest(dir: &Path) -> anyhow::Result<String> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir.join("src"))
        .into_iter()
        .filter_entry(|e| e.file_name() != "__pycache__")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mut text = format!(
        "componentize-py {}\nregops {REGOPS_VERSION}\n",
        python::COMPONENTIZE_PY
    );
    for path in std::iter::once(dir.join("wit/gate.wit"))
        .chain(std::iter::once(dir.join(super::MANIFEST)))
        .chain(files)
    {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let relative = path.strip_prefix(dir).unwrap_or(&path);
        text.push_str(&format!(
            "{} {}\n",
            crate::digest::sha256_hex(&bytes),
            relative.display()
        ));
    }
    Ok(crate::digest::sha256_hex(text.as_bytes()))
}
