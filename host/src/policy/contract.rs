//! What a component says about itself before anything compiles it: the
//! `regops:gate` contract version it was built against (from its import
//! names), its imports and exports, and the `regops:metadata` custom section.
//!
//! The compatibility rule (docs/policies.md): semver as Cargo reads it. In
//! `0.x` the minor number is the breaking one, so a component built against
//! `regops:gate@0.M.p` loads in a host implementing `0.M.q` with `q >= p`;
//! from `1.0` on, one built against `N.m.p` loads in a host implementing
//! `N.n.q` with `n >= m`. Every other version is refused at load, naming the
//! regops releases that implement it.

use serde::{Deserialize, Serialize};

/// The contract this host implements, from `wit/gate.wit`'s package line.
pub const CONTRACT_VERSION: &str = env!("REGOPS_GATE_CONTRACT");
/// The wasmtime this host runs gates on, from `Cargo.lock`.
pub const WASMTIME_VERSION: &str = env!("REGOPS_WASMTIME_VERSION");
/// This regops.
pub const REGOPS_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The contract's package name, as import names carry it.
const CONTRACT_PACKAGE: &str = "regops:gate/";

/// The custom section a gate's metadata travels in.
pub use super::custom_section::METADATA_SECTION;

/// Which regops releases implemented which contract version, newest last;
/// extended with every release that changes `wit/gate.wit`'s version.
const RELEASES: &[(&str, &str)] = &[("0.1.0", "0.1.0")];

/// A policy's own metadata, from its `regops:metadata` custom section (JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metadata {
    /// The gate id it is meant to be configured as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
    /// The policy's version (semver).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Who wrote it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Where its source is (a URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The oldest regops that can run it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_regops: Option<String>,
}

/// A component's outward facts, read without compiling it.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Top-level import names, e.g. `regops:gate/evidence@0.1.0`.
    pub imports: Vec<String>,
    /// Top-level export names, e.g. `describe`.
    pub exports: Vec<String>,
    /// The contract version its `regops:gate/…` imports name, e.g. `0.1.0`.
    pub contract: Option<String>,
    /// Its `regops:metadata` section, when it has one.
    pub metadata: Option<Metadata>,
    /// Size in bytes.
    pub size: u64,
}

impl Facts {
    /// `regops:gate@x.y.z`, as the lockfile records it.
    pub fn wit_package(&self) -> Option<String> {
        self.contract.as_ref().map(|v| format!("regops:gate@{v}"))
    }
}

/// Reads a component's imports, exports, contract version and metadata.
pub fn read(source: &str, bytes: &[u8]) -> Result<Facts, String> {
    let mut facts = Facts {
        size: bytes.len() as u64,
        ..Facts::default()
    };
    let invalid = |e: wasmparser::BinaryReaderError| {
        format!("{source} is not a valid WebAssembly component: {e}")
    };
    let mut depth = 0usize;
    let mut versions: Vec<String> = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        use wasmparser::Payload;
        match payload.map_err(invalid)? {
            Payload::Version { encoding, .. }
                if depth == 0 && encoding != wasmparser::Encoding::Component =>
            {
                return Err(format!(
                    "{source} is not a valid WebAssembly component: it is a core module; \
                     turn it into a component (`wasm-tools component new`)"
                ));
            }
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let name = import.map_err(invalid)?.name.name.to_string();
                    if let Some(version) = contract_version(&name) {
                        versions.push(version.to_string());
                    }
                    facts.imports.push(name);
                }
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    let name = export.map_err(invalid)?.name.name.to_string();
                    if let Some(version) = contract_version(&name) {
                        versions.push(version.to_string());
                    }
                    facts.exports.push(name);
                }
            }
            Payload::CustomSection(section) if depth == 0 && section.name() == METADATA_SECTION => {
                let metadata = serde_json::from_slice(section.data()).map_err(|e| {
                    format!(
                        "{source}: its `{METADATA_SECTION}` section is not valid metadata JSON: {e}"
                    )
                })?;
                facts.metadata = Some(metadata);
            }
            _ => {}
        }
    }
    versions.sort();
    versions.dedup();
    match versions.as_slice() {
        [] => {}
        [one] => facts.contract = Some(one.clone()),
        many => {
            return Err(format!(
                "{source} mixes contract versions {}; build it against one regops:gate version",
                many.join(", ")
            ));
        }
    }
    Ok(facts)
}

/// The version of a `regops:gate/<interface>@<version>` name.
fn contract_version(name: &str) -> Option<&str> {
    name.strip_prefix(CONTRACT_PACKAGE)?
        .split_once('@')
        .map(|(_, v)| v)
}

