//! Normalisers: CI evidence files in, one typed [`Evidence`] model out.
//!
//! One module per format under [`formats`]; [`detect`] recognises a file's
//! format from its content; [`load`] reads, hashes and parses every input in
//! one streaming pass per file, then applies the VEX statements to the
//! vulnerabilities ([`apply_vex`]). Gates never see file formats, only the
//! model. `docs/evidence.md` describes every format and rule for users.

mod coverage;
pub mod detect;
pub mod error;
pub mod formats;
pub mod model;
mod parallel;
mod reader;
#[doc(hidden)]
pub mod testing;
mod vex;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use error::Error;
pub use formats::Format;
pub use model::*;
pub use vex::{apply_vex, timestamp_key};

/// All normalised evidence of one run, plus where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Every input file, in the order loaded.
    pub files: Vec<EvidenceFile>,
    #[serde(default)]
    pub tests: Vec<TestCase>,
    #[serde(default)]
    pub coverage: Vec<FileCoverage>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub vulnerabilities: Vec<Vulnerability>,
    #[serde(default)]
    pub vex: Vec<VexStatement>,
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    #[serde(default)]
    pub soup: Vec<SoupItem>,
    #[serde(default)]
    pub approvals: Vec<Approval>,
    #[serde(default)]
    pub anomalies: Vec<Anomaly>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<ReleaseInfo>,
    #[serde(default)]
    pub deployments: Vec<Deployment>,
    #[serde(default)]
    pub documents: Vec<ControlledDocument>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<ChangeRequest>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gate_results: Vec<GateResult>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measurements: Vec<Measurement>,
}

impl Evidence {
    /// Kinds with at least one input file, and the release when identified.
    pub fn available(&self) -> Vec<EvidenceKind> {
        let mut kinds: Vec<EvidenceKind> = self.files.iter().map(|f| f.kind).collect();
        // The release is identified from git and the configuration, not a file.
        if self.release.is_some() {
            kinds.push(EvidenceKind::Release);
        }
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

/// One input file as loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    /// Path relative to the configuration file's directory, `/`-separated.
    pub path: String,
    pub kind: EvidenceKind,
    pub format: Format,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Inconsistencies the parser resolved (and how), for the user to see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A file to load.
#[derive(Debug, Clone)]
pub struct Input {
    /// Where to read it.
    pub path: PathBuf,
    /// How to name it in reports (relative to the config file).
    pub display: String,
    /// The kind the configuration expects.
    pub kind: EvidenceKind,
    /// A format forced by the user; `None` detects it from the content.
    pub format: Option<Format>,
}

/// How normalisers interpret what producers leave open.
#[derive(Debug, Clone)]
pub struct Options {
    /// JUnit `<property>` names whose values are requirement ids.
    pub requirement_properties: Vec<String>,
    /// Pattern finding requirement ids in test names and classnames.
    pub requirement_pattern: regex::Regex,
    /// Largest evidence file accepted, in bytes.
    pub max_file_size: u64,
    /// SBOM entries that are the product itself, not SOUP (`[sbom]
    /// product`): purls (`pkg:type/namespace/name`, any version) or names.
    pub product_components: Vec<String>,
    /// Whether the coverage readers keep each record's lines, to merge one
    /// source file measured by several coverage files line by line
    /// (`coverage.rs`). [`load`] sets it (true for two or more coverage
    /// files), whatever it was given.
    #[doc(hidden)]
    pub keep_coverage_lines: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            requirement_properties: vec![
                "requirements".into(),
                "requirement".into(),
                "req".into(),
                "verifies".into(),
            ],
            requirement_pattern: DEFAULT_REQUIREMENT_PATTERN.clone(),
            max_file_size: 2 << 30,
            product_components: Vec::new(),
            keep_coverage_lines: false,
        }
    }
}

/// Compiled once per process: every `Options::default()` (the config's
/// defaults, each evidence load, the base branch's for the SOUP diff) used
/// to build it again, ~0.2 ms each. ASCII only: ids are ASCII, and Unicode
/// case folding and digit classes made it take 4x longer to build. `RC`
/// needs its separator: `rc4`, `RC1` name exit codes and release
/// candidates in test names far more often than risk controls.
static DEFAULT_REQUIREMENT_PATTERN: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i-u)(?:(?:REQ|SRS|SWR|RISK)[-_]?|RC[-_])[0-9]+")
            .expect("built-in requirement pattern is valid")
    });

/// Reads, hashes and normalises every input, then merges the records of a
/// source file measured by several coverage files line by line
/// (`coverage.rs`) and the VEX statements onto the vulnerabilities
/// ([`apply_vex`]).
///
/// Files are parsed in parallel, one per core, largest first; their records
/// are appended in input order, so the model, the first error reported and
/// every warning are the same as loading them one after another.
pub fn load(inputs: &[Input], options: &Options) -> Result<Evidence, Error> {
    let merging = coverage::keeps_lines(inputs.iter().map(|i| i.kind));
    let with_lines;
    let options = if merging != options.keep_coverage_lines {
        with_lines = Options {
            keep_coverage_lines: merging,
            ..options.clone()
        };
        &with_lines
    } else {
        options
    };
    let mut evidence = Evidence::default();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(inputs.len());
    if workers > 1 {
        parallel::load(inputs, options, workers, &mut evidence)?;
    } else {
        for input in inputs {
            let file = reader::load_file(input, options, &mut evidence)?;
            evidence.files.push(file);
        }
    }
    if merging {
        coverage::merge_same_sources(&mut evidence);
    }
    apply_vex(&mut evidence);
    formats::doorstop::finish(&mut evidence.requirements);
    Ok(evidence)
}
