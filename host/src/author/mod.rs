//! Writing gates: `regops policy new` scaffolds one, `regops policy build`
//! turns its source into a component that imports nothing but the
//! `regops:gate` contract, and `regops policy test` judges its fixtures
//! through the same path as `regops check`.
//!
//! Everything a gate builds against comes from this binary: the contract
//! (`wit/gate.wit`) and, for Rust, the gate kit (`policies/kit`), embedded at
//! compile time from the regops tree and written out next to the gate. A
//! gate therefore builds against the contract of the regops that runs it,
//! with no git access and no second copy to keep in step.

mod component;
mod fixture;
mod python;
mod scaffold;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

pub use component::{Built, build};
pub use fixture::{TestOptions, TestSummary, test};
pub use python::{COMPONENTIZE_PY, cache_dir};
pub use scaffold::new;

/// The contract this regops implements, as its source text.
pub const CONTRACT_WIT: &str = include_str!("../../../wit/gate.wit");

/// The Rust gate kit's sources, written to `vendor/regops-kit/src/` of a
/// Rust gate. A test compares this list with `policies/kit/src/`.
pub const KIT_FILES: &[(&str, &str)] = &[
    ("lib.rs", include_str!("../../../policies/kit/src/lib.rs")),
    (
        "evidence.rs",
        include_str!("../../../policies/kit/src/evidence.rs"),
    ),
    (
        "params.rs",
        include_str!("../../../policies/kit/src/params.rs"),
    ),
    (
        "testing.rs",
        include_str!("../../../policies/kit/src/testing.rs"),
    ),
];

/// The workspace manifest: the kit's wit-bindgen dependency and edition.
const WORKSPACE_MANIFEST: &str = include_str!("../../../Cargo.toml");
/// The workspace lockfile: a Rust gate starts from the same crate versions.
const WORKSPACE_LOCK: &str = include_str!("../../../Cargo.lock");
/// The toolchain regops itself is built with.
const TOOLCHAIN: &str = include_str!("../../../rust-toolchain.toml");

/// The world a gate targets, e.g. `regops:gate/gate@0.1.0`.
pub fn world() -> String {
    format!(
        "regops:gate/gate@{}",
        crate::policy::contract::CONTRACT_VERSION
    )
}

/// The language a gate is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Rust,
    Python,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::Python => "python",
        }
    }
}

/// A gate's `policy.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The gate id; also the component's file name (`dist/<gate>.wasm`).
    pub gate: String,
    pub lang: Lang,
    /// The policy's version, carried in its metadata.
    pub version: String,
    #[serde(default)]
    pub authors: Vec<String>,
    /// Where the source lives (a URL); empty: not said.
    #[serde(default)]
    pub source: String,
}

/// The manifest's name in a gate's directory.
pub const MANIFEST: &str = "policy.toml";

impl Manifest {
    pub fn load(dir: &Path) -> anyhow::Result<Manifest> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "cannot read {}: is {} a gate's directory? `regops policy new <name>` makes one",
                path.display(),
                dir.display()
            )
        })?;
        let source = crate::config::Source::new(path.display().to_string(), text);
        let manifest: Manifest = source.parse_toml()?;
        valid_name(&manifest.gate)
            .map_err(|e| anyhow::anyhow!("{}: `gate`: {e}", path.display()))?;
        Ok(manifest)
    }

    /// Where `regops policy build` writes the component.
    pub fn component_path(&self, dir: &Path) -> PathBuf {
        dir.join("dist").join(format!("{}.wasm", self.gate))
    }
}

/// A gate id: lowercase kebab-case, as `[gates.<id>]` and file names take it.
pub fn valid_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a gate id: use lowercase letters, digits and single hyphens, \
             starting with a letter (e.g. `coverage-plus`)"
        ))
    }
}

/// Writes the files generated from this regops (the contract, and for Rust
/// the kit) where they differ; returns those it changed.
pub fn write_generated(dir: &Path, lang: Lang) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = vec![(PathBuf::from("wit/gate.wit"), CONTRACT_WIT.to_string())];
    if lang == Lang::Rust {
        let kit = Path::new("vendor/regops-kit");
        files.push((kit.join("Cargo.toml"), kit_manifest()?));
        for (name, text) in KIT_FILES {
            files.push((kit.join("src").join(name), text.to_string()));
        }
    }
    let mut changed = Vec::new();
    for (relative, text) in files {
        let path = dir.join(&relative);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            continue;
        }
        write(&path, &text)?;
        changed.push(relative);
    }
    Ok(changed)
}