/// Whether an import name belongs to a contract version this host loads.
pub fn is_contract_import(name: &str) -> bool {
    contract_version(name).is_some_and(|v| compatible(CONTRACT_VERSION, v))
}

/// Refuses a component this host cannot run: one built against a contract
/// version it does not implement, or one whose metadata asks for a newer regops.
pub fn check(source: &str, facts: &Facts) -> Result<(), String> {
    if let Some(version) = &facts.contract
        && !compatible(CONTRACT_VERSION, version)
    {
        return Err(format!(
            "{source} was built against regops:gate@{version}; this regops {REGOPS_VERSION} implements \
             regops:gate@{CONTRACT_VERSION} and loads components built against {}. {}",
            accepted_range(CONTRACT_VERSION),
            supported_by(version)
        ));
    }
    if let Some(min) = facts
        .metadata
        .as_ref()
        .and_then(|m| m.min_regops.as_deref())
        && let (Some(min_v), Some(ours)) = (semver(min), semver(REGOPS_VERSION))
        && min_v > ours
    {
        return Err(format!(
            "{source} needs regops {min} or newer (its `{METADATA_SECTION}` says so); this is regops {REGOPS_VERSION}"
        ));
    }
    Ok(())
}

/// A component built against `component` loads in a host implementing `host`.
pub fn compatible(host: &str, component: &str) -> bool {
    let (Some(h), Some(c)) = (semver(host), semver(component)) else {
        return false;
    };
    if h.0 == 0 {
        c.0 == 0 && c.1 == h.1 && c.2 <= h.2
    } else {
        c.0 == h.0 && c.1 <= h.1
    }
}

/// The contract versions a host implementing `host` loads, in words.
fn accepted_range(host: &str) -> String {
    match semver(host) {
        Some((0, minor, _)) => format!("0.{minor}.0 to {host}"),
        Some((major, _, _)) => format!("{major}.0.0 to {host}"),
        None => host.to_string(),
    }
}

/// Which known regops releases run a component built against `version`.
fn supported_by(version: &str) -> String {
    let releases: Vec<&str> = RELEASES
        .iter()
        .filter(|(_, contract)| compatible(contract, version))
        .map(|(regops, _)| *regops)
        .collect();
    match (releases.first(), semver(version) > semver(CONTRACT_VERSION)) {
        (Some(_), _) => format!(
            "regops {} implement{} it; run it with one of those, or rebuild it against regops:gate@{CONTRACT_VERSION}",
            releases.join(", "),
            if releases.len() == 1 { "s" } else { "" }
        ),
        (None, true) => format!(
            "It needs a regops newer than {REGOPS_VERSION} (no release this one knows of implements it); \
             upgrade regops, or rebuild the gate against regops:gate@{CONTRACT_VERSION}"
        ),
        (None, false) => format!(
            "No regops release implements it (known: {}); rebuild the gate against regops:gate@{CONTRACT_VERSION}",
            RELEASES
                .iter()
                .map(|(regops, contract)| format!("regops {regops}: regops:gate@{contract}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `major.minor.patch`, ignoring pre-release and build suffixes.
fn semver(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let version = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_x_minors_are_breaking_and_patches_add() {
        assert!(compatible("0.1.0", "0.1.0"));
        assert!(
            compatible("0.1.3", "0.1.0"),
            "an older addition level loads"
        );
        assert!(
            !compatible("0.1.0", "0.1.1"),
            "a newer addition level does not"
        );
        assert!(!compatible("0.2.0", "0.1.0"), "0.1 -> 0.2 is breaking");
        assert!(!compatible("0.1.0", "0.2.0"));
        assert!(!compatible("0.1.0", "1.0.0"));
    }

    #[test]
    fn from_one_on_minors_add_and_majors_break() {
        assert!(compatible("1.2.0", "1.0.5"));
        assert!(compatible("1.2.0", "1.2.0"));
        assert!(!compatible("1.2.0", "1.3.0"));
        assert!(!compatible("2.0.0", "1.0.0"));
        assert!(!compatible("1.0.0", "0.9.0"));
    }

    #[test]
    fn versions_parse_with_suffixes_and_not_without_three_numbers() {
        assert_eq!(semver("0.1.0-rc.1"), Some((0, 1, 0)));
        assert_eq!(semver("0.1"), None);
        assert_eq!(semver("0.1.0.1"), None);
    }

    #[test]
    fn the_message_for_a_newer_contract_says_to_upgrade() {
        let facts = Facts {
            contract: Some("9.0.0".into()),
            ..Facts::default()
        };
        let message = check("gate.wasm", &facts).unwrap_err();
        assert!(
            message.contains("built against regops:gate@9.0.0"),
            "{message}"
        );
        assert!(message.contains("needs a regops newer than"), "{message}");
    }
}