/// Writes a file, creating its directory.
fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The vendored kit's manifest: the kit's own dependency on wit-bindgen, as
/// the regops workspace declares it.
fn kit_manifest() -> anyhow::Result<String> {
    let workspace: toml::Table = toml::from_str(WORKSPACE_MANIFEST)
        .context("the embedded workspace Cargo.toml does not parse")?;
    let wit_bindgen = workspace
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.get("wit-bindgen"))
        .context("the embedded workspace Cargo.toml names no wit-bindgen dependency")?;
    Ok(format!(
        "# Generated by regops {version} from its gate kit (policies/kit): do not edit.\n\
         # `regops policy build` rewrites it to match the regops that builds the gate.\n\
         [package]\n\
         name = \"regops-kit\"\n\
         version = \"{version}\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         wit-bindgen = {}\n",
        toml_value(wit_bindgen),
        version = crate::policy::contract::REGOPS_VERSION,
    ))
}

/// The workspace lockfile's crates.io packages, as a Rust gate's first
/// `Cargo.lock`: cargo keeps the versions it needs and drops the rest, so the
/// gate builds with the crates regops was built and tested with.
fn starting_lockfile() -> String {
    let mut text = String::from(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n",
    );
    for block in WORKSPACE_LOCK.split("\n[[package]]\n").skip(1) {
        if block.contains("\nsource = \"registry+") {
            text.push_str("\n[[package]]\n");
            text.push_str(block.trim_end());
            text.push('\n');
        }
    }
    text
}

/// The toolchain channel regops is built with (`rust-toolchain.toml`).
fn toolchain_channel() -> Option<&'static str> {
    TOOLCHAIN.lines().find_map(|line| {
        let value = line
            .trim()
            .strip_prefix("channel")?
            .trim()
            .strip_prefix('=')?;
        Some(value.trim().trim_matches('"'))
    })
}

/// A TOML value as inline TOML text (regops' `toml` is built without its
/// serialiser; gate manifests and fixture configurations need only this).
pub(crate) fn toml_value(value: &toml::Value) -> String {
    use toml::Value;
    match value {
        // A JSON string literal is a valid TOML basic string.
        Value::String(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string()),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) if f.is_nan() => "nan".to_string(),
        Value::Float(f) if f.is_infinite() => if *f > 0.0 { "inf" } else { "-inf" }.to_string(),
        // `{:?}` keeps the decimal point: 1.0, not 1 (an integer in TOML).
        Value::Float(f) => format!("{f:?}"),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Table(table) => format!(
            "{{ {} }}",
            table
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), toml_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A TOML key, quoted when it is not a bare key.
pub(crate) fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_string()
    } else {
        serde_json::to_string(key).unwrap_or_else(|_| "\"\"".to_string())
    }
}

/// `regops policy new`.
pub fn run_new(name: &str, lang: Lang, dir: Option<&Path>) -> anyhow::Result<i32> {
    let dir = new(name, lang, dir)?;
    let shown = dir.display();
    eprintln!("created gate `{name}` ({}) in {shown}", lang.as_str());
    eprintln!("next: regops policy test {shown}    # build it and judge its fixtures");
    eprintln!("      then edit it; docs/authoring.md walks through the rest");
    Ok(0)
}

/// `regops policy build`.
pub fn run_build(dir: &Path) -> anyhow::Result<i32> {
    let built = build(dir)?;
    report_build(&built);
    println!("{}", built.path.display());
    Ok(0)
}

pub(crate) fn report_build(built: &Built) {
    for file in &built.refreshed {
        eprintln!(
            "wrote {} (from this regops: the regops:gate@{} contract)",
            file.display(),
            crate::policy::contract::CONTRACT_VERSION
        );
    }
    eprintln!(
        "{} {}: {} bytes, sha256 {}",
        if built.reused { "up to date" } else { "built" },
        built.path.display(),
        built.bytes.len(),
        built.sha256
    );
}

/// `regops policy test`.
pub fn run_test(options: &TestOptions) -> anyhow::Result<i32> {
    let summary = test(options, &mut std::io::stdout().lock())?;
    Ok(summary.exit_code())
}
